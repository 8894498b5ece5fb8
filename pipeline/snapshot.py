"""Readers never wait for the writer: a stage or command that wrote ends by publishing a copy
of the database, which `storywatch query`, `status` and the lists read.

DuckDB lets one process write a file and nobody read it meanwhile, and a long stage (the match
stage over a backlog) writes for minutes. The copy sits next to the database, in
`<database>.snapshot/latest.duckdb`; a new one is written beside it and renamed over it, so a
reader opens the old copy or the new one, whole, and a copy being read stays readable until
its reader closes it (the system frees it then). It is as fresh as the end of the last stage
or command that wrote: never a stage half-written.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from .config import Settings
from .store import WRITTEN, Store, copy_committed, open_store

P = ParamSpec("P")
R = TypeVar("R")
LATEST = "latest.duckdb"
PUBLISHING = "publishing.duckdb"  # being written; renamed to LATEST once whole


@dataclass(frozen=True)
class Published:
    path: Path
    bytes: int
    seconds: float


def folder(database: Path) -> Path:
    """Where the snapshots of `database` are kept."""
    return database.with_name(database.name + ".snapshot")


def latest(database: Path) -> Path:
    return folder(database) / LATEST


def publish(settings: Settings) -> Published | None:
    """Publish the database as it is now to its readers (None: snapshots are off, or there is
    no database yet). Off, a snapshot left from before is removed, so that turning them on
    again never serves a stale one."""
    database = settings.database
    WRITTEN.discard(database.absolute())
    if not settings.snapshot.enabled:
        latest(database).unlink(missing_ok=True)
        return None
    if not database.exists():
        return None
    started = time.perf_counter()
    where = folder(database)
    where.mkdir(exist_ok=True)
    copy_committed(database, where / PUBLISHING)
    os.replace(where / PUBLISHING, where / LATEST)
    return Published(where / LATEST, (where / LATEST).stat().st_size, time.perf_counter() - started)


def publish_if_written(settings: Settings) -> Published | None:
    """Publish when this process wrote the database since its last snapshot."""
    if settings.database.absolute() not in WRITTEN:
        return None
    return publish(settings)


def publishes(
    stage: Callable[Concatenate[Settings, P], R],
) -> Callable[Concatenate[Settings, P], R]:
    """A stage that ends by publishing what it wrote. One that raises publishes nothing:
    readers never see half of a stage."""

    @functools.wraps(stage)
    def run(settings: Settings, /, *args: P.args, **kwargs: P.kwargs) -> R:
        done = stage(settings, *args, **kwargs)
        publish_if_written(settings)
        return done

    return run


def reading(settings: Settings) -> Path:
    """The file a read-only command reads: the latest snapshot, or the database itself when
    snapshots are off or none is published yet."""
    copy = latest(settings.database)
    if settings.snapshot.enabled and copy.exists():
        return copy
    return settings.database


def taken_at(settings: Settings) -> datetime | None:
    """When the snapshot the readers read was published; None when they read the live file."""
    copy = reading(settings)
    if copy == settings.database:
        return None
    return datetime.fromtimestamp(copy.stat().st_mtime, UTC)


@contextmanager
def open_reader(settings: Settings) -> Iterator[Store]:
    """A read-only Store on what `reading` names; always closed."""
    with open_store(reading(settings), read_only=True) as store:
        yield store
