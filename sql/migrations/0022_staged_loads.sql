-- The staging files the fetch DAG's load task has stored: each fetch_shard task (on any Airflow
-- worker, without the database) writes its pages to a Parquet file named by the SHA-256 of its
-- bytes, and the one writer loads it in one transaction that also adds its row here, so a file
-- loaded twice (a retried task, a file put back) changes nothing.
CREATE TABLE staged_loads (
    sha256     VARCHAR PRIMARY KEY,
    shard_id   VARCHAR NOT NULL,
    pages      INTEGER NOT NULL,
    stored     INTEGER NOT NULL,
    loaded_at  TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
COMMENT ON TABLE staged_loads IS
    'The staging files of the fetch DAG (`[airflow] staging`) that were loaded, by the SHA-256 '
    'of their bytes, which is also their name: a file already here is not loaded again.';
COMMENT ON COLUMN staged_loads.sha256 IS
    'The SHA-256 (hex) of the Parquet file''s bytes, which named it: the file was that '
    'digest followed by .parquet.';
COMMENT ON COLUMN staged_loads.shard_id IS
    'The shard whose pages it holds: the fetch_claims.run_id its entries were claimed under.';
COMMENT ON COLUMN staged_loads.pages IS 'How many pages the file held (a count).';
COMMENT ON COLUMN staged_loads.stored IS
    'How many of them were stored as articles (a count): fewer when some entries were no longer '
    'the shard''s (its lease ended and another run took them).';
COMMENT ON COLUMN staged_loads.loaded_at IS 'When it was loaded.';

-- a claim is also held by a shard of the fetch DAG, until its staging file is loaded
COMMENT ON COLUMN fetch_claims.run_id IS
    'Who holds it: a fetch run (a random hex id per run), or a shard of the fetch DAG (its '
    'random hex id, staged_loads.shard_id) from its plan until its staging file is loaded.';
