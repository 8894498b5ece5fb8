-- The Message-IDs this recipient already received on the story, oldest first: the thread.
SELECT message_id FROM alerts
WHERE story_id = $story_id AND lower(recipient) = lower($recipient) AND status = 'sent'
  AND channel_id IS NULL AND id <> $id
ORDER BY sent_at, id;
