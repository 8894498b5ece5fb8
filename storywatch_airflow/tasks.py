"""What the DAGs' tasks call: one stage of `pipeline` each, with the settings of this deployment,
or for a sharded stage (the fetch) one step of it (plan, fetch_shard, load).

A task whose stage produced nothing ends `skipped`: it emits no asset event, so the DAG of the
next stage does not start for nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from airflow.sdk import get_current_context
from airflow.sdk.exceptions import AirflowSkipException

from pipeline.config import DEFAULT_FILE
from pipeline.paths import IN_CHECKOUT, PROJECT_ROOT


def config_path() -> str:
    """$STORYWATCH_CONFIG, else storywatch.toml: the checkout's, or in a wheel install the one in
    the current directory, where the CLI looks too (read at each call, not cached)."""
    default = PROJECT_ROOT / DEFAULT_FILE if IN_CHECKOUT else Path(DEFAULT_FILE)
    return os.environ.get("STORYWATCH_CONFIG", str(default))


def settings():
    """This deployment's Settings: the config file, with Airflow's `smtp_default` if defined."""
    from pipeline.config import load_settings

    from .smtp import with_airflow_smtp

    return with_airflow_smtp(load_settings(config_path()))


def run_stage(name: str) -> dict:
    """Run the stage `name` of `pipeline.stage_registry`; skip unless it produced something."""
    from pipeline import stages
    from pipeline.stage_registry import BY_NAME

    stage = BY_NAME[name]
    summary = stage.call(settings(), due_now=watched_feeds())
    if not stage.produced(summary):
        raise AirflowSkipException(f"nothing new: {summary}")
    return stages.as_dict(summary)


# the task ids of a sharded stage's DAG; the load reads the plan's shards by its id
PLAN, FETCH_SHARD, LOAD = "plan", "fetch_shard", "load"


def plan_shards() -> list[str]:
    """Claim the entries waiting for their page, in shards of `[airflow] shard_size`, and write
    each shard's manifest to `[airflow] staging`; returns the shard ids (skipped: none waits)."""
    from pipeline.stages import fetch_shards

    shards = fetch_shards.plan_shards(settings())
    if not shards:
        raise AirflowSkipException("no entry waits for its page")
    return shards


def fetch_shard(shard: str) -> str:
    """Download and extract one shard's pages into a staging file, on any worker (no pool: the
    database is not opened); returns the file's name."""
    from pipeline.stages import fetch_shards

    return fetch_shards.fetch_shard(settings(), shard)


def load_staged() -> dict:
    """Store every staging file not stored yet (runs when some shards failed, too) and release
    the claims of this run's shards that left none; records the shards' failures. Skipped
    unless it stored an article."""
    from pipeline import stages
    from pipeline.failures import record_failure
    from pipeline.stage_registry import BY_NAME
    from pipeline.stages import fetch_shards

    here = settings()
    for path, failure in fetch_shards.left_failures(here):
        record_failure(here, failure)
        path.unlink()
    shards = get_current_context()["ti"].xcom_pull(task_ids=PLAN) or []
    summary = fetch_shards.load_staged(here, shards)
    if not BY_NAME["fetch"].produced(summary):
        raise AirflowSkipException(f"nothing new: {summary}")
    return stages.as_dict(summary)


def watched_feeds() -> list[str]:
    """The feeds that the watcher said have news, when it is what started this run."""
    events = get_current_context().get("triggering_asset_events") or {}
    return sorted(
        {
            url
            for asset_events in events.values()
            for event in asset_events
            for url in ((event.extra or {}).get("payload") or {}).get("feeds", [])
        }
    )


def prune() -> dict:
    from pipeline.stages import as_dict, maintenance

    return as_dict(maintenance.prune(settings()))


def checkpoint() -> dict:
    from pipeline.stages import maintenance

    return maintenance.checkpoint(settings())


def report_feed_health() -> dict:
    """The daily report, sent once per DAG run however often the task is cleared."""
    from pipeline.stages import as_dict, maintenance

    run_id = get_current_context()["run_id"]
    return as_dict(maintenance.report_feed_health(settings(), key=run_id))


def on_failure(context) -> None:
    """Record a task's failure in DuckDB and email the operator (`[airflow] operator_email`)."""
    from pipeline.failures import record_failure

    record_failure(settings(), _failure(context))


def on_shard_failure(context) -> None:
    """A fetch_shard's `on_failure`: its worker may have no database, so the failure is left in
    the staging folder, and the load task records it and emails the operator."""
    from pipeline.stages import fetch_shards

    fetch_shards.leave_failure(settings(), _failure(context))


def _failure(context) -> dict:
    ti = context["ti"]
    error = context.get("exception")
    mapped = getattr(ti, "map_index", -1)
    return {
        "dag_id": ti.dag_id,
        # one row per shard: the mapped instances of a task share its id
        "task_id": f"{ti.task_id}[{mapped}]" if mapped is not None and mapped >= 0 else ti.task_id,
        "run_id": ti.run_id,
        "try_number": ti.try_number,
        "error": f"{type(error).__name__}: {error}"[:4000] if error else None,
    }
