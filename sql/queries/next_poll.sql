-- When the feeds are due: how many are active, how many due now (never polled, or past their
-- time), and the one due next after $now.
WITH active AS (
    SELECT url, next_poll_at FROM feed_health WHERE status NOT IN ('removed', 'disabled')
)
SELECT count(*) AS feeds,
       count(*) FILTER (WHERE next_poll_at IS NULL OR next_poll_at <= $now) AS due_now,
       (SELECT url FROM active WHERE next_poll_at > $now
        ORDER BY next_poll_at, url LIMIT 1) AS next_url,
       min(next_poll_at) FILTER (WHERE next_poll_at > $now) AS next_at
FROM active;
