-- `story mute`: a new mute, in force from $at until $until (NULL: until unmuted).
INSERT INTO story_mutes (story_id, muted_at, muted_until) VALUES ($story_id, $at, $until);
