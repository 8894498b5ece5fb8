-- What the story has seen besides what it knows: a later copy of any of these is a duplicate.
-- The text comes only where no fingerprint of the current scheme is stored. A retelling
-- (rehash) brings its lead's embedding by $model, when stored: another way the story is told.
-- An article its reader corrected is not among them: the story takes it as they said.
SELECT a.id, fp.minhash, fp.runs,
       CASE WHEN fp.article_id IS NULL THEN a.title END AS title,
       CASE WHEN fp.article_id IS NULL THEN a.text END AS text,
       CASE WHEN m.verdict = 'rehash' THEN le.vector END AS lead
FROM matches m
JOIN articles a ON a.id = m.article_id
LEFT JOIN article_fingerprints fp ON fp.article_id = a.id AND fp.scheme = $scheme
LEFT JOIN lead_embeddings le ON le.article_id = a.id AND le.model = $model
WHERE m.story_id = $story_id AND m.verdict IN ('duplicate', 'rehash') AND a.text IS NOT NULL
  AND a.id NOT IN (SELECT article_id FROM feedback WHERE story_id = $story_id)
ORDER BY a.id;
