-- Fetched articles not yet judged against this story, oldest first, so the story learns in order.
-- An article that failed is left out until the matcher or its text changes (see match_errors).
WITH waiting AS (
    SELECT a.id, a.title, a.text, a.language,
           coalesce(a.published_at, e.published_at) AS published_at,
           coalesce(e.baseline, false) AS baseline,
           md5(coalesce(a.title, '') || chr(10) || coalesce(a.text, '')) AS text_md5,
           coalesce(a.published_at, e.published_at, a.fetched_at) AS arrived
    FROM articles a
    JOIN entries e ON e.id = a.entry_id
    WHERE a.status IN ('extracted', 'fallback')
      AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.article_id = a.id AND m.story_id = $story_id)
)
SELECT w.id, w.title, w.text, w.language, w.published_at, w.baseline, w.text_md5
FROM waiting w
WHERE NOT EXISTS (
    SELECT 1 FROM match_errors x
    WHERE x.story_id = $story_id AND x.article_id = w.id
      AND x.matcher_version = $matcher_version AND x.text_md5 = w.text_md5
)
ORDER BY w.arrived, w.id;
