"""DuckDB: connect, migrate, run named SQL, transactions. The only module that talks to DuckDB."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import duckdb

from .errors import StorywatchError
from .paths import SQL

LOCK_ERROR = "Could not set lock on file"
NOT_DUCKDB = "not a valid DuckDB database file"
# this process has the file open already, as a writer (the fetch stage's writer thread) when a
# reader asks, or the other way round: like the lock of another process, it is let go soon
SAME_PROCESS = "different configuration than existing connections"
# Every connection, writers too: storywatch's own data and nothing else. No file is read or
# written but the database (COPY, read_csv, ATTACH are refused), no extension is installed or
# loaded (a SQLite file would otherwise make DuckDB download one), and no SQL can undo this.
LOCKED_DOWN: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}
# what `storywatch query` runs: one statement that reads
READ_STATEMENTS = (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN)
VIEW_NAME = re.compile(r"CREATE OR REPLACE VIEW (\w+)", re.I)
# The databases this process opened to write since it last published their snapshot: a stage
# or a command that wrote ends by publishing one (`pipeline.snapshot`), one that only read
# does not
WRITTEN: set[Path] = set()


class StoreError(StorywatchError, RuntimeError):
    """The database cannot be opened or migrated."""


class QueryError(StorywatchError):
    """SQL typed by a person that is refused or fails."""


@cache
def sql(name: str) -> str:
    """The text of the named query `sql/queries/<name>.sql`."""
    try:
        return (SQL / "queries" / f"{name}.sql").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyError(f"no named query {name!r} in sql/queries") from None


def query_names() -> list[str]:
    return [p.name.removesuffix(".sql") for p in sql_files("queries")]


def sql_files(folder: str) -> list[Traversable]:
    """The `.sql` files of `sql/<folder>`, in the order of their names."""
    found = (p for p in (SQL / folder).iterdir() if p.name.endswith(".sql"))
    return sorted(found, key=lambda p: p.name)


class Store:
    """A DuckDB connection with named queries. Values are always bound parameters."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None = None):
        self.con = con
        self.path = path

    def rows(self, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return self.rows_sql(sql(name), params)

    def rows_sql(self, text: str, params: Mapping[str, Any] | None = None) -> list[dict]:
        cur = self.con.execute(text, dict(params or {}))
        if cur.description is None:
            return []
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def one(self, name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        found = self.rows(name, params)
        return found[0] if found else None

    def scalar(self, name: str, params: Mapping[str, Any] | None = None) -> Any:
        row = self.con.execute(sql(name), dict(params or {})).fetchone()
        return row[0] if row else None

    def execute(self, name: str, params: Mapping[str, Any] | None = None) -> None:
        self.con.execute(sql(name), dict(params or {}))

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        self.con.begin()
        try:
            yield self
        except BaseException:
            self.con.rollback()
            raise
        else:
            self.con.commit()

    def show(self, text: str, *, max_rows: int, max_width: int) -> None:
        """Print the result of one read-only statement typed by a person, as a table."""
        with _typed_query():
            self.con.sql(_one_read(text)).show(max_rows=max_rows, max_width=max_width)

    def read(self, text: str) -> tuple[list[str], list[tuple]]:
        """The column names and rows of one read-only statement typed by a person; JSON
        columns come parsed (DuckDB gives them as text)."""
        with _typed_query():
            cur = self.con.execute(_one_read(text))
            rows = cur.fetchall()
        description = cur.description or []
        parsed = [i for i, d in enumerate(description) if str(d[1]) == "JSON"]
        if parsed:
            rows = [
                tuple(
                    json.loads(v) if i in parsed and v is not None else v for i, v in enumerate(r)
                )
                for r in rows
            ]
        return [d[0] for d in description], rows

    # -- schema ------------------------------------------------------------------------------

    def migrate(self) -> list[str]:
        """Apply pending migrations and changed views; return what was applied (empty: no-op).

        All in one transaction. DuckDB will not alter a table that a view depends on, so when
        anything changes, the views are dropped first and built again from sql/views.
        """
        self._has_schema()  # refuses another program's tables before adding any of ours
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, checksum VARCHAR NOT NULL,"
            " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
        )
        known, pending, views = self._schema_state()
        if not pending and all(known.get(name) == digest for name, _, digest in views):
            return []
        with self.transaction():
            for _, text, _ in reversed(views):
                for view in VIEW_NAME.findall(text):
                    self.con.execute(f"DROP VIEW IF EXISTS {view}")  # a name from our own file
            for name, text, digest in pending:
                self.con.execute(text)
                self._record(name, "migration", digest)
            for name, text, digest in views:
                self.con.execute(text)
                self.con.execute("DELETE FROM schema_migrations WHERE name = $n", {"n": name})
                self._record(name, "view", digest)
        return [name for name, _, _ in pending] + [
            name for name, _, digest in views if known.get(name) != digest
        ]

    def out_of_date(self) -> str | None:
        """Why a reader cannot use this file as it is (it cannot migrate), or None."""
        if not self._has_schema():
            return "holds no storywatch schema yet"
        known, pending, views = self._schema_state()
        if pending or any(known.get(name) != digest for name, _, digest in views):
            return "was written by another version of storywatch"
        return None

    def _has_schema(self) -> bool:
        """Whether storywatch's schema is here; an empty file has none. Raises StoreError for
        a file that holds another program's tables, which storywatch must not touch."""
        tables = {
            row[0] for row in self.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
        if "schema_migrations" in tables:
            return True
        if tables:
            listed = ", ".join(sorted(tables)[:5])
            raise StoreError(
                f"{self.path} is not a storywatch database (it holds other tables: {listed}); "
                "give storywatch a `database` path of its own"
            )
        return False

    def _schema_state(self):
        """What is applied (name -> checksum), the migrations still to apply, and the views."""
        known = dict(self.con.execute("SELECT name, checksum FROM schema_migrations").fetchall())
        migrations = [_read(p) for p in sql_files("migrations")]
        views = [_read(p) for p in sql_files("views")]
        for name, _, digest in migrations:
            if name in known and known[name] != digest:
                raise StoreError(
                    f"migration {name} was edited after it was applied; add a new migration instead"
                )
        return known, [m for m in migrations if m[0] not in known], views

    def _record(self, name: str, kind: str, digest: str) -> None:
        self.con.execute(
            "INSERT INTO schema_migrations (name, kind, checksum) VALUES ($n, $k, $c)",
            {"n": name, "k": kind, "c": digest},
        )


def _read(path: Traversable) -> tuple[str, str, str]:
    text = path.read_text(encoding="utf-8")
    return path.name, text, hashlib.sha256(text.encode()).hexdigest()[:16]


def _one_read(text: str) -> str:
    """`text`, when it is one statement that reads; else QueryError says why not."""
    statements = _statements(text)
    if len(statements) != 1:
        raise QueryError(f"give one SELECT statement, not {len(statements)}")
    kind = statements[0].type
    if kind not in READ_STATEMENTS:
        # DuckDB types INSTALL as a LOAD statement
        what = "INSTALL or LOAD" if kind.name == "LOAD" else kind.name
        raise QueryError(f"only SELECT statements are run here, not {what}")
    return text


@contextmanager
def _typed_query() -> Iterator[None]:
    """What DuckDB says of a query typed by a person, as QueryError (one line, exit 2)."""
    try:
        yield
    except duckdb.PermissionException as exc:
        raise QueryError(f"{exc} (a query reads storywatch's tables and views only)") from None
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from None


def _statements(text: str) -> list:
    try:
        return duckdb.extract_statements(text)
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from None


def connect(path: Path, *, read_only: bool = False, lock_timeout: float = 60.0):
    """Open the DuckDB file, retrying with jittered backoff while another process holds the lock."""
    if read_only and not path.exists():
        raise StoreError(f"no database at {path}; run `storywatch init` first")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the folder of the database {path}: {exc.strerror}; "
            "set `database` to a path that can be written"
        ) from None
    deadline = time.monotonic() + lock_timeout
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=LOCKED_DOWN)
        except duckdb.PermissionException:
            # the file is of a format that only an extension reads (SQLite), which is refused
            raise StoreError(f"{path} is not a storywatch database") from None
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if NOT_DUCKDB in str(exc):
                raise StoreError(f"{path} is not a storywatch database") from None
            held = LOCK_ERROR in str(exc) or SAME_PROCESS in str(exc)
            if not held or time.monotonic() + delay > deadline:
                raise StoreError(f"cannot open {path}: {exc}") from exc
            time.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 2.0)


