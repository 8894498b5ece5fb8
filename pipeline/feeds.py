"""Feed bytes -> entries. Pure: feedparser only ever sees bytes that http.py fetched."""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser


class FeedError(ValueError):
    """The body is not a feed we can use (an HTML page, an empty body, broken XML)."""


@dataclass(frozen=True)
class Entry:
    key: str  # stable identity within its feed
    guid: str | None
    url: str | None
    title: str | None
    summary: str | None
    published: datetime | None


@dataclass(frozen=True)
class Feed:
    title: str | None
    link: str | None
    entries: list[Entry]


def parse_feed(content: bytes, headers: dict[str, str] | None = None) -> Feed:
    """Parse an RSS/Atom document; entries of a slightly broken (bozo) feed are kept."""
    if not content.strip():
        raise FeedError("empty body")
    parsed = feedparser.parse(content, response_headers=headers or {})
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = parsed.get("bozo_exception") or "no RSS or Atom document"
        raise FeedError(f"not a feed: {reason}")
    feed = parsed.feed
    return Feed(
        title=feed.get("title"),
        link=feed.get("link"),
        entries=[_entry(e) for e in parsed.entries],
    )


def _entry(e: feedparser.FeedParserDict) -> Entry:
    published = _date(e.get("published_parsed") or e.get("updated_parsed"))
    guid = e.get("id") or None
    url = e.get("link") or None
    title = e.get("title") or None
    return Entry(
        key=entry_key(guid, url, title, published),
        guid=guid,
        url=url,
        title=title,
        summary=e.get("summary") or None,
        published=published,
    )


def entry_key(guid: str | None, url: str | None, title: str | None, published) -> str:
    """GUID, else link, else a hash of title and date."""
    if guid:
        return f"guid:{guid}"
    if url:
        return f"url:{url}"
    digest = hashlib.sha256(f"{title}\x00{published}".encode()).hexdigest()[:24]
    return f"hash:{digest}"


def _date(struct) -> datetime | None:
    # feedparser normalises every date it understands to a UTC struct_time
    if not struct:
        return None
    return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)
