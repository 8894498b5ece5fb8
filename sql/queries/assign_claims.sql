-- Hand the claims of plan $plan_id on $entry_ids to shard $run_id, for $lease_seconds from now.
UPDATE fetch_claims SET run_id = $run_id, expires_at = now() + to_seconds($lease_seconds)
WHERE run_id = $plan_id AND entry_id IN (SELECT unnest($entry_ids::BIGINT[]));
