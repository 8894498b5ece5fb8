-- How many entries still need their page (none yet, or a failed one with attempts left).
SELECT count(*)
FROM entries e
LEFT JOIN articles a ON a.entry_id = e.id
WHERE a.id IS NULL OR (a.status = 'failed' AND a.attempts < $max_attempts);
