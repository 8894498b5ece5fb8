"""A story is edited all the time: every field of story.toml and its documents can change, and
the story keeps its id and its history while the new definition is what matching and alerts use.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline import stages
from pipeline.cli import main
from pipeline.demo import SEED_DAY, demo_pages
from pipeline.demo.pages import page_from_text
from pipeline.demo.site import DemoSite
from pipeline.paths import SEEDS_DIR
from pipeline.store import open_store, sql_files
from pipeline.stories import load_story
from tests.conftest import write_toml
from tests.smtp_servers import RefusingHandler, smtp_server

SLUG = "iss-withdrawal"
SEED = load_story(SEEDS_DIR / SLUG, [])


NEWS = "ross-module-date"
NEWS_PAGE = """Title: Roscosmos sets 2027 for the first module of its own station
Published: 2022-07-29T09:30:00Z
Section: space

Roscosmos said on Friday that the first module of ROSS, the station Russia plans to build once \
it leaves the International Space Station, would go up in 2027.

Yury Borisov told a briefing in Moscow that the whole station would take about ten years and \
some 600 billion roubles to assemble.
"""


@pytest.fixture
def site():
    """The demo site with the seeds and the follow-up published; one more update comes later."""
    pages = [*demo_pages(), page_from_text(NEWS, NEWS_PAGE, SEED_DAY)]
    with DemoSite(pages, published={p.slug for p in pages} - {NEWS}) as s:
        yield s


@pytest.fixture
def folder(tmp_path) -> Path:
    """A copy of the seed story, to edit."""
    shutil.copytree(SEEDS_DIR / SLUG, tmp_path / "stories" / SLUG)
    return tmp_path / "stories" / SLUG


def write_story_toml(folder: Path, **values) -> None:
    """The seed story's story.toml with `values` in place of its own keys."""
    documents = [
        {"file": d.file} | ({"url": d.source} if d.source != d.file else {}) for d in SEED.documents
    ]
    fields = {"name": SEED.name, "description": SEED.description, "documents": documents}
    write_toml(folder / "story.toml", **(fields | values))


def storywatch(config: Path, *args: str):
    result = CliRunner().invoke(main, [*args[:1], "--config", str(config), *args[1:]])
    assert "Traceback" not in result.output
    return result


def current(database: Path) -> dict:
    """The story as current_stories shows it, with the texts of its seeds (in the order of its
    definition) and of the seed documents that its memory is made of."""
    with open_store(database, read_only=True) as store:
        (row,) = store.rows_sql("SELECT * FROM current_stories")
        texts = {
            r["id"]: r["text"]
            for r in store.rows_sql("SELECT id, text FROM articles WHERE status = 'seed'")
        }
        row["seeds"] = [texts[i] for i in row["seed_article_ids"] or []]
        row["memory"] = sorted(
            r["text"]
            for r in store.rows_sql(
                "SELECT a.text FROM story_documents sd JOIN articles a ON a.id = sd.article_id"
                " WHERE sd.story_id = $id AND sd.role = 'seed'",
                {"id": row["id"]},
            )
        )
    return row


HISTORY = ("stories", "matches", "alerts")


