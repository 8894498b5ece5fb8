-- The updates a story learned in one run, in the order it learned them: `story_memory` reads
-- them back by added_at, which one transaction would otherwise give them all alike.
INSERT INTO story_documents (story_id, article_id, role, added_at)
SELECT $story_id, article_id, 'update', current_timestamp + to_microseconds(n)
FROM (SELECT unnest($article_ids::BIGINT[]) AS article_id,
             generate_subscripts($article_ids::BIGINT[], 1) AS n)
ON CONFLICT DO NOTHING;
