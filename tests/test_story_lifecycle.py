"""A story's life as its reader lives it: added from pages, shown, edited in an editor, given
more seeds, muted for a while, unmuted, and retired with its history kept. Against the demo
site, a real SMTP sink and a DuckDB file."""

from __future__ import annotations

import shutil
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import stages
from pipeline.cli import main
from pipeline.demo import FOLLOW_UP, SEED_DAY, demo_pages
from pipeline.demo.pages import page_from_text
from pipeline.demo.site import DemoSite
from pipeline.paths import SEEDS_DIR
from pipeline.store import open_store
from pipeline.stories import load_story
from tests.conftest import LOOPBACK_HTTP, write_config
from tests.test_story_edits import NEWS as MODULE
from tests.test_story_edits import NEWS_PAGE as MODULE_PAGE

SLUG = "iss-withdrawal"

# Two more reports of the story, in our own words, each with news of its own.
CREW = "ross-crew-plans"
CREW_PAGE = """Title: Roscosmos picks Plesetsk as the launch site for crews to ROSS
Published: 2022-08-02T08:00:00Z
Section: space

Roscosmos said on Tuesday that crews bound for ROSS, the station Russia will build after it \
leaves the International Space Station, would fly from the Plesetsk cosmodrome from 2028.

Yury Borisov said the choice of Plesetsk followed from the station's polar orbit, which \
Baikonur cannot reach, and that four cosmonauts would form the first crew.
"""


@pytest.fixture
def site():
    """The demo site with the seeds published; the follow-up and two more reports later."""
    pages = [
        *demo_pages(),
        page_from_text(MODULE, MODULE_PAGE, SEED_DAY),
        page_from_text(CREW, CREW_PAGE, SEED_DAY),
    ]
    with DemoSite(pages, published={p.slug for p in pages} - {FOLLOW_UP, MODULE, CREW}) as s:
        yield s


@pytest.fixture
def config(make_settings, tmp_path) -> Path:
    """A config following a copy of the seed story, by names and words (no model: the
    lifecycle does not depend on it)."""
    shutil.copytree(SEEDS_DIR / SLUG, tmp_path / "stories" / SLUG)
    make_settings(stories_dir="stories", embedding={"model": ""})
    return tmp_path / "storywatch.toml"


def storywatch(config: Path, *args: str, env: dict | None = None):
    result = CliRunner().invoke(main, [*args, "--config", str(config)], env=env)
    assert "Traceback" not in result.output
    return result


def ran(config: Path, *args: str) -> str:
    result = storywatch(config, *args)
    assert result.exit_code == 0, result.output
    return result.output


def database(config: Path) -> Path:
    return config.parent / "var" / "storywatch.duckdb"


def rows(config: Path, query: str, **params) -> list[dict]:
    with open_store(database(config), read_only=True) as store:
        return store.rows_sql(query, params)


def subjects(mail) -> list[str]:
    parse = BytesParser(policy=policy.default).parse
    return [parse(p.open("rb"))["Subject"] for p in mail.messages()]


def test_story_show_tells_what_the_story_is_and_what_became_of_it(config, site, mail):
    before = ran(config, "story", "show", SLUG)
    assert "not run yet" in before
    site.publish(FOLLOW_UP)
    ran(config, "run")

    shown = ran(config, "story", "show", "Russia leaves the ISS")  # by its name, too
    lines = shown.splitlines()
    assert lines[0] == f"{SLUG}: Russia leaves the ISS"
    assert "leave the International Space Station after 2024" in lines[1]  # the description
    assert "recipients:  desk@example.org" in lines
    assert "alerts:      an email per update" in lines
    assert "rules:       none" in lines
    story = load_story(config.parent / "stories" / SLUG, [])
    assert f"documents:   {len(story.documents)}" in lines
    assert f"  {story.documents[0].file} (original report)" in lines
    # what the matcher takes as the core: the names as the seeds write them, its words, and
    # the sentences that the seeds share
    names = next(line for line in lines if line.startswith("  names:"))
    assert all(name in names for name in ("Roscosmos", "Borisov", "ISS"))
    assert "roscosmo" not in names  # not as the matcher folds them
    assert "sanctions" in next(line for line in lines if line.startswith("  words:"))
    assert any(
        line.startswith("  - ") and "Borisov" in line and "after 2024" in line for line in lines
    )
    # the counts are those of the database
    counted = rows(
        config, "SELECT verdict, count(*) AS n FROM matches GROUP BY 1 ORDER BY n DESC, verdict"
    )
    verdicts = ", ".join(f"{r['n']} {r['verdict']}" for r in counted)
    assert f"verdicts:    {verdicts}" in lines and "1 update" in verdicts
    assert "outbox:      1 sent" in lines
    assert "knows" in shown and "1 accepted update" in shown  # the follow-up joined it


