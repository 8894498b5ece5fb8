"""What the DAGs' tasks call: one stage of `pipeline` each, with the settings of this deployment.

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

    ti = context["ti"]
    error = context.get("exception")
    failure = {
        "dag_id": ti.dag_id,
        "task_id": ti.task_id,
        "run_id": ti.run_id,
        "try_number": ti.try_number,
        "error": f"{type(error).__name__}: {error}"[:4000] if error else None,
    }
    record_failure(settings(), failure)
