"""The event-driven mode's watcher: runs in Airflow's triggerer and fires when a feed has news."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseEventTrigger, TriggerEvent


class NewEntriesTrigger(BaseEventTrigger):
    """Looks at `feeds` every `interval` seconds (conditional GET) and yields an event naming the
    feeds that have entries it has not seen yet.

    It shares the triggerer's event loop with every other trigger, so the blocking HTTP and
    parsing run in threads. It keeps its ETags and seen entries in memory and never opens DuckDB:
    the triggerer is no member of the writers' pool, and the poll task does the real work.
    """

    def __init__(self, config: str, feeds: list[str], interval: float = 20.0):
        super().__init__()
        self.config = config
        self.feeds = list(feeds)
        self.interval = interval

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {"config": self.config, "feeds": self.feeds, "interval": self.interval},
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        # imported here: the DAG processor imports this module to serialize the watcher
        from pipeline.config import load_settings
        from pipeline.http import Fetcher
        from pipeline.watch import FeedWatch

        settings = await asyncio.to_thread(load_settings, self.config)
        watch = FeedWatch()
        with Fetcher(settings.http) as fetcher:
            while True:
                found = await asyncio.to_thread(
                    watch.check_all, fetcher, self.feeds, settings.http.concurrency
                )
                if found:
                    yield TriggerEvent({"feeds": sorted(found), "new_entries": sum(found.values())})
                await asyncio.sleep(self.interval)
