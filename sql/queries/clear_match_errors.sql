-- The errors of articles a run has now judged (their matches are stored).
DELETE FROM match_errors x
USING (SELECT unnest($story_ids::BIGINT[]) AS story_id,
              unnest($article_ids::BIGINT[]) AS article_id) j
WHERE x.story_id = j.story_id AND x.article_id = j.article_id;
