-- Copies' fingerprints in one statement (each article once; the stage sees to it).
INSERT INTO article_fingerprints (article_id, scheme, minhash, runs)
SELECT unnest($article_ids::BIGINT[]), $scheme, unnest($minhashes::BLOB[]), unnest($runs::BLOB[])
ON CONFLICT (article_id) DO UPDATE
SET scheme = excluded.scheme, minhash = excluded.minhash, runs = excluded.runs;
