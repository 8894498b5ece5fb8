-- A story's alerts still to send (pending, or failed and to be retried) to someone no longer
-- among its recipients: held back for good. Sent and given-up alerts stay as history.
UPDATE alerts SET status = 'suppressed', suppressed_reason = 'recipient removed'
WHERE story_id = $story_id
  AND (status = 'pending' OR (status = 'failed' AND NOT coalesce(gave_up, false)))
  AND lower(recipient) NOT IN (SELECT lower(unnest($recipients::VARCHAR[])));
