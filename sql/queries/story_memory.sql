-- The documents a story knows, seeds first, then accepted updates in the order they came,
-- with the embedding of each one's lead by $model when one is stored.
SELECT a.id, sd.role, a.title, a.text, le.lead_md5, le.vector
FROM story_documents sd JOIN articles a ON a.id = sd.article_id
LEFT JOIN lead_embeddings le ON le.article_id = a.id AND le.model = $model
WHERE sd.story_id = $story_id AND a.text IS NOT NULL
ORDER BY sd.role = 'update', sd.added_at, a.id;
