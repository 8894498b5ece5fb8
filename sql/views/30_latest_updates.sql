-- The updates of each story, newest first; recency = 1 is the latest.
CREATE OR REPLACE VIEW latest_updates AS
SELECT t.story,
       row_number() OVER (PARTITION BY t.story ORDER BY t.published_at DESC, t.article_id DESC)
           AS recency,
       t.published_at,
       t.outlet,
       t.title,
       t.url,
       t.new_facts,
       t.score
FROM story_timeline t
WHERE t.verdict = 'update';

COMMENT ON VIEW latest_updates IS 'The updates of each story, newest first; recency = 1 is the latest.';
COMMENT ON COLUMN latest_updates.story IS 'The story''s slug.';
COMMENT ON COLUMN latest_updates.recency IS '1 for the story''s latest update, 2 for the one before...';
COMMENT ON COLUMN latest_updates.published_at IS 'When it was published, else fetched.';
COMMENT ON COLUMN latest_updates.outlet IS 'Who published it.';
COMMENT ON COLUMN latest_updates.title IS 'Its headline.';
COMMENT ON COLUMN latest_updates.url IS 'Its link.';
COMMENT ON COLUMN latest_updates.new_facts IS 'JSON list of the sentences the story did not have.';
COMMENT ON COLUMN latest_updates.score IS 'How close to the story, from 0 to 1.';
