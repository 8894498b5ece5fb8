-- A task of the Airflow DAGs that failed, recorded by its failure callback, so that an analyst
-- sees in the same database what the pipeline did not do (Airflow's own records are elsewhere
-- and are pruned on their own schedule).
CREATE SEQUENCE task_failures_id_seq;
CREATE TABLE task_failures (
    id          BIGINT PRIMARY KEY DEFAULT nextval('task_failures_id_seq'),
    dag_id      VARCHAR NOT NULL,
    task_id     VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL,
    try_number  INTEGER NOT NULL,
    error       VARCHAR,
    failed_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    -- a callback run twice for the same try (a retried callback) records it once
    UNIQUE (dag_id, task_id, run_id, try_number)
);

-- Operator reports that were sent (the daily feed-health report), by key, so that a retried or
-- cleared maintenance task does not send the same report twice.
CREATE TABLE reports_sent (
    key      VARCHAR PRIMARY KEY,
    sent_at  TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
