-- Run $run_id ends: what it claimed and did not store is free for the next run.
DELETE FROM fetch_claims WHERE run_id = $run_id;
