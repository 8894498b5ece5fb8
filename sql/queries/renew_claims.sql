-- Run $run_id is alive: its claims last another $lease_seconds.
UPDATE fetch_claims SET expires_at = now() + to_seconds($lease_seconds) WHERE run_id = $run_id;
