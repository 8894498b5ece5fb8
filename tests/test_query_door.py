"""`storywatch query` runs one SELECT over storywatch's own data and nothing else, and no
connection storywatch opens (writers too) can read or write a file, load an extension or
change a setting. Each attack: refused in one line, exit 2, the database intact."""

from __future__ import annotations

import sqlite3

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.paths import SEEDS_DIR
from pipeline.store import open_store
from tests.conftest import write_config

SECRET = "a line only this file holds"


@pytest.fixture
def door(tmp_path):
    """A config with an initialised database, and a private file next to it."""
    config = write_config(tmp_path, database="db/sw.duckdb", stories_dir=str(SEEDS_DIR))
    assert CliRunner().invoke(main, ["init", "--config", str(config)]).exit_code == 0
    secret = tmp_path / "secret.csv"
    secret.write_text(f"note\n{SECRET}\n", encoding="utf-8")
    return config, tmp_path / "db" / "sw.duckdb", secret


def query(config, text: str):
    return CliRunner().invoke(main, ["query", "--config", str(config), text])


def refused(result, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    assert fragment in line


@pytest.mark.parametrize(
    ("attack", "fragment"),
    [
        ("COPY (select 'x') TO '{db}'", "not COPY"),
        ("COPY (select 'x') TO '{db}' (FORMAT csv)", "not COPY"),
        ("EXPORT DATABASE '{tmp}/dump'", "not EXPORT"),
        ("ATTACH '{tmp}/other.duckdb' AS other", "not ATTACH"),
        ("select 1; delete from stories", "one SELECT statement, not 2"),
        ("delete from stories", "not DELETE"),
        ("INSTALL httpfs", "not INSTALL or LOAD"),
        ("LOAD httpfs", "not INSTALL or LOAD"),
        ("SET enable_external_access = true", "not SET"),
        ("PRAGMA enable_profiling", "not PRAGMA"),
        ("select * from read_text('{tmp}/secret.csv')", "Permission Error"),
        ("select * from glob('{tmp}/*')", "Permission Error"),
    ],
)
def test_an_attack_through_query_is_refused_and_the_database_stays(door, attack, fragment):
    config, database, _ = door
    before = database.read_bytes()
    refused(query(config, attack.format(db=database, tmp=database.parent.parent)), fragment)
    assert database.read_bytes() == before
    assert not (database.parent.parent / "dump").exists()
    shown = query(config, "select slug from stories")
    assert shown.exit_code == 0 and "iss-withdrawal" in shown.stdout


def test_query_reads_no_file(door):
    config, _, secret = door
    for text in (f"select * from read_csv('{secret}')", f"select * from '{secret}'"):
        result = query(config, text)
        assert result.exit_code == 2 and SECRET not in result.output


def test_a_writer_connection_is_locked_down_too(door):
    _, database, secret = door
    with open_store(database) as store:
        with pytest.raises(duckdb.PermissionException):
            store.con.execute(f"select * from read_csv('{secret}')")
        with pytest.raises(duckdb.PermissionException):
            store.con.execute(f"COPY stories TO '{secret}'")
        with pytest.raises(duckdb.Error, match="locked"):
            store.con.execute("SET enable_external_access = true")
        with pytest.raises(duckdb.Error, match="locked"):
            store.con.execute("SET autoinstall_known_extensions = true")
    assert SECRET in secret.read_text(encoding="utf-8")


def test_the_views_and_json_operators_still_work(door):
    config, _, _ = door
    text = "select count(*) as n, max(reasons->>'shared_terms') from matches, feed_health"
    assert query(config, text).exit_code == 0


@pytest.mark.parametrize("command", [["query", "select 1"], ["init"], ["feed", "list"]])
def test_a_sqlite_file_is_not_a_storywatch_database(tmp_path, command):
    database = tmp_path / "sw.db"
    with sqlite3.connect(database) as lite:
        lite.execute("create table feeds (url text)")
    before = database.read_bytes()
    config = write_config(tmp_path, database="sw.db", stories_dir=str(SEEDS_DIR))
    result = CliRunner().invoke(main, [*command, "--config", str(config)])
    refused(result, f"{database} is not a storywatch database")
    assert database.read_bytes() == before


@pytest.mark.parametrize("command", [["query", "select 1"], ["init"], ["run"]])
def test_another_programs_duckdb_file_is_left_alone(tmp_path, command):
    database = tmp_path / "theirs.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create table feeds (url varchar); insert into feeds values ('theirs')")
    config = write_config(tmp_path, database="theirs.duckdb", stories_dir=str(SEEDS_DIR))
    result = CliRunner().invoke(main, [*command, "--config", str(config)])
    refused(result, f"{database} is not a storywatch database (it holds other tables: feeds)")
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.sql("select table_name from duckdb_tables()").fetchall() == [("feeds",)]
