-- One alert held back for good, with the reason (a channel no longer among the story's).
UPDATE alerts SET status = 'suppressed', suppressed_reason = $reason
WHERE id = $id;
