-- `story remove`: the story is matched and alerted no more; its history stays.
INSERT INTO story_retirements (story_id, retired_at, kept_in) VALUES ($story_id, $at, $kept_in);