def history(database: Path, columns: dict[str, list[str]] | None = None) -> tuple:
    """The stories, matches and alerts, as read by any DuckDB reader; with `columns`, only
    those of each table (the ones a database from before later migrations had)."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        return tuple(
            con.execute(
                f"SELECT {', '.join(columns[table]) if columns else '*'} FROM {table} ORDER BY ALL"
            ).fetchall()
            for table in HISTORY
        )
    finally:
        con.close()


def columns_of(database: Path) -> dict[str, list[str]]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        query = (
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index"
        )
        return {t: [c for (c,) in con.execute(query, [t]).fetchall()] for t in HISTORY}
    finally:
        con.close()


def test_an_edited_story_keeps_its_history_and_alerts_with_its_new_definition(
    make_settings, folder, site, mail
):
    settings = make_settings(stories_dir=str(folder.parent))
    config = settings.database.parent.parent / "storywatch.toml"
    assert storywatch(config, "run").exit_code == 0
    stories, matches, alerts = history(settings.database)
    assert matches and alerts  # the follow-up was mailed to desk@example.org

    (folder / "005_own_words.txt").write_text(
        "Roscosmos engineers began drafting the first module of a national orbital station.\n"
    )
    edited_seed = folder / SEED.documents[-1].file
    edited_seed.write_text(edited_seed.read_text() + "\nA later paragraph, added by the desk.\n")
    documents = [{"file": d.file} for d in SEED.documents[1:]] + [{"file": "005_own_words.txt"}]
    write_story_toml(
        folder,
        name="Russia and the ISS",
        description="When Russia leaves the station, and what it builds next.",
        recipients=["night@example.org"],
        documents=documents,
        matching={"match": 0.3},
    )
    init = storywatch(config, "init")
    assert init.exit_code == 0, init.output
    site.publish(NEWS)
    again = storywatch(config, "run", "--force")
    assert again.exit_code == 0, again.output

    assert history(settings.database)[0] == stories  # same id, same slug
    assert history(settings.database)[1][: len(matches)] == matches
    assert current(settings.database)["name"] == "Russia and the ISS"
    last = BytesParser(policy=policy.default).parse(mail.messages()[-1].open("rb"))
    assert last["To"] == "night@example.org"
    assert last["Subject"].startswith("[Russia and the ISS] ")


def received_by(mail) -> list[tuple[str, str]]:
    """(To, Subject) of every message the server took, in order."""
    parse = BytesParser(policy=policy.default).parse
    return [(m["To"], m["Subject"]) for m in (parse(p.open("rb")) for p in mail.messages())]


def test_a_removed_recipient_gets_none_of_the_alerts_still_waiting(
    make_settings, folder, site, mail
):
    settings = make_settings(stories_dir=str(folder.parent))
    config = settings.database.parent.parent / "storywatch.toml"
    write_story_toml(folder, recipients=["one@example.org", "two@example.org"])
    assert storywatch(config, "run").exit_code == 0
    first = received_by(mail)
    assert sorted(to for to, _ in first) == ["one@example.org", "two@example.org"]

    site.publish(NEWS)  # an update, queued for both...
    for stage in ("poll", "fetch", "match"):
        assert storywatch(config, "run", "--stage", stage, "--force").exit_code == 0
    write_story_toml(folder, recipients=["one@example.org"])  # ...and two is removed
    sent = storywatch(config, "run", "--stage", "alert")
    assert sent.exit_code == 0, sent.output

    assert [to for to, _ in received_by(mail)[len(first) :]] == ["one@example.org"]
    with open_store(settings.database, read_only=True) as store:
        rows = store.rows_sql("SELECT recipient, status, suppressed_reason FROM alerts ORDER BY id")
    # what two was sent before the edit stays as history
    assert {(r["recipient"], r["status"]) for r in rows[:2]} == {
        ("one@example.org", "sent"),
        ("two@example.org", "sent"),
    }
    assert {(r["recipient"], r["status"], r["suppressed_reason"]) for r in rows[2:]} == {
        ("one@example.org", "sent", None),
        ("two@example.org", "suppressed", "recipient removed"),
    }
    listed = (
        CliRunner()
        .invoke(main, ["alerts", "list", "--status", "suppressed", "--config", str(config)])
        .stdout
    )
    assert "two@example.org" in listed and "held back: recipient removed" in listed


class DeferringHandler(RefusingHandler):
    """Answers 451 (try again later) for the addresses in `defer`, takes the others."""

    def __init__(self, folder: Path, defer: set[str]):
        super().__init__(folder)
        self.defer = defer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        if address in self.defer:
            return "451 4.3.0 Mailbox busy, try again later"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


def test_a_removed_recipient_is_not_retried(make_settings, folder, site, tmp_path):
    write_story_toml(folder, recipients=["one@example.org", "two@example.org"])
    handler = DeferringHandler(tmp_path / "deferring", defer={"two@example.org"})
    with smtp_server(handler) as port:
        settings = make_settings(
            stories_dir=str(folder.parent), smtp={"host": "127.0.0.1", "port": port, "timeout": 5}
        )
        config = settings.database.parent.parent / "storywatch.toml"
        assert storywatch(config, "run").exit_code == 1  # two's alert failed, to be retried
        with open_store(settings.database, read_only=True) as store:
            (waiting,) = store.rows_sql(
                "SELECT id FROM alerts WHERE status = 'failed' AND NOT gave_up"
                " AND recipient = 'two@example.org'"
            )
        write_story_toml(folder, recipients=["one@example.org"])
        later = datetime.now(UTC) + timedelta(days=1)  # the retry is long due
        handler.defer.clear()
        summary = stages.send_alerts(settings, now=later)
    assert (summary.sent, summary.failed) == (0, 0)
    assert [m["To"] for m in handler.received()] == ["one@example.org"]
    with open_store(settings.database, read_only=True) as store:
        row = store.one("alert_by_id", {"id": waiting["id"]})
    assert (row["status"], row["suppressed_reason"]) == ("suppressed", "recipient removed")


def edits(folder: Path):
    """Every key of story.toml and every change of its documents, one after another."""
    files = [d.file for d in SEED.documents]
    yield {"description": "A first new description."}
    yield {"name": "A renamed story"}
    yield {"recipients": ["one@example.org", "two@example.org"]}
    yield {"recipients": ["two@example.org"]}
    yield {"recipients": []}  # the config's, which change next
    yield {"alert_policy": "none"}
    yield {"language": "de"}
    yield {"matching": {"match": 0.4, "new_rare_words": 2}}
    yield {"matching": {"duplicate": 0.9}}
    yield {"alerts": {"delivery": "daily", "cooldown": "2h"}}
    yield {"documents": [{"file": f} for f in files[:2]]}  # three removed
    yield {"documents": [{"file": f} for f in files]}  # and back
    (folder / files[0]).write_text("A seed rewritten in the desk's own words, with a date.\n")
    yield {}
    (folder / "extra.md").write_text("One more seed the desk wrote about the station.\n")
    yield {"documents": [{"file": f} for f in [*files, "extra.md"]]}
    yield {
        "documents": [{"file": f, "url": f"https://example.org/{f}", "kind": "copy"} for f in files]
    }
    yield {"description": "A first new description."}  # an earlier definition, again


def test_every_field_and_document_of_a_story_can_change_repeatedly(make_settings, folder):
    settings = make_settings(stories_dir=str(folder.parent))
    config = settings.database.parent.parent / "storywatch.toml"
    assert storywatch(config, "run").exit_code == 0
    stories, matches, alerts = history(settings.database)
    assert matches and alerts

    values: dict = {}
    config_recipients = ["desk@example.org"]
    for step, change in enumerate(edits(folder)):
        values |= change
        write_story_toml(folder, **values)
        if change == {"recipients": []}:  # the story now takes the config's, which change too
            config_recipients = ["desk2@example.org"]
            make_settings(stories_dir=str(folder.parent), recipients=config_recipients)
        for command in (["init"], ["run", "--stage", "match"]):
            result = storywatch(config, *command)
            assert result.exit_code == 0, (step, change, result.output)
        story = load_story(folder, config_recipients)
        row = current(settings.database)
        assert (row["id"], row["slug"]) == stories[0][:2]
        assert row["definition_hash"] == story.definition_hash, (step, change)
        assert (row["name"], row["description"], row["recipients"], row["language"]) == (
            story.name, story.description, story.recipients, story.language,
        )  # fmt: skip
        assert row["seeds"] == [d.text for d in story.documents]
        assert row["memory"] == sorted(d.text for d in story.documents)
        assert history(settings.database)[1:] == (matches, alerts)


def database_before_story_definitions(path: Path) -> None:
    """A database as storywatch left it before migration 0008: a story with a match and an
    alert, its definition in the `stories` row."""
    con = duckdb.connect(str(path))
    try:
        con.execute(
            "CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL,"
            " checksum VARCHAR NOT NULL, applied_at TIMESTAMPTZ DEFAULT current_timestamp)"
        )
        for migration in [m for m in sql_files("migrations") if m.name < "0008"]:
            text = migration.read_text()
            con.execute(text)
            digest = hashlib.sha256(text.encode()).hexdigest()[:16]
            con.execute(
                "INSERT INTO schema_migrations (name, kind, checksum) VALUES (?, 'migration', ?)",
                [migration.name, digest],
            )
        con.execute(
            "INSERT INTO stories (slug, name, description, recipients, alert_policy,"
            " definition_hash) VALUES (?, 'An older name', '', ['desk@example.org'], 'updates',"
            " 'an older hash') RETURNING id",
            [SLUG],
        )
        con.execute("INSERT INTO articles (source, status, text) VALUES ('a.txt', 'seed', 'x')")
        con.execute(
            "INSERT INTO matches (article_id, story_id, verdict, score, new_facts, reasons,"
            " matcher_version) VALUES (1, 1, 'update', 0.5, '[]', '{}', 'old')"
        )
        con.execute(
            "INSERT INTO alerts (idempotency_key, story_id, match_id, recipient, message_id)"
            " VALUES ('k', 1, 1, 'a@example.org', '<k@storywatch>')"
        )
    finally:
        con.close()


def test_a_database_from_before_story_definitions_takes_edits(tmp_path, folder):
    config = write_toml(
        tmp_path / "storywatch.toml", stories_dir=str(folder.parent), recipients=["a@example.org"]
    )
    (tmp_path / "var").mkdir()
    database_before_story_definitions(tmp_path / "var" / "storywatch.duckdb")
    before = history(tmp_path / "var" / "storywatch.duckdb")
    columns = columns_of(tmp_path / "var" / "storywatch.duckdb")

    for name in ("The story as first edited", "The story as edited again"):
        write_story_toml(folder, name=name)
        init = storywatch(config, "init")
        assert init.exit_code == 0, init.output
        row = current(tmp_path / "var" / "storywatch.duckdb")
        assert (row["id"], row["name"], row["recipients"]) == (1, name, ["a@example.org"])
        assert history(tmp_path / "var" / "storywatch.duckdb", columns) == before
