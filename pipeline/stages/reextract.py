"""Re-extraction: the kept raw pages through extraction and the boilerplate pass again, after
either improved. Matches already made stay as they were decided."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from ..config import Settings
from ..sandbox import ExtractionFailed, ExtractionPool
from ..store import open_store
from .fetch import article_text, fallback, remember_lines


@dataclass
class ReextractSummary:
    changed: int = 0
    unchanged: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (
            f"reextract {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.failed} failed (kept as they were)"
        )


def reextract(
    settings: Settings,
    since: datetime | None = None,
    progress: Callable[[list], Iterable] = lambda rows: rows,
) -> ReextractSummary:
    """Extract again every article fetched since `since` whose raw page is still kept."""
    summary = ReextractSummary()
    with open_store(settings.database) as store, ExtractionPool(settings.extraction) as pool:
        for row in progress(store.rows("articles_to_reextract", {"since": since})):
            html = gzip.decompress(store.one("raw_page", {"sha256": row["raw_sha256"]})["html_gz"])
            try:
                extracted = pool.extract(html, row["url"])
            except ExtractionFailed:
                summary.failed += 1
                continue
            fields = article_text(store, extracted, row["site"], row["id"], settings.extraction)
            if fields["status"] != "extracted":
                fields.update(fallback(row["summary"], fields["error"]))
            before = store.one("article_text", {"id": row["id"]})
            with store.transaction():
                store.execute(
                    "update_article_text", {**fields, "id": row["id"], "title": extracted.title}
                )
                remember_lines(store, row["id"], row["site"], extracted.text)
            if before["text"] == fields["text"] and before["status"] == fields["status"]:
                summary.unchanged += 1
            else:
                summary.changed += 1
    return summary
