"""The stored fields of an article: its page's text without the site's boilerplate, or the
feed's summary when the page gave no article (a paywall, a consent wall, a stub)."""

from __future__ import annotations

import json
from dataclasses import asdict

from .extract import Extracted, article, html_to_text
from .site_lines import site_furniture
from .store import Store


def article_text(
    store: Store, extracted: Extracted, site: str | None, article_id: int | None, config
) -> dict:
    """The stored fields for an extracted page: its text without boilerplate, and the status
    `extracted`, or `failed` with the reason when what is left is a stub."""
    seen = site_furniture(store, site, extracted.text, article_id, config.learn_min_articles)
    return text_fields(extracted, seen)


def text_fields(extracted: Extracted, seen: set[str]) -> dict:
    """`article_text` given the lines the site is known to repeat (`seen`)."""
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
