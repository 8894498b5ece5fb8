INSERT INTO alerts (idempotency_key, story_id, match_id, recipient, message_id)
VALUES ($idempotency_key, $story_id, $match_id, $recipient, $message_id)
ON CONFLICT (idempotency_key) DO NOTHING;
