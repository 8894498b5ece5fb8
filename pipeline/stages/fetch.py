"""Fetch and extract: the page of every new entry, or its feed summary when the page fails."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..config import Settings
from ..extract import extract, html_to_text
from ..http import Fetcher, FetchError
from ..store import open_store

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
