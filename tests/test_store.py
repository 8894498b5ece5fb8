"""Schema and named SQL on real DuckDB files."""

import re

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.paths import SEEDS_DIR
from pipeline.snapshot import latest
from pipeline.store import open_store, query_names, sql
from tests.conftest import write_config


def snapshot(database):
    with open_store(database, read_only=True) as store:
        return (
            store.rows_sql(
                "SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name"
            ),
            store.rows_sql(
                "SELECT sql FROM duckdb_tables() "
                "UNION ALL SELECT sql FROM duckdb_views() WHERE NOT internal ORDER BY 1"
            ),
            store.rows_sql("SELECT slug, definition_hash FROM stories"),
            store.rows_sql("SELECT count(*) AS n FROM articles"),
        )


def test_init_twice_is_a_no_op(tmp_path):
    path = write_config(tmp_path, stories_dir=str(SEEDS_DIR))
    runner = CliRunner()
    first = runner.invoke(main, ["init", "--config", str(path)])
    assert first.exit_code == 0, first.output
    assert "applied 0001_initial.sql" in first.output
    before = snapshot(tmp_path / "var/storywatch.duckdb")
    second = runner.invoke(main, ["init", "--config", str(path)])
    assert second.exit_code == 0 and "up to date" in second.output
    assert snapshot(tmp_path / "var/storywatch.duckdb") == before
    assert before[3] == [{"n": 5}]  # the five seed documents, stored once


def test_an_edited_migration_is_refused(tmp_path):
    db = tmp_path / "db.duckdb"
    with open_store(db) as store:
        store.con.execute("UPDATE schema_migrations SET checksum = 'x' WHERE kind = 'migration'")
    with pytest.raises(Exception, match="was edited after it was applied"), open_store(db):
        pass


# parameters whose shape the binder needs to know; every other one is bound to NULL
SAMPLES = {
    "rows": [
        {
            "feed_id": 1, "entry_key": "k", "guid": None, "url": None, "canonical_url": None,
            "title": "t", "summary": None, "published_at": None, "poll_id": 1, "baseline": False,
        }
    ]
}  # fmt: skip


@pytest.mark.parametrize("name", query_names())
def test_every_named_query_runs_on_a_fresh_schema(tmp_path, name):
    params = {p: SAMPLES.get(p) for p in re.findall(r"\$(\w+)", sql(name))}
    with open_store(tmp_path / "db.duckdb") as store:
        store.con.begin()
        try:
            store.con.execute(sql(name), params)
        except duckdb.ConstraintException:
            pass  # it parsed and bound; NULLs broke a NOT NULL, as they should
        finally:
            store.con.rollback()


def test_query_is_read_only(tmp_path):
    path = write_config(tmp_path, stories_dir=str(SEEDS_DIR))
    runner = CliRunner()
    runner.invoke(main, ["init", "--config", str(path)])
    shown = runner.invoke(main, ["query", "--config", str(path), "select slug from stories"])
    assert shown.exit_code == 0 and "iss-withdrawal" in shown.output
    refused = runner.invoke(main, ["query", "--config", str(path), "delete from stories"])
    assert refused.exit_code == 2 and "not DELETE" in refused.output


def test_a_reader_of_an_older_or_empty_database_is_told_to_run_init(tmp_path):
    path = write_config(tmp_path, stories_dir=str(SEEDS_DIR))
    runner = CliRunner()
    args = ["query", "--config", str(path), "select count(*) from article_sources"]
    database = tmp_path / "var" / "storywatch.duckdb"
    database.parent.mkdir()
    duckdb.connect(str(database)).close()  # a DuckDB file, but not one storywatch made
    never = runner.invoke(main, args)
    assert never.exit_code == 2 and "holds no storywatch schema yet" in never.output
    assert "storywatch init" in never.output
    runner.invoke(main, ["init", "--config", str(path)])
    for file in (database, latest(database)):  # as an older storywatch left them
        with duckdb.connect(str(file)) as con:
            con.execute("DROP VIEW article_sources")
            con.execute("DELETE FROM schema_migrations WHERE name LIKE '%article_sources%'")
    older = runner.invoke(main, args)
    assert older.exit_code == 2 and "another version of storywatch" in older.output
    runner.invoke(main, ["init", "--config", str(path)])
    assert runner.invoke(main, args).exit_code == 0
