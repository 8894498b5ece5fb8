-- Every feed with its health, the config's feeds as the config says now: this reads the
-- database and never writes it, so a feed new in the config is listed as new and one dropped
-- from it as removed until the next run records them.
WITH config AS (
    SELECT unnest($urls::VARCHAR[]) AS url, unnest($names::VARCHAR[]) AS name
),
listed AS (
    SELECT h.feed_id, coalesce(h.url, c.url) AS url, coalesce(c.name, h.title) AS title,
           CASE WHEN h.url IS NULL THEN 'new'
                WHEN c.url IS NULL AND h.source = 'config' THEN 'removed'
                WHEN c.url IS NOT NULL AND h.status = 'removed' THEN 'new'
                ELSE h.status END AS status,
           h.last_polled_at, h.next_poll_at, h.last_error,
           coalesce(h.consecutive_failures, 0) AS consecutive_failures,
           coalesce(h.entries, 0) AS entries
    FROM feed_health h FULL OUTER JOIN config c ON c.url = h.url
)
SELECT url, title, status, last_polled_at, next_poll_at, consecutive_failures, entries, last_error
FROM listed
WHERE status <> 'removed' OR $all
ORDER BY feed_id NULLS LAST, url;
