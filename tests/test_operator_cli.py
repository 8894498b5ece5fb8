"""The operator's commands, on a real DuckDB file made by running the pipeline on the demo site:
`--json` on what lists or sums up, `query --format`, `status`, the next poll, counts in words,
progress bars only on a terminal, and the views of who reported an update and what it changed.

The database is built once for the module (two passes, as `storywatch demo` makes them): the
feeds as they stood on 26 July 2022, then the follow-up (Russia now plans to stay until 2028)
and, an hour later, a wire copy of it on another page; one feed of the config does not exist.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.demo import ARTICLES_DIR, FOLLOW_UP, SEED_DAY, demo_pages
from pipeline.demo.mailsink import MailSink
from pipeline.demo.pages import page_from_text
from pipeline.demo.site import DemoSite
from pipeline.paths import PROJECT_ROOT, SEEDS_DIR
from pipeline.plural import plural
from pipeline.snapshot import publish
from pipeline.store import open_store
from tests.conftest import LOOPBACK_HTTP, write_config

pytestmark = pytest.mark.xdist_group("operator_cli")

WIRE_COPY = "iss-exit-2028-wire"


class Built:
    """The module's database, and what each pass printed."""

    def __init__(self, config: Path, site: DemoSite, sink: MailSink):
        self.config, self.site, self.sink = config, site, sink
        self.first: dict = {}
        self.second = ""

    def cli(self, *args: str):
        return CliRunner().invoke(main, [*args, "--config", str(self.config)])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("operator")
    text = (ARTICLES_DIR / f"{FOLLOW_UP}.txt").read_text("utf-8")
    wire = page_from_text(
        WIRE_COPY, text.replace("2022-07-27T18:40:00Z", "2022-07-27T19:40:00Z"), SEED_DAY
    )
    pages = [*demo_pages(), wire]
    later = {FOLLOW_UP, WIRE_COPY}
    published = {p.slug for p in pages} - later
    with DemoSite(pages, published=published) as site, MailSink(folder / "mail") as sink:
        feeds = [site.feed_url(s) for s in site.sections] + [f"{site.url}/gone/rss.xml"]
        config = write_config(
            folder,
            database="var/sw.duckdb",
            stories_dir=str(SEEDS_DIR),
            recipients=["desk@example.org"],
            feeds=feeds,
            smtp={"host": "127.0.0.1", "port": sink.port, "timeout": 5},
            http=LOOPBACK_HTTP,
        )
        done = Built(config, site, sink)
        first = done.cli("run", "--json")
        assert first.exit_code == 1, first.output  # the feed that does not exist failed
        done.first = json.loads(first.stdout)
        for slug in sorted(later):
            site.publish(slug)
        second = done.cli("run", "--force")
        assert second.exit_code == 1, second.output
        done.second = second.stdout
        yield done


def test_run_json_sums_up_every_stage_and_says_when_the_next_feed_is_due(built):
    stages = {s["stage"]: s for s in built.first["stages"]}
    assert list(stages) == ["poll", "fetch", "match", "alert"]
    assert stages["poll"]["feeds"] == 3 and stages["poll"]["failed"] == 1
    assert stages["poll"]["new_entries"] == 9
    assert stages["match"]["verdicts"]["duplicate"] == 5
    due = built.first["next_poll"]
    assert due["feeds"] == 3 and due["due_now"] == 0
    # the default interval is 10 minutes; the failed feed waits less... or more: backoff
    assert datetime.fromisoformat(due["next_at"]) > datetime.now(UTC)


def test_run_counts_in_words_and_tells_how_to_poll_now(built):
    lines = built.second.splitlines()
    assert [ln.split()[0] for ln in lines] == ["poll", "next", "fetch", "match", "alert"]
    assert "3 feeds: 2 ok, 0 unchanged, 1 failed; 2 new entries" in lines[0]
    assert (
        "next feed due at " in lines[1]
        and "`storywatch run --force` polls every feed now" in (lines[1])
    )
    assert "in 10 minutes" in lines[1] or "in 9 minutes" in lines[1]
    assert "; 1 alert queued" in lines[3], lines[3]
    assert lines[4] == "alert   1 sent, 0 failed; timeline and feed of 1 story written"


def test_counts_are_said_in_words():
    assert [plural(n, "new entry") for n in (0, 1, 2)] == [
        "0 new entries",
        "1 new entry",
        "2 new entries",
    ]
    assert plural(1_500, "broken story") == "1,500 broken stories"


def test_run_without_a_terminal_draws_no_progress_bar(built):
    result = CliRunner().invoke(main, ["run", "--config", str(built.config)])
    assert "━" not in result.output and "matching articles" not in result.output


def test_feed_story_and_alert_lists_as_json(built):
    feeds = json.loads(built.cli("feed", "list", "--json").stdout)
    by_url = {f["url"]: f for f in feeds}
    gone = by_url[f"{built.site.url}/gone/rss.xml"]
    assert gone["consecutive_failures"] == 2 and "404" in gone["last_error"]
    assert sum(f["entries"] for f in feeds) == 11

    (story,) = json.loads(built.cli("story", "list", "--json").stdout)
    assert story["slug"] == "iss-withdrawal" and story["documents"] == 5
    assert story["recipients"] == ["desk@example.org"] and story["error"] is None

    (alert,) = json.loads(built.cli("alerts", "list", "--json").stdout)
    assert alert["status"] == "sent" and alert["recipient"] == "desk@example.org"
    assert alert["title"] == "NASA says Russia now plans to stay on the ISS until 2028"
    assert alert["state"] == "sent" and alert["explanation"].startswith("sent ")