EDITOR = """\
import os, sys, time
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
text = text.replace(os.environ["EDIT_FROM"], os.environ["EDIT_TO"])
open(path, "w", encoding="utf-8").write(text)
later = time.time() + 2  # saved: a later modification time than the editor was given
os.utime(path, (later, later))
"""


def test_story_edit_saves_what_loads_and_keeps_the_file_when_it_would_not(config, tmp_path):
    script = tmp_path / "editor.py"
    script.write_text(EDITOR)
    story_toml = config.parent / "stories" / SLUG / "story.toml"
    original = story_toml.read_text()

    def edit(old: str, new: str):
        env = {"EDITOR": f"{sys.executable} {script}", "VISUAL": "", "EDIT_FROM": old}
        return storywatch(config, "story", "edit", SLUG, env=env | {"EDIT_TO": new})

    bad = edit("recipients = []", 'recipients = ["not an address"]')
    assert bad.exit_code == 2
    assert len(bad.output.strip().splitlines()) == 1
    assert "recipients.0" in bad.output and "not an email address" in bad.output
    assert story_toml.read_text() == original  # kept as it was
    assert "not an address" in (story_toml.parent / "story.toml.rejected").read_text()

    broken_toml = edit('alert_policy = "updates"', 'alert_policy = "updates')
    assert broken_toml.exit_code == 2 and "not valid TOML" in broken_toml.output
    assert story_toml.read_text() == original

    good = edit("recipients = []", 'recipients = ["night@example.org"]')
    assert good.exit_code == 0, good.output
    saved = story_toml.read_text()
    assert saved == original.replace("recipients = []", 'recipients = ["night@example.org"]')
    assert not (story_toml.parent / "story.toml.rejected").exists()
    assert load_story(story_toml.parent, []).recipients == ["night@example.org"]

    unchanged = edit("no such text", "anything")
    assert unchanged.exit_code == 0 and "unchanged" in unchanged.output


def test_story_add_keeps_the_headline_names_files_by_title_and_writes_every_key(tmp_path, site):
    config = write_config(tmp_path, stories_dir="stories", http=LOOPBACK_HTTP)
    note = tmp_path / "note.txt"
    note.write_text("Soyuz MS-22 loses its coolant\nThe capsule lost its coolant in December.\n")
    url = f"{site.url}/articles/soyuz-coolant-leak.html"
    ran(config, "story", "add", "Soyuz coolant leak", url, str(note))

    folder = tmp_path / "stories" / "soyuz-coolant-leak"
    spec = tomllib.loads((folder / "story.toml").read_text())
    assert set(spec) == {
        "name", "description", "recipients", "alert_policy", "language", "alerts", "rules",
        "matching", "documents",
    }  # fmt: skip
    assert spec["alerts"] == {"delivery": "immediate", "cooldown": "0s"}
    assert spec["rules"] == {"must_mention": [], "must_not_mention": [], "languages": []}
    fetched, copied = spec["documents"]
    assert fetched == {
        "file": "coolant-leak-on-docked-soyuz-capsule-forces-russian.txt",
        "url": url,
    }
    text = (folder / fetched["file"]).read_text()
    assert text.startswith(
        "Coolant leak on docked Soyuz capsule forces Russian spacewalk to be called off\n"
    )
    assert copied == {"file": "soyuz-ms-22-loses-its-coolant.txt"}
    assert "# " in (folder / "story.toml").read_text()  # each key says what it does
    assert load_story(folder, []).documents[0].source == url