class ParquetFolder:
    """Parquet files in one folder (the fetch DAG's staging), written from named queries of
    `sql/staging` and read back, through an in-memory DuckDB that may reach that folder and no
    other file: no database is opened, so an Airflow worker without one can use it."""

    def __init__(self, folder: Path):
        self.folder = folder.resolve()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(":memory:", config=_confined())
        try:
            # the folder is allowed before external access is cut: DuckDB takes it in that order
            self.con.execute("SET allowed_directories = $d", {"d": [f"{self.folder}/"]})
            self.con.execute("SET enable_external_access = false")
            self.con.execute("SET lock_configuration = true")
        except BaseException:
            self.con.close()
            raise

    def __enter__(self) -> ParquetFolder:
        return self

    def __exit__(self, *exc) -> None:
        self.con.close()

    def write(self, name: str, params: Mapping[str, Any], path: Path) -> None:
        """The rows of `sql/staging/<name>.sql` as the Parquet file `path`, in the folder."""
        self.con.sql(staging_sql(name), params=dict(params)).write_parquet(str(path))

    def rows(self, name: str, path: Path) -> list[dict[str, Any]]:
        cur = self.con.execute(staging_sql(name), {"path": str(path)})
        cols = [d[0] for d in cur.description or []]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, name: str, path: Path) -> Any:
        row = self.con.execute(staging_sql(name), {"path": str(path)}).fetchone()
        return row[0] if row else None


