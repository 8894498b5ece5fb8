"""Poll: conditional GET of every due feed, new entries stored, the outcome on the feed."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from .. import interrupt
from ..config import PollingConfig, Settings
from ..feeds import Feed, FeedError, parse_feed
from ..http import Fetcher, FetchError, Response
from ..plural import plural
from ..polling import next_poll_at, should_disable
from ..snapshot import publishes
from ..store import Store, open_store
from ..sync import sync_feeds


@dataclass
class PollSummary:
    feeds: int = 0
    ok: int = 0
    not_modified: int = 0
    failed: int = 0
    new_entries: int = 0

    def __str__(self) -> str:
        return (
            f"poll    {plural(self.feeds, 'feed')}: {self.ok} ok, {self.not_modified} unchanged, "
            f"{self.failed} failed; {plural(self.new_entries, 'new entry')}"
        )


@dataclass
class _Polled:
    feed: dict
    started: datetime
    finished: datetime
    response: Response | None = None
    parsed: Feed | None = None
    error: str | None = None
    status: int | None = None
    retry_after: float | None = None


@publishes
def poll(settings: Settings, force: bool = False, due_now: Sequence[str] = ()) -> PollSummary:
    """Fetch every due feed (conditional GET), parse it, store new entries and the outcome.

    `force` polls every active feed now, whatever its schedule; `due_now` only these feeds (a
    watcher saw new entries in them).
    """
    with open_store(settings.database) as store:
        sync_feeds(store, settings)
        feeds = store.rows(
            "feeds_to_poll", {"force": force, "now": datetime.now(UTC), "due_now": list(due_now)}
        )
    with Fetcher(settings.http) as fetcher, ThreadPoolExecutor(settings.http.concurrency) as pool:
        # on a stop request, the feeds not started yet are left for the next run
        polled = [p for p in pool.map(lambda f: _poll_one(fetcher, f), feeds) if p]
    summary = PollSummary(feeds=len(polled))
    with open_store(settings.database) as store:
        for p in polled:
            with store.transaction():
                summary.new_entries += _record_poll(store, p, summary, settings.polling)
    interrupt.check(f"{len(polled)} of {len(feeds)} feeds polled")
    return summary


def _poll_one(fetcher: Fetcher, feed: dict) -> _Polled | None:
    if interrupt.requested():
        return None
    started = datetime.now(UTC)
    result = _Polled(feed, started, started)
    try:
        result.response = fetcher.get(
            feed["url"], etag=feed["etag"], last_modified=feed["last_modified"]
        )
        result.status = result.response.status
        if not result.response.not_modified:
            response = result.response
            result.parsed = parse_feed(response.content, response.headers, response.url)
    except FetchError as exc:
        result.error, result.status, result.retry_after = str(exc), exc.status, exc.retry_after
    except FeedError as exc:
        result.error = str(exc)
    except Exception as exc:  # a bug met on one feed's bytes is that feed's error, not the run's
        result.error = f"unexpected error reading the feed: {type(exc).__name__}: {exc}"
    result.finished = datetime.now(UTC)
    return result


def _record_poll(store: Store, p: _Polled, summary: PollSummary, config: PollingConfig) -> int:
    failures = p.feed["consecutive_failures"] + 1 if p.error else 0
    if p.error:
        outcome = "error"
        summary.failed += 1
        if should_disable(failures, config):
            store.execute("disable_feed", {"feed_id": p.feed["feed_id"]})
    elif p.parsed is None:
        outcome = "not_modified"
        summary.not_modified += 1
    else:
        outcome = "ok"
        summary.ok += 1
    headers = p.response.headers if p.response and outcome == "ok" else {}
    poll_id = store.scalar(
        "insert_poll",
        {
            "feed_id": p.feed["feed_id"],
            "started_at": p.started,
            "finished_at": p.finished,
            "outcome": outcome,
            "http_status": p.status,
            "etag": headers.get("etag"),
            "last_modified": headers.get("last-modified"),
            "feed_title": p.parsed.title if p.parsed else None,
            "entries_seen": len(p.parsed.entries) if p.parsed else 0,
            "entries_new": 0,
            "error": p.error,
            "next_poll_at": next_poll_at(
                p.finished,
                failures=failures,
                interval=p.feed["interval_seconds"],
                retry_after=p.retry_after,
                config=config,
            ),
        },
    )
    # what a feed holds when first read is its backlog: stored and matched, alerting nobody
    baseline = not p.feed["ever_ok"] and not p.feed["alert_on_backlog"]
    rows, seen = [], set[str]()
    for entry in p.parsed.entries if p.parsed else []:
        # one row per item even when the feed lists it twice: the insert is a single statement
        if entry.key in seen or (entry.canonical_url and entry.canonical_url in seen):
            continue
        seen.update(filter(None, (entry.key, entry.canonical_url)))
        rows.append(
            {
                "feed_id": p.feed["feed_id"],
                "entry_key": entry.key,
                "guid": entry.guid,
                "url": entry.url,
                "canonical_url": entry.canonical_url,
                "title": entry.title,
                "summary": entry.summary,
                "published_at": entry.published,
                "poll_id": poll_id,
                "baseline": baseline,
            }
        )
    new = len(store.rows("insert_entries", {"rows": rows})) if rows else 0
    if new:
        store.execute("set_poll_new_entries", {"poll_id": poll_id, "entries_new": new})
    return new
