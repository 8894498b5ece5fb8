"""The fetch stage spread over Airflow workers, in three steps that the fetch DAG runs as tasks:

1. `plan_shards` (the one writer): claims up to `[extraction] batch` entries, in shards of
   about `[airflow] shard_size` (a site's entries in one), and writes each shard's manifest
   (its entries) to the staging folder `[airflow] staging`; returns the shard ids, which are
   all that goes through XCom.
2. `fetch_shard` (any worker, never the database): downloads and extracts the pages of one
   shard, as the fetch stage does, into a Parquet file named by the SHA-256 of its bytes.
3. `load_staged` (the one writer): stores every staging file not loaded yet, one transaction
   each, recorded in `staged_loads`, so a file loaded twice changes nothing; the claims of the
   shards that left no file (their task failed) are released for the next run.

The site's boilerplate pass is done by the loader, not on the worker: which short lines are a
site's furniture depends on every article of the site stored so far, those of the other shards
of the same run included, and the loader is where that is known. It is a few statements per
file; the costly part (HTTP and trafilatura) is what the workers do.

`storywatch run` does not come here: on one machine the fetch stage (`stages.fetch`) streams
pages to the database as they are done. Both store pages with `fetched_pages.store_pages`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .. import rawpages
from ..config import Settings
from ..errors import StorywatchError
from ..extract import Extracted
from ..fetched_pages import FETCH_ATTEMPTS, FetchedPage, FetchSummary, fetch_page, store_pages
from ..http import Fetcher, Response
from ..plural import plural
from ..sandbox import ExtractionPool
from ..site_lines import site_of
from ..snapshot import publishes
from ..store import ParquetFolder, Store, open_store

log = logging.getLogger(__name__)

MANIFESTS = "shards"  # the subfolder of the staging folder that holds the shards' manifests
FAILURES = "failures"  # and the one where a failed fetch_shard leaves its failure for the loader
ENTRY = ("entry_id", "url", "title", "summary", "published_at")


class StagingError(StorywatchError):
    """A shard cannot be fetched: its manifest is gone from the staging folder."""


@dataclass
class LoadSummary(FetchSummary):
    files: int = 0  # staging files stored by this load
    broken: int = 0  # staging files whose bytes are not their name's: set aside, not stored

    def __str__(self) -> str:
        broken = f", {plural(self.broken, 'broken file')} set aside" if self.broken else ""
        return f"{super().__str__()} ({plural(self.files, 'staging file')} loaded{broken})"


def shard_lease(settings: Settings, pages: int, shards: int) -> float:
    """How long the claims of a plan of `pages` pages in `shards` shards last: until the loader
    stores them, or, when the DAG run is lost, until a later run may take them. Twice the
    longest the shards could take one after another on a single worker, `concurrency` pages at
    a time, each its whole request, its host's turn and its extraction."""
    http, extraction = settings.http, settings.extraction
    page = http.timeout + http.per_host_gap + extraction.timeout
    return 2 * (math.ceil(pages / http.concurrency) + shards) * page


def plan_shards(settings: Settings, lease: float | None = None) -> list[str]:
    """Claim the entries waiting for their page, at most `[extraction] batch`, in shards of
    about `[airflow] shard_size`, and write each shard's manifest; returns the shard ids (each
    is the `run_id` of its claims). Empty when no entry waits. `lease`: seconds the claims
    last (default `shard_lease`)."""
    batch, folder = settings.extraction.batch, staging(settings)
    plan = uuid.uuid4().hex
    planned: list[str] = []
    with (
        open_store(settings.database) as store,
        store.transaction(),
        ParquetFolder(folder) as files,
    ):
        params = {"run_id": plan, "after": -1, "max_attempts": FETCH_ATTEMPTS, "limit": batch}
        # the longest a plan of this batch can need; set again below, in this transaction,
        # once the shards are known
        params["lease_seconds"] = lease or shard_lease(settings, batch, batch)
        ids = [r["entry_id"] for r in store.rows("claim_entries", params)]
        if not ids:
            return []
        entries = store.rows("entries_by_id", {"ids": ids})
        shards = by_site(entries, settings.airflow.shard_size)
        held = lease or shard_lease(settings, len(entries), len(shards))
        for group in shards:
            shard = uuid.uuid4().hex
            claims = {"plan_id": plan, "run_id": shard, "lease_seconds": held}
            store.execute("assign_claims", claims | {"entry_ids": [e["entry_id"] for e in group]})
            # written before the claims commit: a shard that is claimed has its manifest
            _write_as(files, "shard_entries", _columns(group, ENTRY), manifest(folder, shard))
            planned.append(shard)
    return planned


