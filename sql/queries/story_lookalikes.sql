-- The leads of what the story judged related in its own language, as $model embedded them
-- (only those the model read): a later report of the same look-alike is nearer to one of them
-- than to the story. An article its reader corrected is not among them.
SELECT a.id, le.vector
FROM matches m
JOIN articles a ON a.id = m.article_id
JOIN lead_embeddings le ON le.article_id = a.id AND le.model = $model
WHERE m.story_id = $story_id AND m.verdict = 'related'
  AND coalesce(a.language, 'en') = $language
  AND a.id NOT IN (SELECT article_id FROM feedback WHERE story_id = $story_id)
ORDER BY a.id;
