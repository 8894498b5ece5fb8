"""Fetch and extract: the page of every new entry, without the site's boilerplate; the feed's
summary when the page gives no article (a paywall, a consent wall, a failed extraction)."""

from __future__ import annotations

import gzip
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from ..boilerplate import learnable, lines
from ..config import ExtractionConfig, Settings
from ..extract import Extracted, article, html_to_text
from ..http import Fetcher, FetchError, Response
from ..sandbox import ExtractionFailed, ExtractionPool
from ..store import Store, open_store

FETCH_ATTEMPTS = 3
FETCH_BATCH = 500


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
class Page:
    """One entry's page, fetched and extracted in a worker thread; stored by the writer."""

    entry: dict
    response: Response | None = None
    extracted: Extracted | None = None
    error: str | None = None


def fetch_articles(settings: Settings) -> FetchSummary:
    """Download and extract the page of every entry that has no article yet."""
    with open_store(settings.database) as store:
        todo = store.rows(
            "entries_to_fetch", {"max_attempts": FETCH_ATTEMPTS, "limit": FETCH_BATCH}
        )
    pages: list[Page] = []
    if todo:
        with (
            Fetcher(settings.http) as fetcher,
            ExtractionPool(settings.extraction) as extractor,
            ThreadPoolExecutor(settings.http.concurrency) as threads,
        ):
            pages = list(threads.map(lambda e: _fetch_one(fetcher, extractor, e), todo))
    summary = FetchSummary()
    with open_store(settings.database) as store:
        for page in pages:
            with store.transaction():
                summary.count(_store(store, page, settings.extraction))
        store.execute("prune_raw_pages", {"keep_days": settings.extraction.keep_raw_days})
    return summary


def _fetch_one(fetcher: Fetcher, extractor: ExtractionPool, entry: dict) -> Page:
    page = Page(entry)
    if not entry["url"]:
        page.error = "the feed entry has no link"
        return page
    try:
        page.response = fetcher.get(entry["url"])
    except FetchError as exc:
        page.error = str(exc)
        return page
    try:
        page.extracted = extractor.extract(page.response.content, page.response.url)
    except ExtractionFailed as exc:
        page.error = str(exc)
    return page


def _store(store: Store, page: Page, config: ExtractionConfig) -> str:
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
        "raw_sha256": _keep_raw(store, response.content) if response else None,
        "site": site_of(response.url if response else entry["url"]),
        "removed": "[]",
    }
    if response is None and entry["url"]:
        # the page could not be had: tried again on a later run, while attempts last
        store.execute("save_article", article)
        return "failed"
    if page.extracted:
        known = store.one("article_id_for_entry", {"entry_id": entry["entry_id"]})
        article.update(
            article_text(store, page.extracted, article["site"], known and known["id"], config)
        )
        article["title"] = page.extracted.title or entry["title"]
        article["published_at"] = entry["published_at"] or page.extracted.published
    if article["status"] != "extracted":
        article.update(fallback(entry["summary"], article["error"]))
    store.execute("save_article", article)
    if page.extracted:
        article_id = store.one("article_id_for_entry", {"entry_id": entry["entry_id"]})["id"]
        remember_lines(store, article_id, article["site"], page.extracted.text)
    return article["status"]


def article_text(
    store: Store, extracted: Extracted, site: str | None, article_id: int | None, config
) -> dict:
    """The stored fields for an extracted page: its text without boilerplate, and the status
    `extracted`, or `failed` with the reason when what is left is a stub."""
    seen = site_furniture(store, site, extracted.text, article_id, config.learn_min_articles)
    found = article(extracted, seen)
    return {
        "status": "failed" if found.stub else "extracted",
        "text": found.text,
        "error": found.error,
        "author": extracted.author,
        "site_name": extracted.site_name,
        "language": extracted.language,
        "removed": json.dumps([asdict(r) for r in found.removed]),
    }


def fallback(summary_html: str | None, reason: str | None) -> dict:
    """The feed's summary in place of a page that gave no article, with the reason; when the
    feed has no summary either, the article stays failed."""
    summary = html_to_text(summary_html or "")
    if not summary:
        return {"status": "failed", "text": None, "error": reason}
    return {"status": "fallback", "text": summary, "error": f"{reason}; used the feed summary"}


def site_furniture(
    store: Store, site: str | None, text: str, article_id: int | None, min_articles: int
) -> set[str]:
    """The lines of `text` that the site's other articles also carry, often enough to count."""
    short = sorted(learnable(text))
    if not site or not short:
        return set()
    rows = store.rows(
        "site_lines_seen",
        {"site": site, "lines": short, "all_lines": sorted(lines(text)), "article_id": article_id},
    )
    # this article is one more that carries the line
    return {r["line"] for r in rows if r["articles"] + 1 >= min_articles}


def remember_lines(store: Store, article_id: int, site: str | None, text: str) -> None:
    """Record the article's lines, from its text before the boilerplate pass."""
    store.execute("delete_article_lines", {"article_id": article_id})
    every = sorted(lines(text))
    if site and every:
        store.execute(
            "insert_article_lines", {"article_id": article_id, "site": site, "lines": every}
        )


def _keep_raw(store: Store, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()
    store.execute(
        "save_raw_page",
        {"sha256": digest, "html_gz": gzip.compress(content, 6), "bytes": len(content)},
    )
    return digest


def site_of(url: str | None) -> str | None:
    host = urlsplit(url or "").hostname
    return host.removeprefix("www.") if host else None
