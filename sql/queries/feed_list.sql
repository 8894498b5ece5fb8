SELECT url, title, status, last_polled_at, next_poll_at, consecutive_failures, entries, last_error
FROM feed_health
WHERE status <> 'removed' OR $all
ORDER BY feed_id;
