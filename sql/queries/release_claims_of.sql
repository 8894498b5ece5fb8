-- Give up run $run_id's claims on the entries of a batch being stored; returns those the run
-- still held (a stale run, whose lease another run took over, gets none of those back).
DELETE FROM fetch_claims
WHERE run_id = $run_id AND entry_id IN (SELECT unnest($entry_ids::BIGINT[]))
RETURNING entry_id;
