"""
### storywatch

Follows the stories in the stories folder through the feeds of `storywatch.toml`:
**poll** the feeds, **fetch** and extract new articles, **match** them against every story,
and email an **alert** for each update. Each task runs one stage of the `pipeline` package,
the same function `storywatch run` calls, so a task can be cleared and re-run at any time:
every stage takes its pending work from DuckDB and does nothing twice.

The tasks write to one DuckDB file, which takes a single writer: they share the one-slot pool
`storywatch_duckdb` (create it with `airflow pools set storywatch_duckdb 1 "DuckDB writers"`).
The config file is `$STORYWATCH_CONFIG`, else `storywatch.toml` next to this folder; the schedule
is `$STORYWATCH_SCHEDULE`, else every 15 minutes.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from airflow.sdk import chain, dag, task

POOL = "storywatch_duckdb"
CONFIG = os.environ.get(
    "STORYWATCH_CONFIG", str(Path(__file__).resolve().parent.parent / "storywatch.toml")
)

default_args = {
    "retries": 3,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(minutes=30),
    "pool": POOL,
}


# (task id, function of pipeline.stages, what it does), in the order they run
STAGES = [
    ("poll", "poll", "Conditional GET of every configured feed; new entries are stored."),
    ("fetch", "fetch_articles", "Download and extract the page of every new entry."),
    ("match", "match", "Judge every new article against every story; updates queue alerts."),
    ("alert", "send_alerts", "Send the pending alerts of the outbox over SMTP."),
]


def _run(stage: str) -> dict:
    # imported here: the scheduler parses this file often, and must not load DuckDB or lxml
    from pipeline import stages
    from pipeline.config import load_settings

    return stages.as_dict(getattr(stages, stage)(load_settings(CONFIG)))


@dag(
    dag_id="storywatch",
    schedule=os.environ.get("STORYWATCH_SCHEDULE", "*/15 * * * *"),
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["storywatch", "news"],
    doc_md=__doc__,
)
def storywatch():
    chain(*(task(_run, task_id=task_id, doc_md=doc)(stage) for task_id, stage, doc in STAGES))


storywatch()
