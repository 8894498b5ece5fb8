-- The seed documents of a story's current definition, in its order: what `story show` takes
-- of a story whose folder is gone (retired).
SELECT a.id, a.source, a.title, a.text
FROM current_stories s JOIN articles a ON list_contains(s.seed_article_ids, a.id)
WHERE s.id = $story_id
ORDER BY list_position(s.seed_article_ids, a.id);
