-- One row per feed: its state, its last poll, the validators to send next time, when it is due.
CREATE OR REPLACE VIEW feed_health AS
WITH ranked AS (
    SELECT p.*, row_number() OVER (PARTITION BY feed_id ORDER BY id DESC) AS recency
    FROM polls p
),
last_good AS (
    SELECT feed_id, max(id) AS poll_id FROM polls WHERE outcome <> 'error' GROUP BY feed_id
),
streak AS (
    -- failures since the last poll that was not an error
    SELECT p.feed_id, count(*) AS consecutive_failures
    FROM polls p LEFT JOIN last_good g ON g.feed_id = p.feed_id
    WHERE p.outcome = 'error' AND p.id > coalesce(g.poll_id, 0)
    GROUP BY p.feed_id
),
validators AS (
    SELECT DISTINCT ON (feed_id) feed_id, etag, last_modified, feed_title
    FROM polls WHERE outcome = 'ok'
    ORDER BY feed_id, id DESC
)
SELECT f.id AS feed_id,
       f.url,
       coalesce(f.name, v.feed_title) AS title,
       CASE WHEN NOT coalesce(f.active, true) THEN 'removed'
            WHEN f.disabled_at IS NOT NULL THEN 'disabled'
            WHEN last.id IS NULL THEN 'new'
            WHEN coalesce(s.consecutive_failures, 0) = 0 THEN 'ok'
            WHEN s.consecutive_failures < 3 THEN 'degraded'
            ELSE 'failing' END AS status,
       f.source,
       last.finished_at AS last_polled_at,
       last.next_poll_at,
       last.outcome AS last_outcome,
       last.http_status AS last_http_status,
       coalesce(s.consecutive_failures, 0) AS consecutive_failures,
       (SELECT error FROM polls e WHERE e.feed_id = f.id AND e.outcome = 'error'
        ORDER BY e.id DESC LIMIT 1) AS last_error,
       f.disabled_at,
       v.etag,
       v.last_modified,
       v.feed_id IS NOT NULL AS ever_ok,
       (SELECT count(*) FROM entries en WHERE en.feed_id = f.id) AS entries
FROM feeds f
LEFT JOIN ranked last ON last.feed_id = f.id AND last.recency = 1
LEFT JOIN streak s ON s.feed_id = f.id
LEFT JOIN validators v ON v.feed_id = f.id;
