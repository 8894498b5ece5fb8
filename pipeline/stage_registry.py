"""The stages of one pass, in the order the data flows: one record each, which `stages.run`,
`storywatch run` and the DAG file iterate, so adding or renaming a stage is one edit here.

Light to import (no DuckDB, no extraction): the DAG processor reads it at every parse, so a
stage's function is named by its import path and loaded when it is first called. `check`
(run when `pipeline.stages` is imported) holds each record against its function.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_type_hints


@dataclass(frozen=True)
class Stage:
    name: str  # `storywatch run --stage NAME`, the DAG `storywatch_NAME` and its one task
    entry: str  # "module:function", called with the Settings; returns the stage's summary
    produces: tuple[str, ...]  # the summary's counts of which one > 0 means it produced something
    emits: str | None  # the asset it then emits, which starts the next stage
    doc: str
    # keyword arguments it takes from a caller that has them: `storywatch run` gives `force`
    # and a `progress` bar, the Airflow task the feeds the watcher named (`due_now`)
    options: tuple[str, ...] = ()
    # under Airflow, spread over the workers in shards (plan -> fetch_shard per shard -> load,
    # `pipeline.stages.fetch_shards`) rather than one task; `storywatch run` calls `entry`
    sharded: bool = False

    @property
    def run(self) -> Callable[..., Any]:
        module, function = self.entry.split(":")
        return getattr(importlib.import_module(module), function)

    @property
    def summary(self) -> type:
        """The summary's type, as the function declares it."""
        return get_type_hints(self.run)["return"]

    def call(self, settings, **given) -> Any:
        """Run the stage with those of the `given` options it takes; returns its summary."""
        return self.run(settings, **{k: v for k, v in given.items() if k in self.options})

    def produced(self, summary) -> bool:
        return any(getattr(summary, count) for count in self.produces)

    def check(self) -> None:
        """Raise ValueError when the record does not fit its function: a count its summary
        does not have, an option the function does not take."""
        counts = {f.name for f in dataclasses.fields(self.summary)}
        if not self.produces or not set(self.produces) <= counts:
            raise ValueError(
                f"stage {self.name}: produces {list(self.produces)}, but "
                f"{self.summary.__name__} counts {sorted(counts)}"
            )
        takes = set(inspect.signature(self.run).parameters)
        if not set(self.options) <= takes:
            raise ValueError(
                f"stage {self.name}: options {sorted(set(self.options) - takes)} are not "
                f"parameters of {self.entry}"
            )


STAGES = (
    Stage(
        "poll",
        "pipeline.stages.poll:poll",
        produces=("new_entries",),
        emits="storywatch_new_entries",
        options=("force", "due_now"),
        doc="Conditional GET of the due feeds (and of those the watcher named); "
        "new entries stored.",
    ),
    Stage(
        "fetch",
        "pipeline.stages.fetch:fetch_articles",
        produces=("extracted", "fallback"),
        emits="storywatch_new_articles",
        options=("progress",),
        doc="Download and extract the page of every new entry.",
        sharded=True,
    ),
    Stage(
        "match",
        "pipeline.stages.match:match",
        produces=("alerts_queued",),
        emits="storywatch_alerts_queued",
        options=("progress",),
        doc="Judge every new article against every story; updates queue alerts.",
    ),
    Stage(
        "alert",
        "pipeline.stages.alert:send_alerts",
        produces=("sent",),
        emits=None,
        doc="Send the pending alerts of the outbox over SMTP; rebuild each story's timeline "
        "and feed.",
    ),
)


def _by_name(stages: tuple[Stage, ...]) -> dict[str, Stage]:
    """The stages by name, once each; every stage but the last starts the next one through the
    asset it emits."""
    names = [stage.name for stage in stages]
    if len(set(names)) < len(names):
        raise ValueError(f"two stages of one name in {names}")
    if silent := [stage.name for stage in stages[:-1] if not stage.emits]:
        raise ValueError(f"stages {silent} emit no asset: the stage after them would never run")
    return {stage.name: stage for stage in stages}


BY_NAME = _by_name(STAGES)


def selected(only: str | None = None) -> list[Stage]:
    """The stages of a pass in order, or `only` the one named."""
    return [stage for stage in STAGES if only in (None, stage.name)]


def check() -> None:
    """Every record against its function (which imports every stage)."""
    for stage in STAGES:
        stage.check()
