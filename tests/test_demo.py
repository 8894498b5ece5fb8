"""The demo's outcome, as a user reads it: verdicts in DuckDB and an email naming the new fact."""

from email import policy
from email.parser import BytesParser

import feedparser
import pytest

from pipeline import stages
from pipeline.config import load_settings
from pipeline.demo import DemoError, run_demo
from pipeline.paths import SEEDS_DIR
from pipeline.store import open_store
from tests.conftest import write_config


@pytest.fixture
def demo_run(tmp_path):
    settings = load_settings(write_config(tmp_path, recipients=["desk@example.org"]))
    lines: list[str] = []
    mails = run_demo(settings, say=lines.append)
    return settings, mails, "\n".join(lines)


def verdicts(settings) -> dict[str, str]:
    with open_store(settings.database, read_only=True) as store:
        return {r["title"]: r["verdict"] for r in store.rows("verdicts")}


def test_follow_up_is_an_update_and_its_email_names_the_new_and_the_changed_fact(demo_run):
    settings, mails, _ = demo_run
    found = verdicts(settings)
    assert found["NASA says Russia now plans to stay on the ISS until 2028"] == "update"
    assert len(mails) == 1
    message = BytesParser(policy=policy.default).parse(mails[0].open("rb"))
    assert message["To"] == "desk@example.org"
    assert "until 2028" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    new_facts = text.split("What is new:")[1]
    assert "remaining on board until 2028" in new_facts
    changed = text.split("What changed:")[1]
    assert "after 2024 -> in 2028" in changed
    assert "leave the International Space Station in 2028 at the earliest" in changed
    had = changed.split('the story had: "')[1].split("\n")[0]
    assert "after 2024" in had
    html = message.get_body(("html",)).get_content()
    assert "until 2028" in html


def test_unrelated_articles_are_unrelated_and_seed_reprints_are_duplicates(demo_run):
    settings, _, output = demo_run
    found = verdicts(settings)
    for title in (
        "Chess Olympiad opens in Chennai with record field",
        "Council approves repairs to century-old Harbour Street bridge",
        "Hot, dry summer to cut wheat harvest, farm agency says",
    ):
        assert found[title] == "unrelated", title
    soyuz = "Coolant leak on docked Soyuz capsule forces Russian spacewalk to be called off"
    assert found[soyuz] == "related"
    assert list(found.values()).count("duplicate") == 5
    assert "emails received:" in output


def test_the_demo_ends_with_the_email_the_timeline_and_the_feed(demo_run):
    settings, mails, output = demo_run
    end = output.split("emails received:\n")[1].splitlines()
    folder = settings.site.dir / "iss-withdrawal"
    assert end[:4] == [
        f"  {mails[0]}",
        "the story's timeline, to open in a browser, and its feed, for a feed reader:",
        f"  {folder / 'index.html'}",
        f"  {folder / 'updates.xml'}",
    ]
    assert "stay on the ISS until 2028" in (folder / "index.html").read_text(encoding="utf-8")
    feed = feedparser.parse((folder / "updates.xml").read_bytes())
    assert not feed.bozo and [e.title for e in feed.entries] == [
        "NASA says Russia now plans to stay on the ISS until 2028"
    ]


def test_demo_refuses_a_database_with_the_users_own_feeds(tmp_path):
    settings = load_settings(
        write_config(tmp_path, feeds=["https://news.example.org/rss"], stories_dir=str(SEEDS_DIR))
    )
    with open_store(settings.database) as store:
        stages.sync_feeds(store, settings)
    with pytest.raises(DemoError, match="feeds of your own"):
        run_demo(settings, say=lambda _: None)
    assert settings.database.exists()
