"""Re-extraction: the kept raw pages through extraction and the boilerplate pass again, after
either improved. Matches already made stay as they were decided."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import datetime

from .. import rawpages
from ..article_fields import article_text, fallback
from ..config import Settings
from ..progress import Progress, unwatched
from ..sandbox import ExtractionFailed, ExtractionPool
from ..site_lines import remember_lines
from ..snapshot import publishes
from ..store import Store, open_store


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


@publishes
def reextract(
    settings: Settings,
    since: datetime | None = None,
    progress: Progress = unwatched,
) -> ReextractSummary:
    """Extract again every article fetched since `since` whose raw page is still kept."""
    summary = ReextractSummary()
    with open_store(settings.database) as store, ExtractionPool(settings.extraction) as pool:
        rows = store.rows("articles_to_reextract", {"since": since})
        for done, row in enumerate(rows):
            progress("re-extracting", done, len(rows))
            html = _raw_page(store, settings, row["raw_sha256"])
            if html is None:  # its file went missing: the article stays as it was
                summary.failed += 1
                continue
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
        progress("re-extracting", len(rows), len(rows))
    return summary


def _raw_page(store: Store, settings: Settings, sha256: str) -> bytes | None:
    """A page kept as a file, or, stored before pages were files, in the database."""
    kept = store.one("raw_page", {"sha256": sha256})
    if kept and kept["html_gz"] is not None:
        return gzip.decompress(kept["html_gz"])
    return rawpages.read(settings.database, sha256)
