"""The schema explains itself: every table, view and column carries a comment, the README's
schema section says what they say, and the comments outlive a view being made again."""

from __future__ import annotations

import subprocess
import sys

from pipeline import schema_doc
from pipeline.paths import PROJECT_ROOT
from pipeline.store import open_store


def test_every_table_view_and_column_has_a_comment():
    relations = schema_doc.described()
    names = {r.name for r in relations}
    assert {"feeds", "articles", "matches", "sentence_embeddings", "schema_migrations"} <= names
    assert {"article_sources", "update_reporters", "update_changes"} <= names
    assert schema_doc.missing(relations) == [], "add COMMENT ON for these to sql/"


def test_the_readme_section_is_the_one_the_comments_make():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    wanted = schema_doc.with_section(readme, schema_doc.render(schema_doc.described()))
    assert readme == wanted, "stale: run `python -m pipeline.schema_doc --write`"
    assert "| `seen_at` | `TIMESTAMP WITH TIME ZONE` | When storywatch saw it" in readme


def test_check_fails_on_a_stale_section_and_write_mends_it(tmp_path):
    readme = tmp_path / "README.md"
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    readme.write_text(text.replace("When storywatch saw it", "When it was published"), "utf-8")

    def doc(action: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "pipeline.schema_doc", action, "--readme", str(readme)]
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)

    stale = doc("--check")
    assert stale.returncode == 1 and "--write" in stale.stderr
    assert doc("--write").returncode == 0
    assert readme.read_text("utf-8") == text
    assert doc("--check").returncode == 0


def test_view_comments_survive_the_views_being_made_again(tmp_path):
    path = tmp_path / "sw.duckdb"
    with open_store(path) as store:
        # a view file that changed: migrate drops every view and makes them again
        store.con.execute("UPDATE schema_migrations SET checksum = 'x' WHERE kind = 'view'")
        assert store.migrate()
    with open_store(path, read_only=True) as store:
        views = {
            r["name"]: r["comment"] for r in store.rows("schema_relations") if r["kind"] == "view"
        }
        columns = store.rows_sql(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'update_reporters' "
            "AND column_name = 'reporter_rank'"
        )
    assert views["update_reporters"].startswith("Who reported each update first")
    assert columns == [{"comment": "1 for the outlet that reported it first, 2 for the next..."}]