def test_story_seed_add_fetches_a_page_as_the_fetch_stage_does_and_keeps_comments(config, site):
    folder = config.parent / "stories" / SLUG
    before = (folder / "story.toml").read_text()
    url = f"{site.url}/articles/{MODULE}.html"
    missing = storywatch(config, "story", "seed", "add", SLUG, url)
    assert missing.exit_code == 2 and "HTTP 404" in missing.output  # not published yet
    assert (folder / "story.toml").read_text() == before

    site.publish(MODULE)
    ran(config, "story", "seed", "add", SLUG, url)
    after = (folder / "story.toml").read_text()
    assert after.startswith(before.rstrip("\n"))  # the reader's comments and entries, as written
    story = load_story(folder, [])
    added = story.documents[-1]
    assert added.file == "roscosmos-sets-2027-for-the-first-module-of-its-own-station.txt"
    assert added.source == url
    assert added.text.startswith("Roscosmos sets 2027 for the first module of its own station\n")

    outside = storywatch(config, "story", "seed", "add", SLUG, "http://169.254.169.254/latest")
    assert outside.exit_code == 2 and "169.254.169.254" in outside.output  # the SSRF guard
    assert (folder / "story.toml").read_text() == after


def test_a_muted_story_emails_nobody_and_alerts_again_once_unmuted(config, site, mail):
    ran(config, "run")
    sent_before = len(mail.messages())

    muted = ran(config, "story", "mute", SLUG)
    assert "muted until unmuted" in muted
    site.publish(FOLLOW_UP)
    ran(config, "run", "--force")
    assert len(mail.messages()) == sent_before  # the update is recorded, nobody is emailed
    (held,) = rows(
        config,
        "SELECT al.id, al.status, al.suppressed_reason FROM alerts al"
        " JOIN matches m ON m.id = al.match_id WHERE m.verdict = 'update'",
    )
    assert (held["status"], held["suppressed_reason"]) == (
        "suppressed",
        "muted: the story is muted until unmuted",
    )
    (shown,) = rows(config, "SELECT muted_at, muted_until FROM current_stories")
    assert shown["muted_at"] is not None and shown["muted_until"] is None
    refused = storywatch(config, "alerts", "resend", str(held["id"]))
    assert refused.exit_code == 2 and "story unmute" in refused.output
    assert len(mail.messages()) == sent_before

    assert "unmuted" in ran(config, "story", "unmute", SLUG)
    site.publish(MODULE)
    ran(config, "run", "--force")
    assert subjects(mail)[sent_before:] == [
        "[Russia leaves the ISS] Roscosmos sets 2027 for the first module of its own station"
    ]
    (state,) = rows(config, "SELECT muted_at FROM current_stories")
    assert state["muted_at"] is None


def test_an_alert_waiting_when_the_story_is_muted_is_held_back(config, site, mail):
    for stage in ("poll", "fetch", "match"):
        ran(config, "run", "--stage", stage, "--force")
    site.publish(FOLLOW_UP)
    for stage in ("poll", "fetch", "match"):
        ran(config, "run", "--stage", stage, "--force")
    (waiting,) = rows(config, "SELECT id, status FROM alerts")
    assert waiting["status"] == "pending"

    ran(config, "story", "mute", SLUG, "--for", "2d")
    ran(config, "run", "--stage", "alert")
    assert mail.messages() == []
    (held,) = rows(config, "SELECT status, suppressed_reason FROM alerts")
    assert held["status"] == "suppressed" and held["suppressed_reason"].startswith(
        "muted: the story is muted until "
    )
    listed = ran(config, "story", "list")
    assert f"{SLUG}: Russia leaves the ISS" in listed and "muted until 20" in listed


