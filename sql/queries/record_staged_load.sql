-- The staging file $sha256, of shard $shard_id, is loaded: $pages pages, $stored of them stored.
INSERT INTO staged_loads (sha256, shard_id, pages, stored)
VALUES ($sha256, $shard_id, $pages, $stored)
ON CONFLICT (sha256) DO NOTHING;
