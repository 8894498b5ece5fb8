"""The pipeline's stages. Each takes its pending work from DuckDB, so any can be re-run any time.

Network work runs in threads with the database closed; results are written by this process
alone in short transactions, as DuckDB takes a single writer.
"""

from __future__ import annotations

from dataclasses import asdict

from ..config import Settings
from ..sync import sync_feeds, sync_stories
from .alert import SendSummary, send_alerts
from .fetch import FetchSummary, fetch_articles
from .match import MatchSummary, match
from .poll import PollSummary, poll
from .reextract import ReextractSummary, reextract

__all__ = [
    "FetchSummary", "MatchSummary", "PollSummary", "SendSummary", "as_dict", "fetch_articles",
    "match", "poll", "reextract", "ReextractSummary", "run", "send_alerts", "sync_feeds",
    "sync_stories",
]  # fmt: skip


def as_dict(summary) -> dict:
    """A summary as a small JSON-able dict (what an Airflow task returns)."""
    return asdict(summary)


def run(settings: Settings, force: bool = False) -> list:
    """One pass over all stages, in order; returns their summaries."""
    return [
        poll(settings, force=force),
        fetch_articles(settings),
        match(settings),
        send_alerts(settings),
    ]
