-- One alert with its story: what the email's headers need.
SELECT al.id, al.idempotency_key, al.recipient, al.channel_id, al.message_id, al.status, al.attempts,
       coalesce(al.delivery, 'immediate') AS delivery, al.created_at, al.sent_at, al.last_error,
       al.next_attempt_at, al.suppressed_reason, coalesce(al.gave_up, false) AS gave_up,
       al.story_id, s.slug AS story_slug, s.name AS story_name,
       s.description AS story_description
FROM alerts al JOIN current_stories s ON s.id = al.story_id
WHERE al.id = $id;
