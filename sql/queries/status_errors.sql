-- The last errors of each kind, at most $limit each, newest first: feeds failing now, pages
-- that gave nothing, articles the matcher failed on, story folders that do not load, alerts
-- that failed (with when they are tried again). `happened_at` is when it happened, where recorded.
WITH errors AS (
    SELECT 'feed' AS kind, url AS subject, last_error AS error, last_polled_at AS happened_at,
           NULL::TIMESTAMPTZ AS retry_at, feed_id AS id
    FROM feed_health
    WHERE status NOT IN ('removed', 'new') AND (consecutive_failures > 0 OR status = 'disabled')
    UNION ALL
    SELECT 'article', coalesce(a.url, e.url), coalesce(a.error, 'no article'), a.fetched_at,
           NULL, a.id
    FROM articles a LEFT JOIN entries e ON e.id = a.entry_id
    WHERE a.status = 'failed'
    UNION ALL
    SELECT 'match', s.slug || ': ' || coalesce(src.url, src.title, 'article ' || x.article_id),
           x.error, x.failed_at, NULL, x.article_id
    FROM match_errors x
    JOIN stories s ON s.id = x.story_id
    JOIN article_sources src ON src.article_id = x.article_id
    UNION ALL
    SELECT 'story', slug, error, checked_at, NULL, NULL
    FROM story_load_errors
    UNION ALL
    SELECT 'alert', '#' || al.id || ' to ' || al.recipient, al.last_error, NULL,
           CASE WHEN NOT coalesce(al.gave_up, false) THEN al.next_attempt_at END, al.id
    FROM alerts al
    WHERE al.status = 'failed'
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY kind ORDER BY happened_at DESC NULLS LAST, id DESC)
              AS recency
    FROM errors
)
SELECT kind, subject, error, happened_at, retry_at
FROM ranked
WHERE recency <= $limit
ORDER BY CASE kind WHEN 'feed' THEN 1 WHEN 'article' THEN 2 WHEN 'match' THEN 3
                   WHEN 'story' THEN 4 ELSE 5 END, recency;