def test_query_prints_csv_and_json(built):
    sql = "select verdict, count(*) as n from matches group by 1 order by 1"
    shown = built.cli("query", "--format", "csv", sql)
    assert shown.exit_code == 0, shown.output
    rows = list(csv.reader(io.StringIO(shown.stdout)))
    assert rows[0] == ["verdict", "n"] and ["update", "1"] in rows

    facts = built.cli("query", "--format", "json", "select new_facts from latest_updates")
    (update,) = json.loads(facts.stdout)
    assert isinstance(update["new_facts"], list) and update["new_facts"]  # JSON, not its text

    refused = built.cli("query", "--format", "json", "delete from matches")
    assert refused.exit_code == 2 and "only SELECT statements" in refused.output


def test_status_tells_what_waits_the_next_poll_and_the_last_errors(built):
    shown = built.cli("status")
    assert shown.exit_code == 0, shown.output
    text = shown.stdout
    assert "  fetch   0 entries to fetch" in text
    assert "  match   0 articles to match" in text
    assert "  alert   0 alerts to send now" in text
    assert "  poll    next feed due at " in text and "--force" in text
    gone = f"{built.site.url}/gone/rss.xml"
    (error,) = [ln for ln in text.splitlines() if ln.startswith("  feed ")]
    assert gone in error and "404" in error

    status = json.loads(built.cli("status", "--json").stdout)
    assert status["waiting"]["entries_to_fetch"] == 0
    assert status["next_poll"]["feeds"] == 3
    assert [(e["kind"], e["subject"]) for e in status["errors"]] == [("feed", gone)]


def test_status_counts_the_articles_that_wait_for_the_match(built):
    # the three unrelated articles (a bridge, a harvest, a chess tournament), judged again
    with open_store(built.config.parent / "var" / "sw.duckdb") as store:
        store.con.execute("DELETE FROM matches WHERE verdict = 'unrelated'")
    publish(load_settings(built.config))  # to the readers, as a write by storywatch is
    waiting = json.loads(built.cli("status", "--json").stdout)["waiting"]
    assert waiting["articles_to_match"] == 3 and waiting["stories_to_match"] == 1
    text = built.cli("status").stdout
    assert "  match   3 articles to match against 1 story" in text
    assert built.cli("run", "--stage", "match").exit_code == 0
    assert json.loads(built.cli("status", "--json").stdout)["waiting"]["articles_to_match"] == 0


def test_who_reported_the_update_first_and_who_followed(built):
    rows = json.loads(
        built.cli(
            "query",
            "--format",
            "json",
            "select reporter_rank, role, verdict, url, reported_at, after_first, alert_ids "
            "from update_reporters order by reporter_rank",
        ).stdout
    )
    first, followed = rows
    assert (first["role"], first["verdict"]) == ("first", "update")
    assert first["url"].endswith(f"/{FOLLOW_UP}.html") and len(first["alert_ids"]) == 1
    assert (followed["role"], followed["verdict"]) == ("followed", "duplicate")
    assert followed["url"].endswith(f"/{WIRE_COPY}.html")
    assert followed["after_first"] == timedelta(hours=1).total_seconds()


def test_what_the_update_added_and_changed(built):
    rows = json.loads(
        built.cli(
            "query",
            "--format",
            "json",
            "select kind, sentence, was, now from update_changes where kind = 'changed'",
        ).stdout
    )
    assert any("2024" in r["was"] and "2028" in r["now"] and "2028" in r["sentence"] for r in rows)
    added = built.cli(
        "query", "--format", "json", "select count(*) as n from update_changes where kind = 'new'"
    )
    assert json.loads(added.stdout)[0]["n"] >= 1


def test_an_articles_seen_at_is_when_storywatch_saw_it(built):
    (row,) = json.loads(
        built.cli(
            "query",
            "--format",
            "json",
            "select s.reported_at, s.seen_at, e.first_seen_at from article_sources s "
            "join articles a on a.id = s.article_id join entries e on e.id = a.entry_id "
            f"where a.url like '%/{FOLLOW_UP}.html'",
        ).stdout
    )
    assert datetime.fromisoformat(row["reported_at"]) == datetime(2022, 7, 27, 18, 40, tzinfo=UTC)
    assert row["seen_at"] == row["first_seen_at"]
    assert datetime.now(UTC) - datetime.fromisoformat(row["seen_at"]) < timedelta(hours=1)


def test_reextract_on_a_terminal_draws_a_progress_bar(built):
    """stderr on a pseudo-terminal: the bar is drawn there, and stdout keeps the summary."""
    parent, child = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"}
    command = [sys.executable, "-c", "from pipeline.cli import main; main()"]
    process = subprocess.Popen(
        [*command, "reextract", "--config", str(built.config)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=child,
        cwd=PROJECT_ROOT,
        env=env,
    )
    os.close(child)
    drawn = b""
    while True:
        try:
            chunk = os.read(parent, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        drawn += chunk
    os.close(parent)
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0, drawn.decode(errors="replace")
    assert b"re-extracting" in drawn and "━".encode() in drawn
    changed, unchanged = re.match(
        r"reextract (\d+) changed, (\d+) unchanged, 0 failed", out.decode()
    ).groups()
    assert int(changed) + int(unchanged) == 11
