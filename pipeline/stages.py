"""The pipeline's stages. Each takes its pending work from DuckDB, so any can be re-run any time.

Network work runs in threads with the database closed; results are written by this process
alone in short transactions, as DuckDB takes a single writer.
"""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from . import alerts
from .config import PollingConfig, Settings
from .extract import extract, html_to_text
from .feeds import Feed, FeedError, parse_feed
from .http import Fetcher, FetchError, Response
from .matching import MATCHER_VERSION, StoryMemory, Thresholds, classify
from .matching.matcher import Document
from .polling import next_poll_at, should_disable
from .store import Store, open_store
from .stories import Story, load_stories

FETCH_ATTEMPTS = 3
SEND_ATTEMPTS = 5
FETCH_BATCH = 500


@dataclass
class PollSummary:
    feeds: int = 0
    ok: int = 0
    not_modified: int = 0
    failed: int = 0
    new_entries: int = 0

    def __str__(self) -> str:
        return (
            f"poll    {self.feeds} feeds: {self.ok} ok, {self.not_modified} unchanged, "
            f"{self.failed} failed; {self.new_entries} new entries"
        )


@dataclass
class FetchSummary:
    extracted: int = 0
    fallback: int = 0
    failed: int = 0

    def count(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    def __str__(self) -> str:
        return (
            f"fetch   {self.extracted} extracted, {self.fallback} from the feed summary, "
            f"{self.failed} failed"
        )


@dataclass
class MatchSummary:
    verdicts: dict[str, int] = field(default_factory=dict)
    alerts_queued: int = 0

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {v}" for v, n in sorted(self.verdicts.items())) or "nothing new"
        return f"match   {counts}; {self.alerts_queued} alerts queued"


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"alert   {self.sent} sent, {self.failed} failed"


def as_dict(summary) -> dict:
    """A summary as a small JSON-able dict (what an Airflow task returns)."""
    return asdict(summary)


# -- setup ----------------------------------------------------------------------------------


def sync_feeds(store: Store, settings: Settings) -> None:
    """Every feed of the config has its active row; feeds dropped from the config retire."""
    with store.transaction():
        for feed in settings.feeds:
            store.execute(
                "upsert_feed",
                {
                    "url": feed.url,
                    "name": feed.name,
                    "interval_seconds": feed.interval,
                    "alert_on_backlog": feed.alert_on_backlog,
                },
            )
        store.execute("retire_config_feeds", {"urls": [f.url for f in settings.feeds]})


def sync_stories(store: Store, settings: Settings) -> list[tuple[int, Story]]:
    """The stories in the database match their folders; returns (story id, story) pairs."""
    stories = load_stories(settings.stories_dir, settings.recipients)
    return [(_sync_story(store, story), story) for story in stories]


def _sync_story(store: Store, story: Story) -> int:
    fields = {
        "name": story.name,
        "description": story.description,
        "recipients": story.recipients,
        "alert_policy": story.alert_policy,
        "definition_hash": story.definition_hash,
    }
    row = store.one("story_by_slug", {"slug": story.slug})
    if row and row["definition_hash"] == story.definition_hash:
        return row["id"]
    with store.transaction():
        if row:
            story_id = row["id"]
            store.execute("update_story", {"story_id": story_id, **fields})
            store.execute("clear_story_seeds", {"story_id": story_id})
        else:
            story_id = store.scalar("insert_story", {"slug": story.slug, **fields})
        for doc in story.documents:
            found = store.one("find_seed_article", {"source": doc.source, "text": doc.text})
            article_id = (
                found["id"]
                if found
                else store.scalar(
                    "insert_seed_article",
                    {
                        "source": doc.source,
                        "url": doc.source if doc.source.startswith("http") else None,
                        "title": doc.text.strip().splitlines()[0][:200]
                        if doc.text.strip()
                        else None,
                        "text": doc.text,
                    },
                )
            )
            store.execute(
                "add_story_document",
                {"story_id": story_id, "article_id": article_id, "role": "seed"},
            )
    return story_id


# -- poll -----------------------------------------------------------------------------------


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


def poll(settings: Settings, force: bool = False) -> PollSummary:
    """Fetch every due feed (conditional GET), parse it, store new entries and the outcome.

    `force` polls every active feed now, whatever its schedule.
    """
    with open_store(settings.database) as store:
        sync_feeds(store, settings)
        feeds = store.rows("feeds_to_poll", {"force": force, "now": datetime.now(UTC)})
    with Fetcher(settings.http) as fetcher, ThreadPoolExecutor(settings.http.concurrency) as pool:
        polled = list(pool.map(lambda f: _poll_one(fetcher, f), feeds))
    summary = PollSummary(feeds=len(polled))
    with open_store(settings.database) as store:
        for p in polled:
            with store.transaction():
                summary.new_entries += _record_poll(store, p, summary, settings.polling)
    return summary


def _poll_one(fetcher: Fetcher, feed: dict) -> _Polled:
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
    rows, seen = [], set()
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


# -- fetch and extract ----------------------------------------------------------------------


def fetch_articles(settings: Settings) -> FetchSummary:
    """Download and extract the page of every entry that has no article yet."""
    with open_store(settings.database) as store:
        todo = store.rows(
            "entries_to_fetch", {"max_attempts": FETCH_ATTEMPTS, "limit": FETCH_BATCH}
        )
    with Fetcher(settings.http) as fetcher, ThreadPoolExecutor(settings.http.concurrency) as pool:
        articles = list(pool.map(lambda e: _fetch_one(fetcher, e), todo))
    summary = FetchSummary()
    with open_store(settings.database) as store:
        for article in articles:
            summary.count(article["status"])
            store.execute("save_article", article)
    return summary


def _fetch_one(fetcher: Fetcher, entry: dict) -> dict:
    article = {
        "entry_id": entry["entry_id"],
        "url": entry["url"],
        "status": "failed",
        "http_status": None,
        "title": entry["title"],
        "author": None,
        "published_at": entry["published_at"],
        "site_name": None,
        "language": None,
        "text": None,
        "error": None,
    }
    if not entry["url"]:
        article["error"] = "the feed entry has no link"
        return _fallback(article, entry)
    try:
        response = fetcher.get(entry["url"])
    except FetchError as exc:
        article.update(error=str(exc), http_status=exc.status)
        return article
    article.update(url=response.url, http_status=response.status)
    try:
        page = extract(response.content, url=response.url)
    except Exception as exc:  # a parser crash on one page must not stop the others
        article["error"] = f"extraction failed: {type(exc).__name__}: {exc}"
        return _fallback(article, entry)
    article.update(
        title=page.title or entry["title"],
        author=page.author,
        published_at=entry["published_at"] or page.published,
        site_name=page.site_name,
        language=page.language,
    )
    if page.usable:
        article.update(status="extracted", text=page.text)
        return article
    article["error"] = f"page gave only {len(page.text)} characters of text"
    return _fallback(article, entry)


def _fallback(article: dict, entry: dict) -> dict:
    summary = html_to_text(entry["summary"] or "")
    if summary:
        article.update(
            status="fallback", text=summary, error=f"{article['error']}; used the feed summary"
        )
    return article


# -- match ----------------------------------------------------------------------------------


def match(settings: Settings) -> MatchSummary:
    """Judge every new article against every story; an update queues its alerts atomically."""
    th = Thresholds(
        match=settings.matching.match_threshold,
        related=settings.matching.related_threshold,
        duplicate=settings.matching.duplicate_threshold,
    )
    verdicts: Counter[str] = Counter()
    summary = MatchSummary()
    with open_store(settings.database) as store:
        for story_id, story in sync_stories(store, settings):
            memory = StoryMemory(
                [
                    Document(r["id"], r["text"])
                    for r in store.rows("story_memory", {"story_id": story_id})
                ]
            )
            for article in store.rows("articles_to_match", {"story_id": story_id}):
                decision = classify(article["text"], memory, th)
                verdicts[decision.verdict] += 1
                with store.transaction():
                    summary.alerts_queued += _record_match(
                        store, story_id, story, article, decision
                    )
                if decision.verdict == "update":
                    memory.add(Document(article["id"], article["text"]))
    summary.verdicts = dict(verdicts)
    return summary


def _record_match(store: Store, story_id: int, story: Story, article: dict, decision) -> int:
    match_id = store.scalar(
        "insert_match",
        {
            "article_id": article["id"],
            "story_id": story_id,
            "verdict": decision.verdict,
            "score": decision.score,
            "duplicate_of": decision.duplicate_of,
            "new_facts": json.dumps(decision.new_facts),
            "reasons": json.dumps(decision.reasons),
            "matcher_version": MATCHER_VERSION,
        },
    )
    if decision.verdict != "update":
        return 0
    store.execute(
        "add_story_document", {"story_id": story_id, "article_id": article["id"], "role": "update"}
    )
    if story.alert_policy != "updates":
        return 0
    # recorded, not sent: the outbox shows why nobody heard of it
    suppressed = (
        "baseline: in the feed's backlog at its first poll" if article["baseline"] else None
    )
    for recipient in story.recipients:
        key = alerts.idempotency_key(story.slug, article["id"], recipient)
        store.execute(
            "insert_alert",
            {
                "idempotency_key": key,
                "story_id": story_id,
                "match_id": match_id,
                "recipient": recipient,
                "message_id": alerts.message_id(key),
                "status": "suppressed" if suppressed else "pending",
                "suppressed_reason": suppressed,
            },
        )
    return 0 if suppressed else len(story.recipients)


# -- alert ----------------------------------------------------------------------------------


def send_alerts(settings: Settings) -> SendSummary:
    """Send every due alert of the outbox; a failure is recorded and retried with backoff."""
    with open_store(settings.database) as store:
        due = store.rows("alerts_due", {"max_attempts": SEND_ATTEMPTS})
    messages = {row["id"]: (row, alerts.render(_alert(row), settings.smtp.sender)) for row in due}
    results = list(alerts.send(settings.smtp, ((i, m) for i, (_, m) in messages.items())))
    summary = SendSummary()
    with open_store(settings.database) as store:
        for ident, error in results:
            if error is None:
                summary.sent += 1
                store.execute("mark_alert_sent", {"id": ident})
            else:
                summary.failed += 1
                attempts = messages[ident][0]["attempts"] + 1
                store.execute(
                    "mark_alert_failed",
                    {"id": ident, "error": error, "retry_in_seconds": 60 * 2**attempts},
                )
    return summary


def _alert(row: dict) -> alerts.Alert:
    return alerts.Alert(
        id=row["id"],
        recipient=row["recipient"],
        message_id=row["message_id"],
        story_slug=row["story_slug"],
        story_name=row["story_name"],
        title=row["title"] or "(untitled)",
        url=row["url"],
        outlet=row["outlet"],
        published_at=row["published_at"],
        new_facts=json.loads(row["new_facts"]),
        score=row["score"],
    )


def run(settings: Settings, force: bool = False) -> list:
    """One pass over all stages, in order; returns their summaries."""
    return [
        poll(settings, force=force),
        fetch_articles(settings),
        match(settings),
        send_alerts(settings),
    ]
