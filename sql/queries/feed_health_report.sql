-- Every feed in service, worst first, with what it did since $since.
SELECT h.url, h.title, h.status, h.last_polled_at, h.consecutive_failures, h.last_error,
       count(p.id) AS polls,
       count(p.id) FILTER (WHERE p.outcome = 'error') AS errors,
       coalesce(sum(p.entries_new), 0) AS new_entries
FROM feed_health h
LEFT JOIN polls p ON p.feed_id = h.feed_id AND p.finished_at >= $since
WHERE h.status <> 'removed'
GROUP BY h.url, h.title, h.status, h.last_polled_at, h.consecutive_failures, h.last_error
ORDER BY CASE h.status WHEN 'disabled' THEN 0 WHEN 'failing' THEN 1 WHEN 'degraded' THEN 2
                       WHEN 'new' THEN 3 ELSE 4 END, h.url;
