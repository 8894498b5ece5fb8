"""Have the feeds new entries? For a watcher that looks every few seconds and must not write
DuckDB (Airflow's triggerer): conditional GET with the validators kept in memory.

The watcher only says "something is new"; the poll stage does the real work and decides what is
new for the database. What the watcher has seen is what it saw since it started, so its first
look reports every entry as new: after a restart, one poll catches up on what it missed.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .feeds import FeedError, parse_feed
from .http import Fetcher, FetchError

log = logging.getLogger(__name__)


@dataclass
class FeedWatch:
    # per feed URL: the ETag and Last-Modified to send back, and the entry keys already seen
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    seen: dict[str, set[str]] = field(default_factory=dict)

    def check(self, fetcher: Fetcher, url: str) -> int:
        """How many entries the feed has that this watch has not seen; 0 on 304 or error."""
        etag, last_modified = self.validators.get(url, (None, None))
        try:
            response = fetcher.get(url, etag=etag, last_modified=last_modified)
            if response.not_modified:
                return 0
            entries = parse_feed(response.content, response.headers, response.url).entries
        except (FetchError, FeedError) as exc:
            log.info("watching %s: %s", url, exc)  # the poll stage records feed failures
            return 0
        self.validators[url] = (
            response.headers.get("etag"),
            response.headers.get("last-modified"),
        )
        keys = {e.key for e in entries}
        new = keys - self.seen.get(url, set())
        self.seen[url] = keys
        return len(new)

    def check_all(self, fetcher: Fetcher, urls: list[str], concurrency: int) -> dict[str, int]:
        """The feeds with new entries, and how many each has."""
        with ThreadPoolExecutor(max(1, min(concurrency, len(urls)))) as pool:
            counts = pool.map(lambda u: (u, self.check(fetcher, u)), urls)
            return {url: n for url, n in counts if n}
