"""An entry's page fetched and extracted, and how a batch of such pages is stored: the core that
the fetch stage on one machine and the shards spread over Airflow workers share, so that both
store the same article for the same page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from . import interrupt
from .article_fields import fallback, text_fields
from .config import ExtractionConfig
from .extract import Extracted
from .http import Fetcher, FetchError, Response
from .plural import plural
from .sandbox import ExtractionFailed, ExtractionPool
from .site_lines import batch_furniture, remember_batch_lines, site_of
from .store import Store

# a failed page is fetched again on later runs, this many times in all
FETCH_ATTEMPTS = 3


@dataclass
class FetchSummary:
    """What a fetch stored, whichever path it took."""

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
        waiting = ""
        if self.waiting:
            waiting = f"; {plural(self.waiting, 'waits', 'wait')} for the next run"
        return (
            f"fetch   {self.extracted} extracted, {self.fallback} from the feed summary, "
            f"{self.failed} failed{waiting}"
        )


@dataclass
class FetchedPage:
    """One entry's page, fetched and extracted off the writer; stored by `store_pages`."""

    entry: dict  # entry_id, url, title, summary, published_at (the query entries_by_id)
    response: Response | None = None  # without its body, which is kept as the raw page
    extracted: Extracted | None = None
    error: str | None = None
    raw_sha256: str | None = None
    raw_bytes: int = 0


# keeps a page's raw bytes for `reextract` and returns their SHA-256
KeepRaw = Callable[[bytes], str]


def fetch_page(
    fetcher: Fetcher, extractor: ExtractionPool, keep: KeepRaw, entry: dict
) -> FetchedPage:
    """The entry's page, downloaded, kept (`keep`) and extracted; whatever goes wrong is the
    page's error, never an exception."""
    try:
        return _fetch_page(fetcher, extractor, keep, entry)
    except Exception as exc:  # a bug met on one page is that page's failure, not the run's
        return FetchedPage(entry, error=f"unexpected error: {type(exc).__name__}: {exc}")


def _fetch_page(
    fetcher: Fetcher, extractor: ExtractionPool, keep: KeepRaw, entry: dict
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
    # kept here, off the writer, so the writer holds no page body and compresses nothing
    page.raw_sha256 = keep(response.content)
    page.raw_bytes = len(response.content)
    page.response = replace(response, content=b"")
    try:
        page.extracted = extractor.extract(response.content, response.url)
    except ExtractionFailed as exc:
        page.error = str(exc)
    return page


def store_pages(
    store: Store, pages: list[FetchedPage], run_id: str, config: ExtractionConfig
) -> list[str]:
    """Store a batch of pages claimed by `run_id`, a few statements for all of them; returns
    the status of each article stored (extracted, fallback, failed)."""
    # a page that failed as the signal came may have failed because of it: tried again next run
    pages = [p for p in pages if not (p.error and interrupt.requested())]
    if not pages:
        return []
    # a run that lost its lease writes nothing: the entry is another run's now
    params = {"run_id": run_id, "entry_ids": [p.entry["entry_id"] for p in pages]}
    held = {r["entry_id"] for r in store.rows("release_claims_of", params)}
    pages = [p for p in pages if p.entry["entry_id"] in held]
    if not pages:
        return []
    raw = {p.raw_sha256: p.raw_bytes for p in pages if p.raw_sha256}
    if raw:
        store.execute("save_raw_pages", {"sha256s": list(raw), "bytes": list(raw.values())})
    texts = [(p, page_site(p), p.extracted.text) for p in pages if p.extracted]
    known = _article_ids(store, [p.entry["entry_id"] for p, _, _ in texts])
    furniture = batch_furniture(
        store,
        [(site, text, known.get(p.entry["entry_id"])) for p, site, text in texts],
        config.learn_min_articles,
    )
    seen = {id(p): lines for (p, _, _), lines in zip(texts, furniture, strict=True)}
    articles = [article_row(p, seen.get(id(p), set())) for p in pages]
    store.execute("save_articles", article_columns(articles))
    stored = _article_ids(store, [p.entry["entry_id"] for p, _, _ in texts])
    remember_batch_lines(
        store, [(stored[p.entry["entry_id"]], site, text) for p, site, text in texts]
    )
    return [article["status"] for article in articles]


def _article_ids(store: Store, entry_ids: list[int]) -> dict[int, int]:
    """The id of each entry's article, for the entries that have one."""
    if not entry_ids:
        return {}
    rows = store.rows("article_ids_for_entries", {"entry_ids": entry_ids})
    return {r["entry_id"]: r["id"] for r in rows}


def page_site(page: FetchedPage) -> str | None:
    return site_of(page.response.url if page.response else page.entry["url"])


def article_row(page: FetchedPage, seen: set[str]) -> dict:
    """The article row of a page, given the lines its site is known to repeat (`seen`); its
    status says extracted, fallback or failed."""
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
        "site": page_site(page),
        "removed": "[]",
    }
    if response is None and entry["url"]:
        return article  # the page could not be had: tried again on a later run, while attempts last
    if page.extracted:
        article.update(text_fields(page.extracted, seen))
        article["title"] = page.extracted.title or entry["title"]
        article["published_at"] = entry["published_at"] or page.extracted.published
    if article["status"] != "extracted":
        article.update(fallback(entry["summary"], article["error"]))
    return article


# the list parameter of save_articles that holds each column
COLUMNS = {
    "entry_id": "entry_ids", "url": "urls", "status": "statuses", "http_status": "http_statuses",
    "title": "titles", "author": "authors", "published_at": "published_ats",
    "site_name": "site_names", "language": "languages", "text": "texts", "error": "errors",
    "raw_sha256": "raw_sha256s", "site": "sites", "removed": "removeds",
}  # fmt: skip


def article_columns(articles: list[dict]) -> dict[str, list]:
    """Rows as one list per column, as set-based statements take them."""
    return {plural: [a[column] for a in articles] for column, plural in COLUMNS.items()}
