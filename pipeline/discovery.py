"""`feed add`: from a feed URL or a site URL to a feed that parses."""

from __future__ import annotations

from dataclasses import dataclass

from .config import Settings
from .errors import SourceError
from .feeds import FeedError, discover_feeds, parse_feed
from .http import Fetcher, FetchError


@dataclass(frozen=True)
class FoundFeed:
    url: str
    title: str | None
    entries: int


def find_feed(settings: Settings, url: str) -> FoundFeed:
    """The feed at `url`, or the first feed the page at `url` announces or commonly has."""
    with Fetcher(settings.http) as fetcher:
        try:
            page = fetcher.get(url)
        except FetchError as exc:
            raise SourceError(f"{url}: {exc}") from None
        try:
            feed = parse_feed(page.content, page.headers, page.url)
            return FoundFeed(page.url, feed.title, len(feed.entries))
        except FeedError:
            pass  # a web page, not a feed: look for the site's feed
        for candidate in discover_feeds(page.content, page.url):
            try:
                response = fetcher.get(candidate)
                feed = parse_feed(response.content, response.headers, response.url)
            except (FetchError, FeedError):
                continue
            return FoundFeed(response.url, feed.title, len(feed.entries))
    raise SourceError(f"{url}: no feed found (not a feed, and the page names none)")
