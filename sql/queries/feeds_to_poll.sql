-- Active feeds that are due, with what the poll needs: validators, failure streak, baseline.
SELECT h.feed_id, h.url, h.etag, h.last_modified, h.consecutive_failures,
       f.interval_seconds, f.alert_on_backlog, h.ever_ok
FROM feed_health h JOIN feeds f ON f.id = h.feed_id
WHERE h.status NOT IN ('removed', 'disabled')
  AND ($force OR h.next_poll_at IS NULL OR h.next_poll_at <= $now)
ORDER BY h.feed_id;
