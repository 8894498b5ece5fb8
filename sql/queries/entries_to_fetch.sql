-- Entries with no article yet, and failed fetches that have attempts left.
SELECT e.id AS entry_id, e.url, e.title, e.summary, e.published_at
FROM entries e
LEFT JOIN articles a ON a.entry_id = e.id
WHERE a.id IS NULL OR (a.status = 'failed' AND a.attempts < $max_attempts)
ORDER BY e.id
LIMIT $limit;
