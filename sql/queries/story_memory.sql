-- The documents a story knows, seeds first, then accepted updates in the order they came.
SELECT a.id, a.title, a.text
FROM story_documents sd JOIN articles a ON a.id = sd.article_id
WHERE sd.story_id = $story_id AND a.text IS NOT NULL
ORDER BY sd.role = 'update', sd.added_at, a.id;
