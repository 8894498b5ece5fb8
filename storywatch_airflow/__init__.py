"""storywatch under Airflow: what the DAG files wire together.

Kept apart from `pipeline`, which never imports Airflow, and importable by every Airflow
component (the triggerer loads `triggers.NewEntriesTrigger` by its import path, and the DAG
folder is not on its path). Nothing here loads DuckDB, trafilatura or feedparser at import:
the DAG processor imports it every time it parses the DAG files.
"""

# the pool every task that opens DuckDB runs in, of one slot: DuckDB takes a single writer
POOL = "storywatch_duckdb"
