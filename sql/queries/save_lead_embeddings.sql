-- Leads embedded by one model, in one statement (each article once; the stage sees to it).
INSERT INTO lead_embeddings (article_id, model, lead_md5, vector)
SELECT unnest($article_ids::BIGINT[]), $model, unnest($lead_md5s::VARCHAR[]),
       unnest($vectors::FLOAT[][])
ON CONFLICT (article_id, model) DO UPDATE
SET lead_md5 = excluded.lead_md5, vector = excluded.vector;
