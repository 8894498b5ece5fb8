-- A held story's alerts still to send (pending, or failed and to be retried), due by $due
-- (NULL: all of them), held back for good with the reason. Sent and given-up alerts stay.
UPDATE alerts SET status = 'suppressed', suppressed_reason = $reason
WHERE story_id = $story_id
  AND (status = 'pending' OR (status = 'failed' AND NOT coalesce(gave_up, false)))
  AND ($due::TIMESTAMPTZ IS NULL OR next_attempt_at <= $due::TIMESTAMPTZ)
RETURNING id;
