"""Maintenance: retention of raw pages and polls, a DuckDB checkpoint, the feed-health report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .. import mailer, rawpages, report
from ..config import Settings
from ..plural import plural
from ..snapshot import publishes
from ..store import open_store


@dataclass
class PruneSummary:
    raw_pages: int = 0
    polls: int = 0

    def __str__(self) -> str:
        return f"prune   {plural(self.raw_pages, 'raw page')}, {plural(self.polls, 'poll')} deleted"


@dataclass
class ReportSummary:
    feeds: int = 0
    attention: int = 0
    sent_to: int = 0  # 0: nobody to send to, or already sent for this key

    def __str__(self) -> str:
        feeds = plural(self.feeds, "feed")
        return f"report  {feeds}, {self.attention} to look at, sent to {self.sent_to}"


@publishes
def prune(settings: Settings) -> PruneSummary:
    """Delete raw pages past `[extraction] keep_raw_days` and polls past `[airflow]
    keep_polls_days` (keeping what feed health needs). Running it twice deletes nothing more."""
    with open_store(settings.database) as store, store.transaction():
        pages = store.rows("prune_raw_pages", {"keep_days": settings.extraction.keep_raw_days})
        polls = store.rows("prune_polls", {"keep_days": settings.airflow.keep_polls_days})
    rawpages.forget(settings.database, (r["sha256"] for r in pages))
    return PruneSummary(raw_pages=len(pages), polls=len(polls))


@publishes
def checkpoint(settings: Settings) -> dict:
    """Fold DuckDB's write-ahead log into the database file; returns the file's size."""
    with open_store(settings.database) as store:
        store.execute("checkpoint")
    return {"database_bytes": settings.database.stat().st_size}


@publishes
def report_feed_health(settings: Settings, key: str, now: datetime | None = None) -> ReportSummary:
    """Email the last day's feed health to `[airflow] operator_email`, once per `key`."""
    now = now or datetime.now(UTC)
    since = now - timedelta(days=1)
    key = f"feed-health:{key}"
    with open_store(settings.database) as store:
        rows = store.rows("feed_health_report", {"since": since})
        already = store.one("report_sent", {"key": key})
    summary = ReportSummary(
        feeds=len(rows), attention=sum(r["status"] in report.ATTENTION for r in rows)
    )
    to = settings.airflow.operator_email
    if not to or already:
        return summary
    message = report.feed_health_report(rows, since, now, settings.smtp.sender, to)
    error = mailer.send_notice(settings.smtp, message)
    if error:
        raise RuntimeError(f"the feed-health report was not sent: {error}")
    with open_store(settings.database) as store:
        store.execute("mark_report_sent", {"key": key})
    summary.sent_to = len(to)
    return summary
