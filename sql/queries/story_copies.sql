-- What the story has seen besides what it knows: a later copy of any of these is a duplicate.
SELECT a.id, a.text
FROM matches m JOIN articles a ON a.id = m.article_id
WHERE m.story_id = $story_id AND m.verdict IN ('duplicate', 'rehash') AND a.text IS NOT NULL
ORDER BY a.id;
