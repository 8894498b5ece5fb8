-- An article a reader corrects, with the stories that judged it and their verdicts (the latest
-- match per story): no row, no such article.
SELECT a.id AS article_id, m.story_id, s.slug, m.verdict
FROM articles a
LEFT JOIN (
    SELECT story_id, article_id, arg_max(verdict, id) AS verdict
    FROM matches WHERE article_id = $article_id GROUP BY story_id, article_id
) m ON m.article_id = a.id
LEFT JOIN stories s ON s.id = m.story_id
WHERE a.id = $article_id
ORDER BY m.story_id;
