"""
### storywatch maintenance

Once a day (`[airflow] maintenance`): **prune** raw pages older than `[extraction]
keep_raw_days` and polls older than `[airflow] keep_polls_days` (never the ones the feed-health
view reads), **checkpoint** DuckDB so its write-ahead log is folded into the file, and
**report** the last day's feed health by email to `[airflow] operator_email` (the report of a
run is sent once, however often its task is cleared). Same pool, retries and failure callback
as the pipeline's DAGs.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import CronTriggerTimetable, chain, dag, task

from storywatch_airflow import schedules, tasks

SETTINGS = schedules.load()


@dag(
    dag_id="storywatch_maintenance",
    schedule=CronTriggerTimetable(SETTINGS.airflow.maintenance, timezone=schedules.UTC),
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=schedules.DEFAULT_ARGS,
    tags=["storywatch", "maintenance"],
    doc_md=__doc__,
)
def storywatch_maintenance():
    chain(
        task(doc_md="Delete raw pages and polls past their retention.")(tasks.prune)(),
        task(doc_md="Fold DuckDB's write-ahead log into the file.")(tasks.checkpoint)(),
        task(doc_md="Email the day's feed health to the operator.")(tasks.report_feed_health)(),
    )


storywatch_maintenance()
