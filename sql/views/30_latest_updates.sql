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
