"""Fetch and extract: the page of every new entry, without the site's boilerplate; the feed's
summary when the page gives no article (a paywall, a consent wall, a failed extraction)."""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from functools import partial

from .. import interrupt, rawpages
from ..config import Settings
from ..fetched_pages import FETCH_ATTEMPTS, FetchedPage, FetchSummary, fetch_page, store_pages
from ..http import Fetcher
from ..progress import Progress, unwatched
from ..sandbox import ExtractionPool
from ..snapshot import publishes
from ..store import Store, open_store

# a batch is written when it has BATCH_PAGES pages, or when its first page has waited
# FLUSH_SECONDS; at most WAITING_PAGES wait for the writer (memory stays bounded)
BATCH_PAGES = 50
FLUSH_SECONDS = 0.5
WAITING_PAGES = 2 * BATCH_PAGES


@publishes
def fetch_articles(settings: Settings, progress: Progress = unwatched) -> FetchSummary:
    """Download and extract the page of every entry that has no article yet, at most
    `[extraction] batch` of them; the pages done are stored in batches while the next ones
    are fetched (every BATCH_PAGES pages, or FLUSH_SECONDS after a page is done).

    Entries are claimed before their page is fetched, so two runs at once split the work; a
    claim is a lease that this run renews as it writes, and that ends by itself if it dies.
    A crash loses the pages in flight and those not written yet: at most WAITING_PAGES
    waiting for the writer and the batch it is writing (about the last second's pages).
    On Ctrl-C or SIGTERM no new page is started: the pages in flight and waiting are stored,
    the claims released, and `Interrupted` says how many pages were stored. `progress` hears
    of every page done, of the batch (or of the entries waiting, when fewer).
    """
    summary = FetchSummary()
    claims = Claims(settings)
    try:
        with open_store(settings.database) as store:
            first = claims.take(store)
            waiting = store.scalar("entries_waiting", {"max_attempts": FETCH_ATTEMPTS})
        if first:
            with (
                Fetcher(settings.http) as fetcher,
                ExtractionPool(settings.extraction) as extractor,
                ThreadPoolExecutor(settings.http.concurrency) as threads,
            ):
                keep = partial(rawpages.keep, settings.database)
                work = partial(fetch_page, fetcher, extractor, keep)
                total = min(settings.extraction.batch, len(first) + waiting)

                def report(done: int) -> None:
                    progress("fetching pages", done, total)

                _stream(settings, claims, first, partial(threads.submit, work), summary, report)
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
        # enough to keep every thread busy, and about a batch: each claim writes a batch
        self.group = max(2 * settings.http.concurrency, BATCH_PAGES)
        self.left = settings.extraction.batch
        self.after = -1  # entries are claimed in id order: the next claim starts past the last
        # between two renewals at most one page's time passes: its request (redirects
        # included), its host's turn, its extraction; twice that, as a margin
        http, extraction = settings.http, settings.extraction
        # (a page waits FLUSH_SECONDS for its batch, and for the batch before it to be written)
        page = http.timeout + http.per_host_gap + extraction.timeout
        self.lease = 2 * page + 2 * FLUSH_SECONDS

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


def _stream(
    settings: Settings,
    claims: Claims,
    first: list[dict],
    submit: Callable[[dict], Future[FetchedPage]],
    summary: FetchSummary,
    progress: Callable[[int], None],
) -> None:
    """Keep `concurrency` pages in flight and hand the finished ones to the writer; tell
    `progress` how many are done.

    Memory holds the pages in flight and at most WAITING_PAGES waiting to be written, never the
    batch. More entries are claimed, through the writer, before the queue runs dry.
    """
    width = settings.http.concurrency
    ahead = max(width, claims.group // 2)
    queue = deque(first)
    running: set[Future] = set()
    claiming: Future[list[dict]] | None = None
    done_pages = 0
    with Writer(settings, claims, summary) as writer:
        while queue or running or claiming:
            stopping = interrupt.requested()
            while queue and len(running) < width and not stopping:
                running.add(submit(queue.popleft()))
            # asked for well ahead: the claim waits for the batch being written
            if claiming is None and len(queue) < ahead and claims.more and not stopping:
                claiming = writer.claim()
            waited = running | ({claiming} if claiming else set())
            if not waited:
                break
            done, _ = wait(waited, timeout=FLUSH_SECONDS, return_when=FIRST_COMPLETED)
            for future in done:
                if future is claiming:
                    queue.extend(claiming.result())
                    claiming = None
                else:
                    running.discard(future)
                    writer.put(future.result())
                    done_pages += 1
                    progress(done_pages)
            if stopping and not running:
                break


class Writer:
    """Stores the finished pages on a thread of its own, so that fetching goes on meanwhile: a
    batch of up to BATCH_PAGES, or whatever finished within FLUSH_SECONDS, in one transaction,
    which renews the claims (and takes new ones when asked).

    The database is opened for each batch and closed after it, without a migration check (the
    stage migrated it when it began): DuckDB lets one process at a time open the file, so
    another run, or a reader, gets in between two batches.
    """

    def __init__(self, settings: Settings, claims: Claims, summary: FetchSummary):
        self.settings, self.claims, self.summary = settings, claims, summary
        self._changed = threading.Condition()
        self._waiting: deque[tuple[float, FetchedPage]] = deque()  # finished at, page
        self._asked: Future[list[dict]] | None = None
        self._closing = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="fetch-writer", daemon=True)

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        """Write what is left (unless writing failed), then stop; a writer's error is raised."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join()
        if self._error is not None and exc[0] is None:
            raise self._error

    def put(self, page: FetchedPage) -> None:
        """Hand over a finished page; waits while WAITING_PAGES are waiting already."""
        with self._changed:
            while len(self._waiting) >= WAITING_PAGES and self._error is None:
                self._changed.wait()
            if self._error is not None:
                raise self._error
            self._waiting.append((time.monotonic(), page))
            self._changed.notify_all()

    def claim(self) -> Future[list[dict]]:
        """Ask for the next group of entries, claimed with the next batch, which starts now."""
        with self._changed:
            if self._error is not None:
                raise self._error
            asked = self._asked = self._asked or Future()
            self._changed.notify_all()
        return asked

    def _run(self) -> None:
        asked: Future[list[dict]] | None = None
        try:
            while (work := self._next()) is not None:
                pages, asked = work
                database = self.settings.database
                with open_store(database, migrate=False) as store, store.transaction():
                    stored = store_pages(store, pages, self.claims.run_id, self.settings.extraction)
                    for status in stored:
                        self.summary.count(status)
                    self.claims.renew(store)
                    entries = self.claims.take(store) if asked else []
                if asked:
                    asked.set_result(entries)
                    asked = None
        except BaseException as exc:  # raised on the fetching thread, at its next call
            with self._changed:
                self._error = exc
                for pending in (asked, self._asked):
                    if pending and not pending.done():
                        pending.set_exception(exc)
                self._changed.notify_all()

    def _next(self) -> tuple[list[FetchedPage], Future[list[dict]] | None] | None:
        """The next batch, and the claim asked for, once one is due; None at the end."""
        with self._changed:
            while not (self._closing or self._asked or len(self._waiting) >= BATCH_PAGES):
                if not self._waiting:
                    self._changed.wait()
                    continue
                left = self._waiting[0][0] + FLUSH_SECONDS - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            if not self._waiting and not self._asked:
                return None  # closing, and nothing is left
            count = min(len(self._waiting), BATCH_PAGES)
            pages = [self._waiting.popleft()[1] for _ in range(count)]
            asked, self._asked = self._asked, None
            self._changed.notify_all()  # room for the pages held back
            return pages, asked
