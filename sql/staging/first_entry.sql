-- The first entry of the staging file $path (files are loaded in the order of their entries).
SELECT min(entry_id) FROM read_parquet($path);
