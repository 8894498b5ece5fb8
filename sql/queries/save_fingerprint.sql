INSERT INTO article_fingerprints (article_id, scheme, minhash, runs)
VALUES ($article_id, $scheme, $minhash, $runs)
ON CONFLICT (article_id) DO UPDATE
SET scheme = excluded.scheme, minhash = excluded.minhash, runs = excluded.runs;
