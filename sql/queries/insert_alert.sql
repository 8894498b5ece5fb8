INSERT INTO alerts (idempotency_key, story_id, match_id, recipient, message_id, status,
                    suppressed_reason)
VALUES ($idempotency_key, $story_id, $match_id, $recipient, $message_id, $status,
        $suppressed_reason)
ON CONFLICT (idempotency_key) DO NOTHING;
