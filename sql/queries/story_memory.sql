-- The documents a story knows, seeds first, then accepted updates in the order they came, then
-- what its reader corrected (`feedback`, the latest word on each article, in the order given):
-- role 'update' (a missed update, or one the matcher took), 'told' (the story, but not new) or
-- 'negative' (not the story). An update the matcher took is known as its reader said, if they
-- said anything of it. With the embedding of each one's lead by $model when one is stored.
WITH said AS (
    SELECT article_id, arg_max(correction, id) AS correction, max(id) AS said_id
    FROM feedback WHERE story_id = $story_id GROUP BY article_id
), seeds AS (
    SELECT article_id FROM story_documents WHERE story_id = $story_id AND role = 'seed'
), known AS (
    SELECT sd.article_id, sd.role, sd.added_at, NULL AS said_id
    FROM story_documents sd
    WHERE sd.story_id = $story_id
      AND (sd.role = 'seed' OR sd.article_id NOT IN (SELECT article_id FROM said))
    UNION ALL
    SELECT article_id,
           CASE correction WHEN 'not_story' THEN 'negative' WHEN 'not_new' THEN 'told'
                ELSE 'update' END,
           NULL, said_id
    FROM said WHERE article_id NOT IN (SELECT article_id FROM seeds)
)
SELECT a.id, k.role, a.title, a.text, le.lead_md5, le.vector
FROM known k JOIN articles a ON a.id = k.article_id
LEFT JOIN lead_embeddings le ON le.article_id = a.id AND le.model = $model
WHERE a.text IS NOT NULL
ORDER BY k.said_id IS NOT NULL, k.role = 'update', k.added_at, k.said_id, a.id;
