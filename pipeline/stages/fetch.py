"""Fetch and extract: the page of every new entry, without the site's boilerplate; the feed's
summary when the page gives no article (a paywall, a consent wall, a failed extraction)."""

from __future__ import annotations

import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from .. import interrupt, rawpages
from ..article_fields import article_text, fallback
from ..config import ExtractionConfig, Settings
from ..extract import Extracted
from ..http import Fetcher, FetchError, Response
from ..sandbox import ExtractionFailed, ExtractionPool
from ..site_lines import remember_lines, site_of
from ..store import Store, open_store

FETCH_ATTEMPTS = 3
# the longest a finished page waits in memory before it is written
FLUSH_SECONDS = 1.0


@dataclass
class FetchSummary:
    extracted: int = 0
    fallback: int = 0
    failed: int = 0
    waiting: int = 0  # entries that still need their page after this run (the batch, retries)

    def count(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    @property
    def stored(self) -> int:
        return self.extracted + self.fallback + self.failed

    def __str__(self) -> str:
        waiting = f"; {self.waiting:,} wait for the next run" if self.waiting else ""
        return (
            f"fetch   {self.extracted} extracted, {self.fallback} from the feed summary, "
            f"{self.failed} failed{waiting}"
        )


@dataclass
class FetchedPage:
    """One entry's page, fetched and extracted in a worker thread; stored by the writer."""

    entry: dict
    response: Response | None = None  # without its body, which is kept as the raw page
    extracted: Extracted | None = None
    error: str | None = None
    raw_sha256: str | None = None
    raw_bytes: int = 0


def fetch_articles(settings: Settings) -> FetchSummary:
    """Download and extract the page of every entry that has no article yet, at most
    `[extraction] batch` of them; each page is stored as soon as it is done.

    Entries are claimed before their page is fetched, so two runs at once split the work; a
    claim is a lease that this run renews as it writes, and that ends by itself if it dies.
    On Ctrl-C or SIGTERM no new page is started: the pages in flight are stored, the claims
    released, and `Interrupted` says how many pages were stored.
    """
    summary = FetchSummary()
    claims = Claims(settings)
    try:
        with open_store(settings.database) as store:
            first = claims.take(store)
        if first:
            with (
                Fetcher(settings.http) as fetcher,
                ExtractionPool(settings.extraction) as extractor,
                ThreadPoolExecutor(settings.http.concurrency) as threads,
            ):
                work = partial(_fetch_one, fetcher, extractor, settings.database)
                _stream(settings, claims, first, partial(threads.submit, work), summary)
    finally:
        with open_store(settings.database) as store:
            store.execute("release_claims", {"run_id": claims.run_id})
            summary.waiting = store.scalar("entries_waiting", {"max_attempts": FETCH_ATTEMPTS})
    interrupt.check(f"{summary.stored} pages stored")
    return summary


class Claims:
    """This run's claims: taken a group at a time as the work goes, renewed at every write,
    released at the end (or left to expire, if the run is killed)."""

    def __init__(self, settings: Settings):
        self.run_id = uuid.uuid4().hex
        self.group = 2 * settings.http.concurrency  # enough to keep every thread busy
        self.left = settings.extraction.batch
        self.after = -1  # entries are claimed in id order: the next claim starts past the last
        # between two renewals at most one page's time passes: its request (redirects
        # included), its host's turn, its extraction; twice that, as a margin
        http, extraction = settings.http, settings.extraction
        self.lease = 2 * (http.timeout + http.per_host_gap + extraction.timeout) + FLUSH_SECONDS

    @property
    def more(self) -> bool:
        return self.left > 0

    def take(self, store: Store) -> list[dict]:
        """Claim the next group of entries; returns them (empty when none is left)."""
        if not self.more:
            return []
        limit = min(self.group, self.left)
        params = {"run_id": self.run_id, "lease_seconds": self.lease, "after": self.after}
        params |= {"max_attempts": FETCH_ATTEMPTS, "limit": limit}
        ids = [r["entry_id"] for r in store.rows("claim_entries", params)]
        self.left = self.left - len(ids) if len(ids) == limit else 0
        if not ids:
            return []
        self.after = max(ids)
        return store.rows("entries_by_id", {"ids": ids})

    def renew(self, store: Store) -> None:
        store.execute("renew_claims", {"run_id": self.run_id, "lease_seconds": self.lease})

    def release(self, store: Store, entry_id: int) -> bool:
        """Give up the claim on an entry being stored; False when another run took it over."""
        return bool(store.rows("release_claim", {"run_id": self.run_id, "entry_id": entry_id}))


def _stream(
    settings: Settings,
    claims: Claims,
    first: list[dict],
    submit: Callable[[dict], Future[FetchedPage]],
    summary: FetchSummary,
) -> None:
    """Keep `concurrency` pages in flight and write the finished ones in small groups.

    Memory holds the pages in flight and those waiting to be written, never the batch. Each
    write opens the database (the lock of its single writer) for a moment: writing every page
    alone would take the lock hundreds of times and make another run or a reader wait for it
    as often; a group of up to `concurrency` pages, or whatever finished within FLUSH_SECONDS,
    keeps the lock free during the network work and loses at most that group in a crash.
    """
    width = settings.http.concurrency
    queue = deque(first)
    running: set[Future[FetchedPage]] = set()
    finished: list[FetchedPage] = []
    last_write = time.monotonic()
    while queue or running or finished:
        while queue and len(running) < width and not interrupt.requested():
            running.add(submit(queue.popleft()))
        if running:
            done, running = wait(running, timeout=FLUSH_SECONDS, return_when=FIRST_COMPLETED)
            finished += [f.result() for f in done]
        stopping = interrupt.requested()
        hungry = not queue and claims.more and not stopping
        due = finished and (
            len(finished) >= width or not running or time.monotonic() - last_write >= FLUSH_SECONDS
        )
        if due or hungry or (stopping and not running):
            with open_store(settings.database) as store:
                _write(store, finished, claims, settings.extraction, summary)
                claims.renew(store)
                if hungry:
                    queue.extend(claims.take(store))
            finished, last_write = [], time.monotonic()
        if stopping and not running:
            return


def _write(
    store: Store, pages: list[FetchedPage], claims: Claims, config: ExtractionConfig, summary
) -> None:
    for page in pages:
        if page.error and interrupt.requested():
            continue  # it may have failed because of the signal: tried again next run
        with store.transaction():
            # a run that lost its lease writes nothing: the entry is another run's now
            if claims.release(store, page.entry["entry_id"]):
                summary.count(_store(store, page, config))


def _fetch_page(
    fetcher: Fetcher, extractor: ExtractionPool, database: Path, entry: dict
) -> FetchedPage:
    page = FetchedPage(entry)
    if not entry["url"]:
        page.error = "the feed entry has no link"
        return page
    try:
        response = fetcher.get(entry["url"])
    except FetchError as exc:
        page.error = str(exc)
        return page
    # kept here, in the worker, so the writer holds no page body and compresses nothing
    page.raw_sha256 = rawpages.keep(database, response.content)
    page.raw_bytes = len(response.content)
    page.response = replace(response, content=b"")
    try:
        page.extracted = extractor.extract(response.content, response.url)
    except ExtractionFailed as exc:
        page.error = str(exc)
    return page


def _fetch_one(
    fetcher: Fetcher, extractor: ExtractionPool, database: Path, entry: dict
) -> FetchedPage:
    try:
        return _fetch_page(fetcher, extractor, database, entry)
    except Exception as exc:  # a bug met on one page is that page's failure, not the run's
        return FetchedPage(entry, error=f"unexpected error: {type(exc).__name__}: {exc}")


def _store(store: Store, page: FetchedPage, config: ExtractionConfig) -> str:
    """Write the page's article; returns its status (extracted, fallback or failed)."""
    entry, response = page.entry, page.response
    article = {
        "entry_id": entry["entry_id"],
        "url": response.url if response else entry["url"],
        "http_status": response.status if response else None,
        "status": "failed",
        "title": entry["title"],
        "author": None,
        "published_at": entry["published_at"],
        "site_name": None,
        "language": None,
        "text": None,
        "error": page.error,
        "raw_sha256": page.raw_sha256,
        "site": site_of(response.url if response else entry["url"]),
        "removed": "[]",
    }
    if page.raw_sha256:
        store.execute("save_raw_page", {"sha256": page.raw_sha256, "bytes": page.raw_bytes})
    if response is None and entry["url"]:
        # the page could not be had: tried again on a later run, while attempts last
        store.execute("save_article", article)
        return "failed"
    if page.extracted:
        known = store.scalar("article_id_for_entry", {"entry_id": entry["entry_id"]})
        article.update(article_text(store, page.extracted, article["site"], known, config))
        article["title"] = page.extracted.title or entry["title"]
        article["published_at"] = entry["published_at"] or page.extracted.published
    if article["status"] != "extracted":
        article.update(fallback(entry["summary"], article["error"]))
    store.execute("save_article", article)
    if page.extracted:
        article_id = store.scalar("article_id_for_entry", {"entry_id": entry["entry_id"]})
        remember_lines(store, article_id, article["site"], page.extracted.text)
    return article["status"]
