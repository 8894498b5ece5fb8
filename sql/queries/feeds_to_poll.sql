-- Active feeds that are due, or named in $due_now (a watcher saw news there), with what the
-- poll needs: validators, failure streak, baseline.
SELECT h.feed_id, h.url, h.etag, h.last_modified, h.consecutive_failures,
       f.interval_seconds, f.alert_on_backlog, h.ever_ok
FROM feed_health h JOIN feeds f ON f.id = h.feed_id
WHERE h.status NOT IN ('removed', 'disabled')
  AND ($force OR h.next_poll_at IS NULL OR h.next_poll_at <= $now
       OR list_contains($due_now, h.url))
ORDER BY h.feed_id;
