"""Updates posted to notification channels through apprise, received by a real HTTP server.

Apprise's `json://` posts each message as JSON to a webhook; the hook server here, on
127.0.0.1, keeps what arrived per path and answers 500 on the paths it is told are down. The
demo site holds the follow-up back (Russia to stay until 2028) until a test publishes it: the
seeds' pass posts nothing, the follow-up is the one update. Mail goes to the demo's MailSink.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from pipeline import stages
from pipeline.channels import mask, problem, send
from pipeline.cli import main
from pipeline.demo import demo_pages
from pipeline.demo.site import DemoSite
from pipeline.paths import SEEDS_DIR
from pipeline.store import open_store
from tests.conftest import write_config
from tests.story_news import run

FOLLOW_UP = "iss-exit-2028"
HEADLINE = "NASA says Russia now plans to stay on the ISS until 2028"
T0 = datetime(2026, 3, 2, 10, 20, tzinfo=UTC)
# the secret part of each hook's URL: it must show nowhere but in the config
DESK_TOKEN, PHONE_TOKEN = "desk-token-7f3a9c", "phone-token-55e1b0"


class HookServer:
    """Webhooks on 127.0.0.1: keeps each JSON post by its path; a path in `down` answers 500."""

    def __init__(self) -> None:
        self.posts: dict[str, list[dict]] = {}
        self.down: set[str] = set()
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the name http.server dispatches to)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hooks.posts.setdefault(self.path, []).append(json.loads(body))
                self.send_response(500 if self.path in hooks.down else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"json://127.0.0.1:{self.server.server_address[1]}{path}"

    def __enter__(self) -> HookServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


DESK, PHONE = f"/desk/{DESK_TOKEN}", f"/phone/{PHONE_TOKEN}"


@pytest.fixture
def hooks() -> Iterator[HookServer]:
    with HookServer() as server:
        yield server


@pytest.fixture
def site():
    """The demo site with the follow-up held back."""
    with DemoSite(demo_pages(), published={p.slug for p in demo_pages()} - {FOLLOW_UP}) as s:
        yield s


@pytest.fixture
def follow_up(make_settings, site, hooks):
    """Settings with two channels beside the email; the seeds' pass is done (nothing posted)
    and the follow-up is published, for the next pass to find."""

    def make(**overrides):
        settings = make_settings(channels=[hooks.url(DESK), hooks.url(PHONE)], **overrides)
        assert run(settings, T0 - timedelta(hours=1))[3].sent == 0
        assert hooks.posts == {}
        site.publish(FOLLOW_UP)
        return settings

    return make


def outbox(settings) -> dict[str, dict]:
    """The outbox's rows by recipient (a channel's: its masked URL)."""
    with open_store(settings.database, read_only=True) as store:
        rows = store.rows("alert_outbox", {"status": None, "story": None, "limit": None})
    return {r["recipient"]: r for r in rows}


def everything_stored(settings) -> str:
    """Every value of every table of the database, as text."""
    with open_store(settings.database, read_only=True) as store:
        tables = [r["table_name"] for r in store.rows_sql("SELECT table_name FROM duckdb_tables()")]
        return "\n".join(str(store.rows_sql(f'SELECT * FROM "{t}"')) for t in tables)


def test_an_update_is_posted_once_to_each_channel_and_a_second_run_posts_nothing(
    follow_up, hooks, mail
):
    settings = follow_up()
    summary = run(settings, T0)[3]
    assert (summary.sent, summary.failed, summary.channels_sent) == (3, 0, 2)
    assert str(summary) == (
        "alert   3 sent, 0 failed (channels: 2 sent, 0 failed); "
        "timeline and feed of 1 story written"
    )
    assert sorted(hooks.posts) == [DESK, PHONE]
    assert [len(p) for p in hooks.posts.values()] == [1, 1]
    (post,) = hooks.posts[DESK]
    assert post["title"] == f"[Russia leaves the ISS] {HEADLINE}"
    body = post["message"]
    assert body.startswith("New: “NASA's head of space operations, Kathy Lueders, said")
    assert "\n“According to Lueders, the Russian side indicated that this means remaining" in body
    assert "\nChanged: after 2024 -> in 2028\n" in body
    assert "First reported by The Daily Orbit, 27 Jul 2022 18:40 UTC" in body
    assert f"/articles/{FOLLOW_UP}.html" in body
    assert len(body) < 800  # a notification, not the email
    assert hooks.posts[PHONE] == hooks.posts[DESK]
    assert len(mail.messages()) == 1  # and the email, as before

    again = run(settings, T0 + timedelta(minutes=5))
    assert (again[2].alerts_queued, again[3].sent) == (0, 0)
    assert stages.send_alerts(settings, now=T0 + timedelta(hours=2)).sent == 0
    assert [len(p) for p in hooks.posts.values()] == [1, 1] and len(mail.messages()) == 1

    rows = outbox(settings)
    channels = {k: r for k, r in rows.items() if r["channel_id"] is not None}
    assert set(channels) == {mask(hooks.url(DESK)), mask(hooks.url(PHONE))}
    assert {(r["status"], r["attempts"]) for r in rows.values()} == {("sent", 1)}
    stored = everything_stored(settings)
    assert DESK_TOKEN not in stored and PHONE_TOKEN not in stored


def test_a_channel_that_fails_is_retried_with_backoff_and_blocks_no_email_nor_channel(
    follow_up, hooks, mail, make_settings
):
    hooks.down.add(PHONE)
    settings = follow_up()
    summary = run(settings, T0)[3]
    assert (summary.sent, summary.failed) == (2, 1)
    assert (summary.channels_sent, summary.channels_failed) == (1, 1)
    assert len(mail.messages()) == 1 and len(hooks.posts[DESK]) == 1
    assert len(hooks.posts[PHONE]) == 1  # tried once
    phone = mask(hooks.url(PHONE))
    row = outbox(settings)[phone]
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert "error=500" in row["last_error"] and PHONE_TOKEN not in row["last_error"]
    assert row["next_attempt_at"] == T0 + timedelta(minutes=1)

    listed = CliRunner().invoke(main, ["alerts", "list", "--config", str(config_of(settings))])
    assert listed.exit_code == 0, listed.output
    line = listed.output.split(phone)[1]
    assert "failed" in listed.output.split(phone)[0].splitlines()[-1]
    assert "1 attempt, the last: Failed to send JSON POST notification" in line
    assert PHONE_TOKEN not in listed.output and DESK_TOKEN not in listed.output

    assert stages.send_alerts(settings, now=T0 + timedelta(seconds=30)).failed == 0  # not due
    retried = stages.send_alerts(settings, now=T0 + timedelta(minutes=2))
    assert (retried.sent, retried.failed) == (0, 1)
    assert len(hooks.posts[PHONE]) == 2
    row = outbox(settings)[phone]
    assert (row["status"], row["attempts"]) == ("failed", 2)
    assert row["next_attempt_at"] == T0 + timedelta(minutes=4)  # 2 minutes: twice as long
    assert len(mail.messages()) == 1 and len(hooks.posts[DESK]) == 1

    # taken out of the config, the channel gets nothing more: its alert is held back for good
    fewer = make_settings(channels=[hooks.url(DESK)])
    assert stages.send_alerts(fewer, now=T0 + timedelta(minutes=5)).failed == 0
    row = outbox(fewer)[phone]
    assert row["status"] == "suppressed" and row["suppressed_reason"].startswith("channel removed")
    assert len(hooks.posts[PHONE]) == 2

    # put back, and the service back up: the operator resends the alert without waiting
    settings = make_settings(channels=[hooks.url(DESK), hooks.url(PHONE)])
    config = ["--config", str(config_of(settings))]
    preview = CliRunner().invoke(main, ["alerts", "preview", str(row["id"]), *config])
    assert preview.exit_code == 0, preview.output
    assert preview.output.startswith(f"To: {phone}\nTitle: [Russia leaves the ISS] {HEADLINE}\n")
    assert PHONE_TOKEN not in preview.output
    hooks.down.clear()
    resend = CliRunner().invoke(main, ["alerts", "resend", str(row["id"]), *config])
    assert resend.exit_code == 0, resend.output
    assert resend.output.strip() == f"alert {row['id']} posted to {phone}"
    assert len(hooks.posts[PHONE]) == 3 and outbox(settings)[phone]["status"] == "sent"


def test_a_story_may_name_its_own_channels(follow_up, hooks, tmp_path, mail):
    """A story's `[alerts] channels` replace the config's for its updates."""
    stories = tmp_path / "stories"
    shutil.copytree(SEEDS_DIR / "iss-withdrawal", stories / "iss-withdrawal")
    story_toml = stories / "iss-withdrawal" / "story.toml"
    own = f'[alerts]\nchannels = ["{hooks.url("/story/own-topic-31c4")}"]\n'
    story_toml.write_text(story_toml.read_text().replace("[alerts]\n", own))
    settings = follow_up(stories_dir=str(stories))
    assert run(settings, T0)[3].channels_sent == 1
    assert sorted(hooks.posts) == ["/story/own-topic-31c4"]


def test_apprise_logs_nothing_of_a_channel_url_anywhere(hooks, caplog):
    """Apprise logs the URLs it loads and fails on; none of it reaches another log."""
    caplog.set_level(logging.DEBUG)
    hooks.down.add(PHONE)
    assert "error=500" in send(hooks.url(PHONE), "title", "body")
    assert problem("nosuchservice://log-secret-19/x") is not None
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert PHONE_TOKEN not in logged and "log-secret-19" not in logged
    assert hooks.posts[PHONE]  # it was tried


def config_of(settings):
    return settings.database.parent.parent / "storywatch.toml"


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("nosuchservice://hook-secret-8d2e/path", "hook-secret-8d2e"),
        ("slack://T1JJ3T3L2", "T1JJ3T3L2"),  # a Slack webhook needs three tokens
    ],
)
def test_a_bad_channel_url_in_the_config_is_one_line_and_exit_2(tmp_path, url, secret):
    path = write_config(tmp_path, database="var/storywatch.duckdb", channels=[url])
    result = CliRunner().invoke(main, ["init", "--config", str(path)])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "channels.0" in line and "not a notification URL that apprise can send to" in line
    assert secret not in line
    assert "Traceback" not in result.output


def test_a_bad_channel_url_in_a_variable_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYWATCH_CHANNELS", json.dumps(["nosuchservice://var-secret-41/x"]))
    path = write_config(tmp_path, database="var/storywatch.duckdb")
    result = CliRunner().invoke(main, ["init", "--config", str(path)])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: bad configuration: STORYWATCH_CHANNELS (0)")
    assert "var-secret-41" not in line


def test_a_bad_channel_url_in_a_story_keeps_that_story_from_loading(tmp_path):
    stories = tmp_path / "stories"
    shutil.copytree(SEEDS_DIR / "iss-withdrawal", stories / "iss-withdrawal")
    story_toml = stories / "iss-withdrawal" / "story.toml"
    bad = '[alerts]\nchannels = ["nosuchservice://story-secret-77/x"]\n'
    story_toml.write_text(story_toml.read_text().replace("[alerts]\n", bad))
    path = write_config(tmp_path, database="var/storywatch.duckdb", stories_dir=str(stories))
    result = CliRunner().invoke(main, ["init", "--config", str(path)])
    assert result.exit_code == 1  # the other stories would load: recorded, not bad usage
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("story iss-withdrawal not loaded") and "alerts.channels.0" in line
    assert "story-secret-77" not in result.output


@pytest.mark.parametrize(
    ("url", "shown", "secrets"),
    [
        ("ntfy://ntfy.sh/storydesk-alerts", "ntfy://ntfy.sh/s…s", ["storydesk-alerts"]),
        (
            "ntfys://user:hunter22@ntfy.example.org/topic9?token=tk_9981",
            "ntfys://…:***@ntfy.example.org/t…9?…",
            ["hunter22", "topic9", "tk_9981"],
        ),
        (
            "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general",
            "slack://T…2/A…D/T…Q/#g…l",
            ["T1JJ3T3L2", "A1BRTD4JD", "TIiajkdnlazkcOXrIdevi7FQ"],
        ),
        (
            "tgram://123456789:ABCdefGHIjklMNOpqrSTUvwxYZ/12345",
            "tgram://1…Z/1…5",
            ["ABCdefGHIjklMNOpqrSTUvwxYZ"],
        ),
    ],
)
def test_a_channel_url_is_shown_with_its_secrets_cut(url, shown, secrets):
    assert problem(url) is None  # apprise takes each of them
    assert mask(url) == shown
    assert not [s for s in secrets if s in mask(url)]


def test_a_digest_is_told_short_and_feed_text_arrives_inert():
    from pipeline.alerts import Alert, Source, Update
    from pipeline.channel_message import render

    updates = [
        Update(
            Source(f"Outlet {n}", f"Headline {n}\u202e\x07", f"https://example.org/{n}", None),
            new_facts=["A long new sentence about the launch pad " + "and its crane " * 40],
            changed=[{"was": "2024", "now": "2028", "sentence": "s"}],
        )
        for n in range(7)
    ]
    alert = Alert(1, "x", "<m>", "story", "The story", updates, delivery="daily")
    message = render(alert)
    assert message.title == "[The story] 7 updates (daily): Headline 0"
    blocks = message.body.split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == [
        *(f"Headline {n}" for n in range(5)),
        "+2 more updates",
    ]
    assert "Changed: 2024 -> 2028\nFirst reported by Outlet 0\nhttps://example.org/0" in blocks[0]
    assert all(len(line) < 220 for line in message.body.splitlines())
    assert "\u202e" not in message.body and "\x07" not in message.body
