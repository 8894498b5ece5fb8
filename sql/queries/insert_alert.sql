-- A digest's updates share one row (one key per window): the second insert does nothing.
-- $channel_id NULL: an email to $recipient; else a channel, $recipient its masked URL.
INSERT INTO alerts (idempotency_key, story_id, match_id, recipient, channel_id, message_id,
                    status, suppressed_reason, delivery, next_attempt_at)
VALUES ($idempotency_key, $story_id, $match_id, $recipient, $channel_id, $message_id, $status,
        $suppressed_reason, $delivery, $next_attempt_at)
ON CONFLICT (idempotency_key) DO NOTHING;
