-- Fetched articles whose raw page is still kept, newest first.
SELECT a.id, a.entry_id, a.url, a.site, a.raw_sha256, a.title, a.status, e.summary
FROM articles a
JOIN raw_pages r ON r.sha256 = a.raw_sha256
LEFT JOIN entries e ON e.id = a.entry_id
WHERE a.fetched_at >= coalesce($since, '-infinity'::TIMESTAMPTZ)
ORDER BY a.fetched_at DESC, a.id;
