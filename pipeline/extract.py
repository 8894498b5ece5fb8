"""HTML -> article text and metadata with trafilatura. Pure: trafilatura never downloads here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import trafilatura

MIN_TEXT_CHARS = 200  # below this a "page" is a stub (paywall, consent wall), not an article


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    site_name: str | None = None
    language: str | None = None

    @property
    def usable(self) -> bool:
        return len(self.text) >= MIN_TEXT_CHARS


def extract(html: bytes | str, url: str | None = None) -> Extracted:
    """Main text without navigation, ads or reader comments, plus the page's metadata."""
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
    )
    if doc is None:
        return Extracted(text="")
    return Extracted(
        text=(doc.text or "").strip(),
        title=doc.title,
        author=doc.author,
        published=_date(doc.date),
        site_name=doc.sitename,
        language=doc.language,
    )


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def html_to_text(fragment: str) -> str:
    """Plain text of a small HTML fragment such as a feed summary."""
    if "<" not in fragment:
        return fragment.strip()
    import lxml.html  # trafilatura's own parser; imported here as most summaries are plain

    try:
        return " ".join(lxml.html.fromstring(fragment).text_content().split())
    except Exception:  # lxml raises a zoo of types on junk; junk has no text worth keeping
        return ""
