"""Assets, schedules and task defaults of the storywatch DAGs, from `[airflow]` in the config.

Each stage is a DAG (of one task, or for the fetch plan -> fetch_shard per shard -> load); a
stage that produced something emits its asset, and the asset schedules the next stage's DAG:

    poll --new entries--> fetch --new articles--> match --alerts queued--> alert

The poll runs on `[airflow] schedule` (cron mode), or in events mode as soon as the watcher
sees news, with the schedule as the fallback. The later stages also run on `[airflow] sweep`,
for the work a failure left behind (a page to fetch again, an SMTP retry).
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from airflow.sdk import Asset, AssetOrTimeSchedule, AssetWatcher, CronTriggerTimetable

from pipeline.config import AirflowConfig, Settings

from . import POOL
from .tasks import config_path, on_failure
from .triggers import NewEntriesTrigger

UTC = "UTC"
# Airflow's own pool, of every worker: what does not open DuckDB (a fetch_shard task) runs there
ANY_WORKER = "default_pool"

DEFAULT_ARGS = {
    "retries": 3,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(minutes=30),
    "pool": POOL,
    "on_failure_callback": on_failure,
}


@cache
def asset(name: str) -> Asset:
    """The asset a stage emits, by its name in `pipeline.stage_registry`."""
    return Asset(
        name=name, uri=f"x-storywatch://{name.removeprefix('storywatch_')}".replace("_", "-")
    )


def load() -> Settings:
    """The config, read when the DAG files are parsed (a bad one is an import error that names
    the key); no database, no network."""
    from pipeline.config import load_settings

    return load_settings(config_path())


def feeds_changed(settings: Settings) -> Asset:
    """The asset the watcher updates when the config's feeds have news."""
    trigger = NewEntriesTrigger(
        config=config_path(),
        feeds=[f.url for f in settings.feeds],
        interval=settings.airflow.watch_interval,
    )
    return Asset(
        name="storywatch_feeds_changed",
        uri="x-storywatch://feeds-changed",
        watchers=[AssetWatcher(name="storywatch_feed_watcher", trigger=trigger)],
    )


def poll_schedule(settings: Settings):
    cron = CronTriggerTimetable(settings.airflow.schedule, timezone=UTC)
    if settings.airflow.mode == "cron":
        return cron
    return AssetOrTimeSchedule(timetable=cron, assets=feeds_changed(settings))


def after(asset: Asset, config: AirflowConfig):
    """Run when `asset` has an event, and on the sweep schedule."""
    return AssetOrTimeSchedule(
        timetable=CronTriggerTimetable(config.sweep, timezone=UTC), assets=asset
    )