def by_site(entries: list[dict], size: int) -> list[list[dict]]:
    """The entries in shards of about `size`, a site's entries never split over two: the
    fetcher keeps `[http] per_host_gap` between two requests to a host within one task, and two
    shards fetched at once on two workers would not. A site with more than `size` entries is
    a shard of its own (its pages cannot go faster than the gap anyway)."""
    sites: dict[str | None, list[dict]] = {}
    for entry in entries:  # in entry order: a site's first entry places it
        sites.setdefault(site_of(entry["url"]), []).append(entry)
    shards: list[list[dict]] = []
    for group in sites.values():
        if shards and len(shards[-1]) + len(group) <= size:
            shards[-1].extend(group)
        else:
            shards.append(list(group))
    return shards


def staging(settings: Settings) -> Path:
    """The staging folder: `[airflow] staging`, by default `<database>.staging` beside the
    database."""
    return settings.airflow.staging or settings.database.with_name(
        settings.database.name + ".staging"
    )


def manifest(folder: Path, shard: str) -> Path:
    return folder / MANIFESTS / f"{shard}.parquet"


def fetch_shard(settings: Settings, shard: str) -> str:
    """Download and extract the pages of the shard's entries, and write them, with their raw
    pages, to a staging file; returns its name (`<sha256>.parquet`). Opens no database, so it
    runs on any worker that sees the staging folder."""
    folder = staging(settings)
    with ParquetFolder(folder) as files:
        path = manifest(folder, shard)
        if not path.exists():
            raise StagingError(
                f"shard {shard} has no manifest in {folder}: it was loaded already, or this "
                "worker does not see the staging folder the plan wrote to ([airflow] staging)"
            )
        entries = files.rows("rows", path)
    raw: dict[str, bytes] = {}

    def keep(content: bytes) -> str:
        # gzipped here, so that the loader only writes the file
        digest, raw[digest] = rawpages.gzipped(content)
        return digest

    with (
        Fetcher(settings.http) as fetcher,
        ExtractionPool(settings.extraction) as extractor,
        ThreadPoolExecutor(settings.http.concurrency) as threads,
    ):
        pages = list(threads.map(partial(fetch_page, fetcher, extractor, keep), entries))
    with ParquetFolder(folder) as files:
        return _write_content_addressed(files, "shard_pages", page_columns(shard, pages, raw))


@publishes
def load_staged(settings: Settings, shards: Sequence[str] = ()) -> LoadSummary:
    """Store every staging file not stored yet, in the order of their entries, one transaction
    each; then release the claims of the `shards` (those of this plan) that left no file, and
    delete their manifests. A file stored is deleted; one stored already (it is in
    `staged_loads`) is deleted without being stored again."""
    summary = LoadSummary()
    folder = staging(settings)
    with open_store(settings.database) as store, ParquetFolder(folder) as files:
        intact = [path for path in folder.glob("*.parquet") if _intact(path, summary)]
        for path in sorted(intact, key=lambda p: (files.scalar("first_entry", p) or 0, p.name)):
            _load(settings, store, files, path, summary)
        for shard in shards:
            store.execute("release_claims", {"run_id": shard})
        summary.waiting = store.scalar("entries_waiting", {"max_attempts": FETCH_ATTEMPTS})
    for shard in shards:
        manifest(folder, shard).unlink(missing_ok=True)
    return summary


def _intact(path: Path, summary: LoadSummary) -> bool:
    """Whether the file's bytes are those its name says; one that is not (half a file copied
    in by hand, a file renamed) is set aside as `.broken`, never stored."""
    with path.open("rb") as staged:
        if hashlib.file_digest(staged, "sha256").hexdigest() == path.stem:
            return True
    os.replace(path, path.with_name(path.name + ".broken"))
    log.warning("%s is not the file its name says: set aside as .broken", path)
    summary.broken += 1
    return False


