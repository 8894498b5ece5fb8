"""
### storywatch: poll, fetch, match, alert

Follows the stories in the stories folder through the feeds of `storywatch.toml`. Each stage of
the pipeline is a DAG of one task that calls the same function as `storywatch run --stage ...`,
and the stages are linked by **assets**:

| DAG | runs | emits, when it produced something |
|---|---|---|
| `storywatch_poll` | on `[airflow] schedule`, or when the watcher sees news | `..._new_entries` |
| `storywatch_fetch` | on `storywatch_new_entries`, and on `[airflow] sweep` | `..._new_articles` |
| `storywatch_match` | on `storywatch_new_articles`, and on the sweep | `..._alerts_queued` |
| `storywatch_alert` | on `storywatch_alerts_queued`, and on the sweep | – |

A stage that found nothing to do ends **skipped** and emits no asset event, so the next stage
does not start; that is how downstream work runs only when upstream produced something. The
sweep (hourly by default) picks up what a failure left behind: pages to fetch again, alerts
whose SMTP delivery is retried with backoff.

**Modes** (`[airflow] mode` in `storywatch.toml`, or `STORYWATCH_AIRFLOW__MODE`): `cron` polls
on the schedule; `events` adds a watcher in the triggerer that looks at the config's feeds every
`watch_interval` seconds (conditional GET, nothing written) and starts the poll when one has new
entries, for the feeds it names. The schedule stays as the fallback.

**Safe to clear**: every stage takes its pending work from DuckDB, so a cleared task or run does
nothing twice and sends no alert twice. The tasks share the one-slot pool `storywatch_duckdb`
(DuckDB takes a single writer). A task that fails for good is recorded in the `task_failures`
table and mailed to `[airflow] operator_email`. With an Airflow connection `smtp_default`, the
alerts go through it instead of `[smtp]`.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import dag, task

from storywatch_airflow import schedules, tasks
from storywatch_airflow.schedules import ALERTS_QUEUED, NEW_ARTICLES, NEW_ENTRIES

SETTINGS = schedules.load()
AFTER = SETTINGS.airflow

# (name, stage of pipeline.stages, its summary's counts that mean it produced something, the
# asset it then emits, the schedule, what it does): one DAG each, in the order the data flows
STAGES = [
    ("poll", "poll", ["new_entries"], NEW_ENTRIES, schedules.poll_schedule(SETTINGS),
     "Conditional GET of the due feeds (and of those the watcher named); new entries stored."),
    ("fetch", "fetch_articles", ["extracted", "fallback"], NEW_ARTICLES,
     schedules.after(NEW_ENTRIES, AFTER),
     "Download and extract the page of every new entry."),
    ("match", "match", ["alerts_queued"], ALERTS_QUEUED, schedules.after(NEW_ARTICLES, AFTER),
     "Judge every new article against every story; updates queue alerts."),
    ("alert", "send_alerts", ["sent"], None, schedules.after(ALERTS_QUEUED, AFTER),
     "Send the pending alerts of the outbox over SMTP."),
]  # fmt: skip


def stage_dag(name: str, stage: str, produces: list[str], emits, schedule, doc: str) -> None:
    @dag(
        dag_id=f"storywatch_{name}",
        schedule=schedule,
        start_date=datetime(2024, 1, 1),
        catchup=False,
        max_active_runs=1,
        default_args=schedules.DEFAULT_ARGS,
        tags=["storywatch", "news"],
        doc_md=f"{doc}\n\n{__doc__}",
    )
    def one_stage():
        run = task(task_id=name, outlets=[emits] if emits else [], doc_md=doc)(tasks.run_stage)
        run(stage, produces)

    one_stage()


for stage in STAGES:
    stage_dag(*stage)
