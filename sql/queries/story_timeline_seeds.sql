-- The seed documents a story's timeline opens with, in its story.toml's order: the start of
-- each text is enough for the excerpt shown.
SELECT a.id, a.title, a.source, a.url, left(a.text, 4000) AS text
FROM current_stories s
JOIN articles a ON list_contains(s.seed_article_ids, a.id)
WHERE s.id = $story_id
ORDER BY list_position(s.seed_article_ids, a.id);
