-- Back in the outbox, due now; a message already delivered goes out under a new Message-ID.
UPDATE alerts SET status = 'pending', next_attempt_at = now(), gave_up = false,
                  last_error = NULL, suppressed_reason = NULL, message_id = $message_id
WHERE id = $id;