def _confined() -> dict[str, str | bool | int | float | list[str]]:
    # as LOCKED_DOWN, but external access is cut after the folder is allowed
    return {
        k: v
        for k, v in LOCKED_DOWN.items()
        if k not in ("enable_external_access", "lock_configuration")
    }


@cache
def staging_sql(name: str) -> str:
    """The text of `sql/staging/<name>.sql`."""
    return (SQL / "staging" / f"{name}.sql").read_text(encoding="utf-8")


def copy_committed(path: Path, target: Path) -> None:
    """Copy the database file to `target` as its last commit left it. The write lock is held
    from the checkpoint, which folds the write-ahead log into the file, to the end of the
    copy, so no other process writes in between; the copy is whole before the lock goes."""
    con = connect(path)
    try:
        con.execute(sql("checkpoint"))
        wal = path.with_name(path.name + ".wal")
        if wal.exists() and wal.stat().st_size:
            raise StoreError(f"cannot copy {path}: its write-ahead log was not folded in")
        with path.open("rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1 << 20)
            copy.flush()
            # on disk before it is renamed into place: a crash leaves the old copy, not half
            os.fsync(copy.fileno())
    finally:
        con.close()


@contextmanager
def open_store(
    path: Path, *, read_only: bool = False, migrate: bool = True, lock_timeout: float = 60.0
):
    """A Store on the file; a writer brings the schema up to date first. Always closed."""
    con = connect(path, read_only=read_only, lock_timeout=lock_timeout)
    if not read_only:
        WRITTEN.add(path.absolute())
    try:
        store = Store(con, path)
        if migrate and not read_only:
            store.migrate()
        elif migrate and (why := store.out_of_date()):
            raise StoreError(f"{path} {why}: run `storywatch init` to bring it up to date")
        yield store
    finally:
        con.close()