def test_a_mute_for_a_while_runs_out(config, site, mail):
    ran(config, "story", "mute", SLUG, "--for", "3h")
    site.publish(FOLLOW_UP)
    for stage in ("poll", "fetch"):
        ran(config, "run", "--stage", stage, "--force")
    settings = stages_settings(config)
    # the match stage, as if it ran four hours from now: the mute has run out
    stages.match(settings, now=datetime.now(UTC) + timedelta(hours=4))
    (alert,) = rows(config, "SELECT status, suppressed_reason FROM alerts")
    assert (alert["status"], alert["suppressed_reason"]) == ("pending", None)

    bad = storywatch(config, "story", "mute", SLUG, "--for", "soon")
    assert bad.exit_code == 2 and "--for" in bad.output and "not a duration" in bad.output


def stages_settings(config: Path):
    from pipeline.config import load_settings

    return load_settings(config)


def test_a_retired_story_is_matched_and_alerted_no_more_and_its_history_stays(config, site, mail):
    site.publish(FOLLOW_UP)
    ran(config, "run")
    site.publish(MODULE)
    for stage in ("poll", "fetch", "match"):
        ran(config, "run", "--stage", stage, "--force")
    history = rows(config, "SELECT * FROM matches ORDER BY id")
    sent = mail.messages()
    assert len(sent) == 1 and rows(config, "SELECT id FROM alerts WHERE status = 'pending'")

    removed = ran(config, "story", "remove", "Russia leaves the ISS")
    assert "retired" in removed and "1 alert still to send held back" in removed
    stories = config.parent / "stories"
    assert not (stories / SLUG).exists()
    kept = stories / ".retired" / SLUG
    assert (kept / "story.toml").is_file()  # kept aside, not deleted

    site.publish(CREW)
    ran(config, "run", "--force")
    assert mail.messages() == sent  # the update that waited is not sent, nothing new is matched
    assert rows(config, "SELECT * FROM matches ORDER BY id") == history
    (state,) = rows(config, "SELECT slug, retired_at, retired_folder FROM current_stories")
    assert state["retired_at"] is not None and state["retired_folder"] == f".retired/{SLUG}"
    (held,) = rows(config, "SELECT id, suppressed_reason FROM alerts WHERE status = 'suppressed'")
    assert held["suppressed_reason"] == "story retired"
    refused = storywatch(config, "alerts", "resend", str(held["id"]))
    assert refused.exit_code == 2 and "story retired" in refused.output

    shown = ran(config, "story", "show", SLUG)
    assert "state:       retired on" in shown and str(kept) in shown
    assert "2 update" in shown and "Roscosmos" in shown  # its history and core, from the database
    assert f"{SLUG}: Russia leaves the ISS (retired on" in ran(config, "story", "list")
    again = storywatch(config, "story", "mute", SLUG)
    assert again.exit_code == 2 and "was retired" in again.output

    # its name stays taken by its history: a new story gets another
    seed = kept / load_story(kept, []).documents[0].file
    taken = storywatch(config, "story", "add", "ISS withdrawal", str(seed))
    assert taken.exit_code == 2 and "was retired" in taken.output
    # and a folder of the same name put back does not bring it back
    shutil.copytree(kept, stories / SLUG)
    ran(config, "run", "--force")
    assert rows(config, "SELECT * FROM matches ORDER BY id") == history


def test_the_lifecycle_tables_and_columns_say_what_they_hold(config):
    ran(config, "init")
    described = rows(
        config,
        "SELECT table_name, column_name, comment FROM duckdb_columns()"
        " WHERE table_name IN ('story_retirements', 'story_mutes')"
        " OR (table_name = 'story_definitions'"
        " AND column_name IN ('must_mention', 'must_not_mention', 'languages'))",
    )
    assert len(described) == 3 + 3 + 5
    assert all(r["comment"] for r in described), [r for r in described if not r["comment"]]
    tables = rows(
        config,
        "SELECT table_name, comment FROM duckdb_tables()"
        " WHERE table_name IN ('story_retirements', 'story_mutes')",
    )
    assert len(tables) == 2 and all(t["comment"] for t in tables)
