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
