-- Raw pages are kept as gzip files next to the database (`<database>.pages/`), no longer in
-- `html_gz`: DuckDB rewrites a table's last row group at every checkpoint, blobs included, so
-- its memory and time grew with every page kept. A row stays per page (its size, when it was
-- kept, for retention and `reextract`); pages stored before keep their blob until pruned.
ALTER TABLE raw_pages ALTER COLUMN html_gz DROP NOT NULL;
