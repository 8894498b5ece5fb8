-- One row per feed: its last poll, the validators to send next time, and a health state.
CREATE OR REPLACE VIEW feed_health AS
WITH ranked AS (
    SELECT p.*, row_number() OVER (PARTITION BY feed_id ORDER BY id DESC) AS recency
    FROM polls p
),
streak AS (
    -- failures since the last poll that was not an error
    SELECT f.id AS feed_id,
           count(p.id) FILTER (
               WHERE p.outcome = 'error'
                 AND p.id > coalesce((SELECT max(q.id) FROM polls q
                                      WHERE q.feed_id = f.id AND q.outcome <> 'error'), 0)
           ) AS consecutive_failures
    FROM feeds f LEFT JOIN polls p ON p.feed_id = f.id
    GROUP BY f.id
),
validators AS (
    SELECT DISTINCT ON (feed_id) feed_id, etag, last_modified
    FROM polls WHERE outcome = 'ok'
    ORDER BY feed_id, id DESC
)
SELECT f.id AS feed_id,
       f.url,
       coalesce(f.name, (SELECT feed_title FROM ranked r2
                         WHERE r2.feed_id = f.id AND r2.feed_title IS NOT NULL
                         ORDER BY r2.id DESC LIMIT 1)) AS title,
       CASE WHEN last.id IS NULL THEN 'new'
            WHEN s.consecutive_failures = 0 THEN 'ok'
            WHEN s.consecutive_failures < 3 THEN 'degraded'
            ELSE 'failing' END AS status,
       last.finished_at AS last_polled_at,
       last.outcome AS last_outcome,
       last.http_status AS last_http_status,
       s.consecutive_failures,
       (SELECT error FROM polls e WHERE e.feed_id = f.id AND e.outcome = 'error'
        ORDER BY e.id DESC LIMIT 1) AS last_error,
       v.etag,
       v.last_modified,
       (SELECT count(*) FROM entries en WHERE en.feed_id = f.id) AS entries
FROM feeds f
LEFT JOIN ranked last ON last.feed_id = f.id AND last.recency = 1
LEFT JOIN streak s ON s.feed_id = f.id
LEFT JOIN validators v ON v.feed_id = f.id;
