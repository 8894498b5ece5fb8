-- Every row of the staging file $path, in entry order.
SELECT * FROM read_parquet($path) ORDER BY entry_id;
