"""The pipeline's stages. Each takes its pending work from DuckDB, so any can be re-run any time.

Network work runs in threads with the database closed; results are written by this process
alone in short transactions, as DuckDB takes a single writer. The stages of a pass and what
each produces are listed once, in `pipeline.stage_registry`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict

from .. import interrupt, stage_registry
from ..config import Settings
from ..sync import sync_feeds, sync_stories
from .alert import SendSummary, send_alerts
from .fetch import FetchSummary, fetch_articles
from .match import MatchSummary, match
from .poll import PollSummary, poll
from .reextract import ReextractSummary, reextract

__all__ = [
    "FetchSummary", "MatchSummary", "PollSummary", "SendSummary", "as_dict", "each",
    "fetch_articles", "match", "poll", "reextract", "ReextractSummary", "run", "send_alerts",
    "sync_feeds", "sync_stories",
]  # fmt: skip

# a typo in the registry (a count, an option, a function) fails here, at import, not in a run
stage_registry.check()


def as_dict(summary) -> dict:
    """A summary as a small JSON-able dict (what an Airflow task returns)."""
    return asdict(summary)


def each(settings: Settings, only: str | None = None, **options) -> Iterator:
    """Run the stages in order (or `only` the one named), yielding each summary. `options`
    go to the stages that take them (`force` to the poll). A stop asked for (Ctrl-C, SIGTERM)
    ends the pass between two stages: a stage without safe points of its own ran to its end."""
    for stage in stage_registry.selected(only):
        yield stage.call(settings, **options)
        interrupt.check(f"stopped after {stage.name}")


def run(settings: Settings, force: bool = False) -> list:
    """One pass over all stages, in order; returns their summaries."""
    return list(each(settings, force=force))
