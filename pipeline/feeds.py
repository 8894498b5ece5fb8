"""Feed bytes -> entries. Pure: feedparser only ever sees bytes that http.py fetched."""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import feedparser


class FeedError(ValueError):
    """The body is not a feed we can use (an HTML page, an empty body, broken XML)."""


@dataclass(frozen=True)
class Entry:
    key: str  # stable identity within its feed
    guid: str | None
    url: str | None
    canonical_url: str | None
    title: str | None
    summary: str | None
    published: datetime | None


@dataclass(frozen=True)
class Feed:
    title: str | None
    link: str | None
    entries: list[Entry]


def parse_feed(
    content: bytes, headers: dict[str, str] | None = None, url: str | None = None
) -> Feed:
    """Parse an RSS/Atom document fetched from `url`; relative links resolve against it.
    Entries of a slightly broken (bozo) feed are kept."""
    if not content.strip():
        raise FeedError("empty body")
    try:
        parsed = feedparser_result(content, headers, url)
    except Exception as exc:  # feedparser has no error family; one feed's bytes, one feed's error
        raise FeedError(f"not a feed we can read: {type(exc).__name__}: {exc}") from None
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = parsed.get("bozo_exception") or "no RSS or Atom document"
        raise FeedError(f"not a feed: {reason}")
    feed = parsed.feed
    shared = _shared_guids(parsed.entries)
    return Feed(
        title=feed.get("title"),
        link=feed.get("link"),
        entries=[_entry(e, trust_guid=e.get("id") not in shared) for e in parsed.entries],
    )


def feedparser_result(
    content: bytes, headers: dict[str, str] | None, url: str | None
) -> feedparser.FeedParserDict:
    """feedparser's own reading of the bytes, with the HTTP headers they came with."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    content = BAD_CHAR_REF.sub(_replace_ref, content)
    if url:
        # bytes carry no address: feedparser takes the base URI from Content-Location
        headers["content-location"] = urljoin(url, headers.get("content-location", ""))
    return feedparser.parse(content, response_headers=headers)


# A numeric character reference: feedparser calls chr() on it, which raises beyond U+10FFFF and
# yields a lone surrogate (which no UTF-8 store takes) for U+D800..U+DFFF.
BAD_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")


def _replace_ref(match: re.Match) -> bytes:
    """A reference to a character that cannot exist becomes U+FFFD, as HTML5 parsers do."""
    hex_digits, digits = match.groups()
    point = int(hex_digits, 16) if hex_digits else int(digits)
    if point > 0x10FFFF or 0xD800 <= point <= 0xDFFF:
        return b"&#xFFFD;"
    return match.group(0)


def _shared_guids(entries: list) -> set[str]:
    """GUIDs a feed gives to more than one different item: they identify nothing."""
    seen: dict[str, tuple] = {}
    shared = set()
    for e in entries:
        guid, what = e.get("id"), (e.get("link"), e.get("title"))
        if guid and seen.setdefault(guid, what) != what:
            shared.add(guid)
    return shared


def _entry(e: feedparser.FeedParserDict, trust_guid: bool) -> Entry:
    published = _date(e.get("published_parsed") or e.get("updated_parsed"))
    guid = e.get("id") or None
    url = _http_link(e.get("link"))
    canonical = canonical_url(url) if url else None
    title = e.get("title") or None
    return Entry(
        key=entry_key(guid if trust_guid else None, canonical, title, published),
        guid=guid,
        url=url,
        canonical_url=canonical,
        title=title,
        summary=e.get("summary") or None,
        published=published,
    )


def entry_key(guid: str | None, canonical: str | None, title: str | None, published) -> str:
    """GUID, else canonical link, else a hash of title and date."""
    if guid:
        return f"guid:{guid}"
    if canonical:
        return f"url:{canonical}"
    digest = hashlib.sha256(f"{title}\x00{published}".encode()).hexdigest()[:24]
    return f"hash:{digest}"


def _http_link(link: str | None) -> str | None:
    # a feed can carry file:, javascript: or data: links; they are never fetched nor kept,
    # nor are links that do not parse (a port out of range, a broken IPv6 address)
    if not link:
        return None
    try:
        parts = urlsplit(link.strip())
        parts.port  # noqa: B018 (parsed lazily: raises here for a port out of range)
    except ValueError:
        return None
    return link if parts.scheme.lower() in ("http", "https") else None


TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_ga|_gl|yclid|ocid|cmpid|"
    r"ito|smid|sr_share|at_medium|at_campaign)$",
    re.I,
)
AMP_PATH = re.compile(r"(/amp/?$|\.amp(?=\.html?$)|/amp(?=/))", re.I)


def canonical_url(url: str) -> str:
    """The link as it identifies a story: no scheme, no tracking parameters, no fragment,
    no AMP variant, no `www.`, no trailing slash. Not a URL to fetch."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("amp.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = AMP_PATH.sub("", parts.path) or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING.match(k) and not (k.lower() in ("amp", "outputtype") and v in ("1", "amp"))
    ]
    path = path.rstrip("/") or "/"
    return f"//{host}{path}" + (f"?{urlencode(sorted(query))}" if query else "")


def _date(struct) -> datetime | None:
    # feedparser normalises every date it understands to a UTC struct_time
    if not struct:
        return None
    return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)


FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
COMMON_FEED_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml")


def discover_feeds(html: bytes, base_url: str) -> list[str]:
    """Feed URLs a page announces with <link rel="alternate">, then the usual paths."""
    import lxml.html  # trafilatura's parser: already installed, only needed here

    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        doc = None
    announced = [
        urljoin(base_url, link.get("href"))
        for link in (doc.iterfind(".//link") if doc is not None else [])
        if "alternate" in (link.get("rel") or "").lower().split()
        and (link.get("type") or "").lower() in FEED_TYPES
        and link.get("href")
    ]
    guesses = [urljoin(base_url, path) for path in COMMON_FEED_PATHS]
    return [u for u in dict.fromkeys(announced + guesses) if _http_link(u)]
