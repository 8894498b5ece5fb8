"""
### storywatch: poll, fetch, match, alert

Follows the stories in the stories folder through the feeds of `storywatch.toml`. Each stage of
the pipeline is a DAG that does the work of `storywatch run --stage ...`, and the stages are
linked by **assets**:

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

**The fetch is spread over the workers.** `storywatch_fetch` is three tasks: `plan` claims the
entries waiting for their page (at most `[extraction] batch`) in shards of about `[airflow]
shard_size`, a site's entries in one shard (the per-host gap holds within a task), and writes
each shard's manifest to the staging folder `[airflow] staging`;
`fetch_shard`, mapped over the shards, downloads and extracts one shard's pages on any worker,
outside the pool and without opening DuckDB, into a Parquet file named by its SHA-256; `load`
stores every staging file not stored yet, one transaction each, recorded in `staged_loads` (a
file loaded twice changes nothing). Only shard ids and file names go through XCom. `load` is
the plan's teardown: skipped with it when no entry waits, run when some shards failed too: it
stores what the others fetched and releases the failed shards' claims, so the next run (the
sweep) fetches them; their failures are recorded by `load` (the run itself ends successful). Every
worker and the machine of the database must see the staging folder. The other stages are one
task each, the same function as `storywatch run --stage ...`.

**Modes** (`[airflow] mode` in `storywatch.toml`, or `STORYWATCH_AIRFLOW__MODE`): `cron` polls
on the schedule; `events` adds a watcher in the triggerer that looks at the config's feeds every
`watch_interval` seconds (conditional GET, nothing written) and starts the poll when one has new
entries, for the feeds it names. The schedule stays as the fallback.

**Safe to clear**: every stage takes its pending work from DuckDB, so a cleared task or run does
nothing twice and sends no alert twice. The tasks but `fetch_shard` share the one-slot pool
`storywatch_duckdb` (DuckDB takes a single writer). A task that fails for good is recorded in
the `task_failures` table and mailed to `[airflow] operator_email`. With an Airflow connection
`smtp_default`, the alerts go through it instead of `[smtp]`.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import dag, task

from pipeline.stage_registry import STAGES, Stage
from storywatch_airflow import schedules, tasks

SETTINGS = schedules.load()


def stage_dag(stage: Stage, schedule) -> None:
    @dag(
        dag_id=f"storywatch_{stage.name}",
        schedule=schedule,
        start_date=datetime(2024, 1, 1),
        catchup=False,
        max_active_runs=1,
        default_args=schedules.DEFAULT_ARGS,
        tags=["storywatch", "news"],
        doc_md=f"{stage.doc}\n\n{__doc__}",
    )
    def one_stage():
        outlets = [schedules.asset(stage.emits)] if stage.emits else []
        (sharded if stage.sharded else one_task)(stage, outlets)

    one_stage()


def one_task(stage: Stage, outlets: list) -> None:
    task(task_id=stage.name, outlets=outlets, doc_md=stage.doc)(tasks.run_stage)(stage.name)


def sharded(stage: Stage, outlets: list) -> None:
    """plan -> fetch_shard for each shard, on any worker -> load, which emits the asset."""
    shards = task(task_id=tasks.PLAN, doc_md=tasks.plan_shards.__doc__)(tasks.plan_shards)()
    fetched = task(
        task_id=tasks.FETCH_SHARD,
        pool=schedules.ANY_WORKER,
        on_failure_callback=tasks.on_shard_failure,
        doc_md=tasks.fetch_shard.__doc__,
    )(tasks.fetch_shard).expand(shard=shards)
    loaded = task(
        task_id=tasks.LOAD,
        outlets=outlets,
        doc_md=tasks.load_staged.__doc__,
    )(tasks.load_staged)()
    fetched >> loaded
    # the plan's teardown: it runs once the shards are done, whatever became of them, when the
    # plan claimed something; when the plan was skipped, it is skipped too. A failed load fails
    # the run, as a failed shard does
    # (Airflow takes the task's XComArg here, as its docs show, though its hints say operator)
    loaded.as_teardown(setups=shards, on_failure_fail_dagrun=True)  # type: ignore[arg-type]


# one DAG per stage, in the order the data flows: the first on the schedule (or the watcher),
# each next one on the asset the one before emits, and on the sweep
schedule = schedules.poll_schedule(SETTINGS)
for stage in STAGES:
    stage_dag(stage, schedule)
    if stage.emits:
        schedule = schedules.after(schedules.asset(stage.emits), SETTINGS.airflow)
