SELECT al.id, s.slug AS story, al.recipient, al.status, al.attempts, al.last_error, al.message_id
FROM alerts al JOIN stories s ON s.id = al.story_id
ORDER BY al.id;
