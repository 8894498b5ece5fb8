-- What a story's judgements were made from: another run that matched it, or an edit of the
-- story, changes this, and decisions made from the old state are not written.
SELECT s.definition_hash,
       (SELECT count(*) FROM matches m WHERE m.story_id = s.id) AS matches,
       (SELECT max(m.id) FROM matches m WHERE m.story_id = s.id) AS last_match
FROM stories s
WHERE s.id = $story_id;
