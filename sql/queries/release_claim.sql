-- Give up run $run_id's claim on one entry, as its page is stored; returns the entry when the
-- run still held it (a stale run, whose lease another run took over, gets nothing back).
DELETE FROM fetch_claims WHERE entry_id = $entry_id AND run_id = $run_id RETURNING entry_id;