def _load(
    settings: Settings, store: Store, files: ParquetFolder, path: Path, summary: LoadSummary
) -> None:
    digest = path.stem
    with store.transaction():
        if store.one("staged_load", {"sha256": digest}) is None:
            rows = files.rows("rows", path)
            for row in rows:
                if row["raw_gz"] is not None:
                    rawpages.keep_gzipped(settings.database, row["raw_sha256"], row["raw_gz"])
            shard = rows[0]["shard_id"] if rows else ""
            pages = [page_of(row) for row in rows]
            stored = store_pages(store, pages, shard, settings.extraction)
            for status in stored:
                summary.count(status)
            record = {"sha256": digest, "shard_id": shard, "pages": len(rows)}
            store.execute("record_staged_load", record | {"stored": len(stored)})
            summary.files += 1
    # after the commit: a crash in between leaves a file that the next load only deletes
    path.unlink(missing_ok=True)


def leave_failure(settings: Settings, failure: dict) -> Path:
    """Leave a failed fetch_shard task's failure (the fields of `task_failures`) in the staging
    folder, for the loader to record: the worker may have no database to record it in."""
    text = json.dumps(failure, sort_keys=True)
    path = staging(settings) / FAILURES / f"{hashlib.sha256(text.encode()).hexdigest()}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{uuid.uuid4().hex}.part")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path


def left_failures(settings: Settings) -> list[tuple[Path, dict]]:
    """The failures fetch_shard tasks left, each with its file (deleted once recorded)."""
    found = sorted((staging(settings) / FAILURES).glob("*.json"))
    return [(path, json.loads(path.read_text(encoding="utf-8"))) for path in found]


def page_columns(shard: str, pages: list[FetchedPage], raw: dict[str, bytes]) -> dict:
    """The parameters of `sql/staging/shard_pages.sql` for a shard's pages."""
    columns = _columns([p.entry for p in pages], ENTRY)
    responses = [p.response for p in pages]
    found = [p.extracted for p in pages]
    return columns | {
        "shard_id": shard,
        "final_urls": [r.url if r else None for r in responses],
        "http_statuses": [r.status if r else None for r in responses],
        "errors": [p.error for p in pages],
        "raw_sha256s": [p.raw_sha256 for p in pages],
        "raw_bytes": [p.raw_bytes for p in pages],
        "raw_gzs": [raw.get(p.raw_sha256) if p.raw_sha256 else None for p in pages],
        "extracteds": [x is not None for x in found],
        "texts": [x.text if x else None for x in found],
        "extracted_titles": [x.title if x else None for x in found],
        "authors": [x.author if x else None for x in found],
        "published": [x.published if x else None for x in found],
        "site_names": [x.site_name if x else None for x in found],
        "languages": [x.language if x else None for x in found],
        "withhelds": [x.withheld if x else None for x in found],
        "notices": [x.notice if x else None for x in found],
    }


def page_of(row: dict) -> FetchedPage:
    """A page as `fetch_page` made it, from its row of a staging file."""
    response = None
    if row["final_url"] is not None:
        response = Response(row["final_url"], row["http_status"], headers={}, content=b"")
    extracted = None
    if row["extracted"]:
        extracted = Extracted(
            text=row["text"],
            title=row["extracted_title"],
            author=row["author"],
            published=row["published"],
            site_name=row["site_name"],
            language=row["language"],
            withheld=row["withheld"],
            notice=row["notice"],
        )
    return FetchedPage(
        entry={k: row[k] for k in ENTRY},
        response=response,
        extracted=extracted,
        error=row["error"],
        raw_sha256=row["raw_sha256"],
        raw_bytes=row["raw_bytes"] or 0,
    )


def _columns(rows: list[dict], keys: tuple[str, ...]) -> dict[str, list]:
    # entry_id -> entry_ids, summary -> summaries: the list parameters of sql/staging
    plural_of = {"summary": "summaries"}
    return {plural_of.get(k, f"{k}s"): [r[k] for r in rows] for k in keys}


def _write_as(files: ParquetFolder, query: str, params: dict, path: Path) -> None:
    """Write the file aside and rename it into place: a reader never finds half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{uuid.uuid4().hex}.part")
    try:
        files.write(query, params, temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _write_content_addressed(files: ParquetFolder, query: str, params: dict) -> str:
    """Write the file, named by the SHA-256 of its bytes; returns the name."""
    temporary = files.folder / f".{uuid.uuid4().hex}.part"
    try:
        files.write(query, params, temporary)
        with temporary.open("rb") as written:
            name = f"{hashlib.file_digest(written, 'sha256').hexdigest()}.parquet"
        os.replace(temporary, files.folder / name)
    finally:
        temporary.unlink(missing_ok=True)
    return name
