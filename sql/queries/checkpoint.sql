-- Write the WAL into the database file, so a long-running deployment's file stays compact.
CHECKPOINT;
