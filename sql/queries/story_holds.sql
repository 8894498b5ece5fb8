-- The stories whose alerts are held back at $now: retired ones, and muted ones (the latest
-- mute not ended by hand, unless it ran out by $now).
SELECT s.id AS story_id, s.slug, r.retired_at, m.muted_at, m.muted_until
FROM stories s
LEFT JOIN story_retirements r ON r.story_id = s.id
LEFT JOIN (
    SELECT DISTINCT ON (story_id) story_id, muted_at, muted_until
    FROM story_mutes
    WHERE unmuted_at IS NULL AND (muted_until IS NULL OR muted_until > $now)
    ORDER BY story_id, id DESC
) m ON m.story_id = s.id
WHERE r.story_id IS NOT NULL OR m.story_id IS NOT NULL;
