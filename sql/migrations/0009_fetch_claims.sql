-- Entries a fetch run has taken on, so that two runs at once split the work instead of both
-- downloading every page. A claim is a lease: it ends at `expires_at` unless its run renews it,
-- so the entries of a run killed with kill -9 are fetched by a later run. No foreign key:
-- claims come and go all the time, and DuckDB would refuse some updates of the entries.
CREATE TABLE fetch_claims (
    entry_id   BIGINT PRIMARY KEY,
    run_id     VARCHAR NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
