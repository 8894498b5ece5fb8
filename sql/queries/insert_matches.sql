-- A run's decisions in one statement, one list per column, in the order they were made (the
-- ids follow it). A decision another run already stored is skipped; only new rows come back.
INSERT INTO matches (article_id, story_id, verdict, score, duplicate_of, new_facts, changed_facts,
                     reasons, matcher_version)
SELECT unnest($article_ids::BIGINT[]), unnest($story_ids::BIGINT[]), unnest($verdicts::VARCHAR[]),
       unnest($scores::DOUBLE[]), unnest($duplicate_of::BIGINT[]), unnest($new_facts::JSON[]),
       unnest($changed_facts::JSON[]), unnest($reasons::JSON[]), $matcher_version
ON CONFLICT DO NOTHING
RETURNING id, article_id, story_id;
