-- Claim for run $run_id, for $lease_seconds, up to $limit entries after entry $after that need
-- their page: no article yet, or a failed one with attempts left; none that another run holds
-- on a live lease. Returns the claimed entries, in entry order.
INSERT INTO fetch_claims (entry_id, run_id, expires_at)
SELECT e.id, $run_id, now() + to_seconds($lease_seconds)
FROM entries e
LEFT JOIN articles a ON a.entry_id = e.id
LEFT JOIN fetch_claims c ON c.entry_id = e.id
WHERE e.id > $after
  AND (a.id IS NULL OR (a.status = 'failed' AND a.attempts < $max_attempts))
  AND (c.entry_id IS NULL OR c.expires_at < now())
ORDER BY e.id
LIMIT $limit
ON CONFLICT (entry_id) DO UPDATE SET run_id = excluded.run_id, expires_at = excluded.expires_at
RETURNING entry_id;
