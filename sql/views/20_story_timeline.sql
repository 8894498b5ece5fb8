-- Every article the matcher tied to a story, in the order the world saw them.
CREATE OR REPLACE VIEW story_timeline AS
SELECT s.slug AS story,
       coalesce(a.published_at, e.published_at, a.fetched_at) AS published_at,
       m.verdict,
       round(m.score, 3) AS score,
       coalesce(a.site_name, fh.title) AS outlet,
       coalesce(a.title, e.title) AS title,
       coalesce(a.url, e.url) AS url,
       m.new_facts,
       m.duplicate_of,
       m.article_id,
       m.matched_at
FROM matches m
JOIN stories s ON s.id = m.story_id
JOIN articles a ON a.id = m.article_id
LEFT JOIN entries e ON e.id = a.entry_id
LEFT JOIN feed_health fh ON fh.feed_id = e.feed_id
WHERE m.verdict IN ('duplicate', 'rehash', 'update')
ORDER BY s.slug, published_at;

COMMENT ON VIEW story_timeline IS 'Every article the matcher tied to a story (duplicate, rehash or update), in the order the world saw them.';
COMMENT ON COLUMN story_timeline.story IS 'The story''s slug.';
COMMENT ON COLUMN story_timeline.published_at IS 'When it was published (the page''s time, else the entry''s), else when it was fetched.';
COMMENT ON COLUMN story_timeline.verdict IS 'duplicate, rehash or update.';
COMMENT ON COLUMN story_timeline.score IS 'How close to the story, from 0 to 1, rounded to 3 places.';
COMMENT ON COLUMN story_timeline.outlet IS 'Who published it: the page''s site name, else the feed''s title.';
COMMENT ON COLUMN story_timeline.title IS 'Its headline.';
COMMENT ON COLUMN story_timeline.url IS 'Its link.';
COMMENT ON COLUMN story_timeline.new_facts IS 'JSON list of the sentences the story did not have.';
COMMENT ON COLUMN story_timeline.duplicate_of IS 'For a duplicate: the text it copies (articles.id).';
COMMENT ON COLUMN story_timeline.article_id IS 'The article (articles.id).';
COMMENT ON COLUMN story_timeline.matched_at IS 'When the matcher decided.';
