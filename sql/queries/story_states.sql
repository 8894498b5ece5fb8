-- What the stories' judgements are made from: another run that matched a story, or an edit of
-- it (a new definition), or a correction by its reader, changes its row, and decisions made from
-- the old state are not written.
SELECT s.id AS story_id, s.definition_hash, count(m.id) AS matches, max(m.id) AS last_match,
       (SELECT max(f.id) FROM feedback f WHERE f.story_id = s.id) AS last_correction
FROM current_stories s
LEFT JOIN matches m ON m.story_id = s.id
WHERE list_contains($story_ids::BIGINT[], s.id)
GROUP BY s.id, s.definition_hash;
