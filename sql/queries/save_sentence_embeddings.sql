-- A story's known sentences embedded by one model, in one statement.
INSERT INTO sentence_embeddings (story_id, model, sentence_md5, vector)
SELECT $story_id, $model, unnest($sentence_md5s::VARCHAR[]), unnest($vectors::FLOAT[][])
ON CONFLICT (story_id, model, sentence_md5) DO UPDATE SET vector = excluded.vector;
