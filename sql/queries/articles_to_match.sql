-- Fetched articles not yet judged against this story, oldest first, so the story learns in order.
SELECT a.id, a.title, a.text, a.language, coalesce(a.published_at, e.published_at) AS published_at,
       coalesce(e.baseline, false) AS baseline
FROM articles a
JOIN entries e ON e.id = a.entry_id
WHERE a.status IN ('extracted', 'fallback')
  AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.article_id = a.id AND m.story_id = $story_id)
ORDER BY coalesce(a.published_at, e.published_at, a.fetched_at), a.id;
