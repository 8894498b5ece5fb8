UPDATE feeds SET disabled_at = now() WHERE id = $feed_id AND disabled_at IS NULL;
