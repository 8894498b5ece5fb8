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

COMMENT ON VIEW feed_health IS 'One row per feed: its state, its last poll, the validators to send next time, when it is due.';
COMMENT ON COLUMN feed_health.feed_id IS 'The feed (feeds.id).';
COMMENT ON COLUMN feed_health.url IS 'Its URL.';
COMMENT ON COLUMN feed_health.title IS 'Its configured name, else the title it last gave itself.';
COMMENT ON COLUMN feed_health.status IS 'new (never polled), ok, degraded (1 or 2 failures in a row), failing (3 or more), disabled (too many: not polled) or removed.';
COMMENT ON COLUMN feed_health.source IS 'config (storywatch.toml) or cli (`storywatch feed add`).';
COMMENT ON COLUMN feed_health.last_polled_at IS 'When its last poll finished; NULL: never polled.';
COMMENT ON COLUMN feed_health.next_poll_at IS 'When it is due again; NULL: at the next run.';
COMMENT ON COLUMN feed_health.last_outcome IS 'ok, not_modified or error: how its last poll went.';
COMMENT ON COLUMN feed_health.last_http_status IS 'The HTTP status of its last poll; NULL when no response came.';
COMMENT ON COLUMN feed_health.consecutive_failures IS 'Failed polls since the last one that was not an error (a count).';
COMMENT ON COLUMN feed_health.last_error IS 'The error of its last failed poll, however long ago; NULL: it never failed.';
COMMENT ON COLUMN feed_health.disabled_at IS 'When it was disabled after too many failures; NULL: not disabled.';
COMMENT ON COLUMN feed_health.etag IS 'The ETag of its last ok poll, sent back as If-None-Match.';
COMMENT ON COLUMN feed_health.last_modified IS 'The Last-Modified of its last ok poll, sent back as If-Modified-Since.';
COMMENT ON COLUMN feed_health.ever_ok IS 'true once a poll read it: until then, what it lists is its backlog.';
COMMENT ON COLUMN feed_health.entries IS 'How many entries storywatch has from it (a count).';
