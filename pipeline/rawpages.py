"""The raw pages kept for `reextract`: gzip files named by the SHA-256 of the page, in a folder
next to the database. Not in DuckDB: it rewrites the last row group of a table at every
checkpoint, so a table of big blobs made every write cost memory in proportion to all the
pages kept. DuckDB keeps a row per page (`raw_pages`), which says what is kept and until when."""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def folder(database: Path) -> Path:
    return database.with_name(database.name + ".pages")


def _path(database: Path, sha256: str) -> Path:
    # a level of folders by the first two hex digits, so that no folder grows too long
    return folder(database) / sha256[:2] / f"{sha256}.html.gz"


def keep(database: Path, content: bytes) -> str:
    """Keep the page (once: the name is its digest) and return its SHA-256."""
    digest = hashlib.sha256(content).hexdigest()
    if not _path(database, digest).exists():
        keep_gzipped(database, digest, gzip.compress(content, 6))
    return digest


def gzipped(content: bytes) -> tuple[str, bytes]:
    """The page's SHA-256 and its gzipped bytes, for a worker that cannot reach the folder:
    the loader keeps them with `keep_gzipped`, and compresses nothing."""
    return hashlib.sha256(content).hexdigest(), gzip.compress(content, 6)


def keep_gzipped(database: Path, sha256: str, gz: bytes) -> None:
    """Keep a page already gzipped (once: the name is its digest)."""
    path = _path(database, sha256)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # written aside and renamed, so a crash never leaves half a page under the name
    fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(gz)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read(database: Path, sha256: str) -> bytes | None:
    """The page's bytes, or None when it is no longer kept."""
    try:
        return gzip.decompress(_path(database, sha256).read_bytes())
    except FileNotFoundError:
        return None


def forget(database: Path, digests: Iterable[str]) -> None:
    """Delete the pages whose rows were pruned (after the prune committed: a crash in between
    leaves a file, never a row without its page)."""
    for digest in digests:
        _path(database, digest).unlink(missing_ok=True)
