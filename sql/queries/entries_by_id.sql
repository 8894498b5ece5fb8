-- The entries a fetch run claimed, with what the fetch stage needs of them.
SELECT e.id AS entry_id, e.url, e.title, e.summary, e.published_at
FROM entries e
WHERE e.id IN (SELECT unnest($ids))
ORDER BY e.id;
