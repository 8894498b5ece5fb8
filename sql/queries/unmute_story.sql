-- `story unmute`: every mute of the story still in force at $at ends; returns how many.
UPDATE story_mutes SET unmuted_at = $at
WHERE story_id = $story_id AND unmuted_at IS NULL AND (muted_until IS NULL OR muted_until > $at)
RETURNING id;
