-- Polls older than $keep_days, except what the feed_health view reads: the last poll of each
-- outcome per feed, every failure since the last success (the failure streak), and polls that
-- stored entries (entries reference them).
DELETE FROM polls p
WHERE p.finished_at < now() - to_days($keep_days)
  AND p.id NOT IN (SELECT max(id) FROM polls GROUP BY feed_id, outcome)
  AND p.id < coalesce(
        (SELECT max(g.id) FROM polls g WHERE g.feed_id = p.feed_id AND g.outcome <> 'error'), 0)
  AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.poll_id = p.id)
RETURNING id;
