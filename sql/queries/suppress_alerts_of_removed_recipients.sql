-- A story's alerts still to send (pending, or failed and to be retried) to someone no longer
-- among its recipients: held back for good. Sent and given-up alerts stay as history. Channels
-- are not recipients: the alert stage holds back what waits for a channel no longer listed.
UPDATE alerts SET status = 'suppressed', suppressed_reason = 'recipient removed'
WHERE story_id = $story_id AND channel_id IS NULL
  AND (status = 'pending' OR (status = 'failed' AND NOT coalesce(gave_up, false)))
  AND lower(recipient) NOT IN (SELECT lower(unnest($recipients::VARCHAR[])));
