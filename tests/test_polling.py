"""Polling over time against a feed server the test rewrites between polls."""

from __future__ import annotations

import resource
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from pipeline import stages
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.paths import SEEDS_DIR
from pipeline.store import open_store
from tests.conftest import LOOPBACK_HTTP, write_config


class Feeds:
    """Paths served as the test sets them: {path: (status, headers, body)}; records requests.

    With `hold`, every answer waits until the test sets that event; `answered` is set once the
    server has sent an answer."""

    def __init__(self, host: str = "127.0.0.1", hold: threading.Event | None = None):
        self.routes: dict[str, tuple[int, dict, bytes]] = {}
        self.requests: list[tuple[str, dict]] = []
        self.answered = threading.Event()
        feeds = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                feeds.requests.append((self.path, dict(self.headers)))
                if hold is not None:
                    hold.wait()
                status, headers, body = feeds.routes.get(self.path, (404, {}, b"missing"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                feeds.answered.set()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def rss(self, path: str, items: list[tuple[str, str]], headers: dict | None = None):
        """Serve an RSS feed of (guid, link path) items."""
        body = "".join(
            f"<item><guid>urn:item:{g}</guid><link>{self.url}{link}</link><title>{g}</title></item>"
            for g, link in items
        )
        xml = f"<rss version='2.0'><channel><title>T</title>{body}</channel></rss>"
        self.routes[path] = (
            200,
            {"Content-Type": "application/rss+xml", **(headers or {})},
            xml.encode(),
        )


@pytest.fixture
def feeds():
    server = Feeds()
    yield server
    server.httpd.shutdown()


@pytest.fixture
def settings(tmp_path, feeds):
    def make(*paths, **polling):
        path = write_config(
            tmp_path,
            stories_dir=str(SEEDS_DIR),
            feeds=[feeds.url + p for p in paths],
            http=LOOPBACK_HTTP,
            polling={"min_interval": 0, "interval": 600, **polling},
        )
        return load_settings(path)

    return make


def entries(settings) -> list[dict]:
    with open_store(settings.database, read_only=True) as store:
        return store.rows_sql("SELECT entry_key, baseline FROM entries ORDER BY id")


def health(settings) -> dict:
    with open_store(settings.database, read_only=True) as store:
        (row,) = store.rows_sql("SELECT * FROM feed_health WHERE status <> 'removed'")
    return row


def test_a_feed_is_not_polled_again_before_its_interval(feeds, settings):
    feeds.rss("/a.xml", [("1", "/1")])
    s = settings("/a.xml")
    assert stages.poll(s).ok == 1
    assert stages.poll(s).feeds == 0  # not due for ten minutes
    assert stages.poll(s, force=True).ok == 1


def test_validators_are_sent_back_exactly_and_304_costs_no_parse(feeds, settings):
    feeds.rss(
        "/a.xml",
        [("1", "/1")],
        {"ETag": 'W/"x1"', "Last-Modified": "Tue, 26 Jul 2022 10:00:00 GMT"},
    )
    s = settings("/a.xml")
    stages.poll(s)
    feeds.routes["/a.xml"] = (304, {}, b"")
    summary = stages.poll(s, force=True)
    assert (summary.not_modified, summary.new_entries) == (1, 0)
    sent = feeds.requests[-1][1]
    assert sent["If-None-Match"] == 'W/"x1"'
    assert sent["If-Modified-Since"] == "Tue, 26 Jul 2022 10:00:00 GMT"
    assert health(s)["status"] == "ok"


def test_the_backlog_at_the_first_poll_is_baseline_and_later_items_are_not(feeds, settings):
    feeds.rss("/a.xml", [("1", "/1"), ("2", "/2")])
    s = settings("/a.xml")
    stages.poll(s)
    feeds.rss("/a.xml", [("3", "/3"), ("1", "/1"), ("2", "/2")])
    stages.poll(s, force=True)
    assert [(e["entry_key"], e["baseline"]) for e in entries(s)] == [
        ("guid:urn:item:1", True),
        ("guid:urn:item:2", True),
        ("guid:urn:item:3", False),
    ]


def test_reordered_removed_and_returning_items_are_not_new(feeds, settings):
    feeds.rss("/a.xml", [("1", "/1"), ("2", "/2"), ("3", "/3")])
    s = settings("/a.xml")
    assert stages.poll(s).new_entries == 3
    feeds.rss("/a.xml", [("3", "/3"), ("1", "/1")])
    assert stages.poll(s, force=True).new_entries == 0
    feeds.rss("/a.xml", [("2", "/2"), ("3", "/3"), ("1", "/1")])
    assert stages.poll(s, force=True).new_entries == 0
    assert len(entries(s)) == 3


def test_a_new_guid_on_every_poll_still_gives_each_item_once(feeds, settings):
    s = settings("/a.xml")
    for poll in range(3):
        feeds.rss("/a.xml", [(f"{poll}-a", "/a?utm_source=rss"), (f"{poll}-b", "/b")])
        stages.poll(s, force=True)
    assert len(entries(s)) == 2


def test_failures_back_off_exponentially_then_disable_the_feed(feeds, settings):
    s = settings("/gone.xml", interval=60, disable_after=3)
    gaps = []
    for _ in range(3):
        stages.poll(s, force=True)
        row = health(s)
        gaps.append((row["next_poll_at"] - row["last_polled_at"]).total_seconds())
    assert [round(g) for g in gaps[:2]] == [120, 240]
    row = health(s)
    assert row["status"] == "disabled" and row["last_error"] == "HTTP 404 Not Found"
    assert stages.poll(s, force=True).feeds == 0  # a disabled feed is left alone


def test_retry_after_pushes_the_next_poll_back(feeds, settings):
    later = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
    feeds.routes["/busy.xml"] = (503, {"Retry-After": later}, b"busy")
    s = settings("/busy.xml", interval=60)
    stages.poll(s)
    row = health(s)
    wait = (row["next_poll_at"] - row["last_polled_at"]).total_seconds()
    assert 7000 < wait <= 7200 and row["status"] == "degraded"


def test_an_html_page_served_as_200_is_an_error_and_keeps_what_was_stored(feeds, settings):
    feeds.rss("/a.xml", [("1", "/1")])
    s = settings("/a.xml")
    stages.poll(s)
    feeds.routes["/a.xml"] = (
        200,
        {"Content-Type": "text/html"},
        b"<html><body>Log in</body></html>",
    )
    assert stages.poll(s, force=True).failed == 1
    assert health(s)["last_error"].startswith("not a feed")
    assert len(entries(s)) == 1


def test_feed_add_finds_a_sites_feed_and_list_and_remove_manage_it(feeds, settings, tmp_path):
    feeds.rss("/news/rss.xml", [("1", "/1"), ("2", "/2")])
    feeds.routes["/"] = (
        200,
        {"Content-Type": "text/html"},
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/news/rss.xml">'
        b"</head><body>Home</body></html>",
    )
    s = settings()
    config = ["--config", str(tmp_path / "storywatch.toml")]
    runner = CliRunner()
    added = runner.invoke(main, ["feed", "add", *config, feeds.url + "/"])
    assert added.exit_code == 0, added.output
    assert f"added {feeds.url}/news/rss.xml (T, 2 entries now)" in added.output
    assert stages.poll(s).new_entries == 2
    listed = runner.invoke(main, ["feed", "list", *config])
    assert f"ok        {feeds.url}/news/rss.xml" in listed.output
    assert "T; 2 entries; last poll" in listed.output
    removed = runner.invoke(main, ["feed", "remove", *config, f"{feeds.url}/news/rss.xml"])
    assert removed.exit_code == 0, removed.output
    assert stages.poll(s, force=True).feeds == 0
    assert len(entries(s)) == 2  # removing a feed keeps what it brought


def test_feed_list_shows_the_config_as_edited_and_never_writes_the_database(
    feeds, settings, tmp_path
):
    feeds.rss("/a.xml", [("1", "/1")])
    stages.poll(settings("/a.xml"))
    s = settings("/b.xml")  # the config edited since the last run: /a.xml out, /b.xml in
    before = s.database.read_bytes()
    listed = CliRunner().invoke(
        main, ["feed", "list", "--all", "--config", str(tmp_path / "storywatch.toml")]
    )
    assert listed.exit_code == 0, listed.output
    assert f"removed   {feeds.url}/a.xml" in listed.output
    assert f"new       {feeds.url}/b.xml" in listed.output
    assert "never; next now" in listed.output
    # a reader, so it lists beside other readers (`query`, a dashboard) and changes nothing
    assert s.database.read_bytes() == before


def test_feed_add_says_when_a_page_has_no_feed(feeds, settings, tmp_path):
    feeds.routes["/"] = (200, {"Content-Type": "text/html"}, b"<html><body>Home</body></html>")
    settings()
    result = CliRunner().invoke(
        main, ["feed", "add", "--config", str(tmp_path / "storywatch.toml"), feeds.url + "/"]
    )
    assert result.exit_code == 2 and "no feed found" in result.output


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>
<rss version="2.0"><channel><title>&i;</title><item><title>&i;</title>
<link>https://example.org/1</link></item></channel></rss>"""


def quadratic_blowup() -> bytes:
    big = "x" * 50_000
    refs = "&big;" * 50_000
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{big}">]><rss version="2.0">'
        f"<channel><item><title>{refs}</title><link>https://example.org/1</link></item>"
        "</channel></rss>"
    ).encode()


def external(target: str) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY ext SYSTEM "{target}">]>'
        '<rss version="2.0"><channel><item><title>T &ext;</title>'
        "<link>https://example.org/1</link></item></channel></rss>"
    ).encode()


@pytest.mark.parametrize("body", [BILLION_LAUGHS, quadratic_blowup()], ids=["laughs", "quadratic"])
def test_entity_expansion_cannot_blow_up_memory_or_time(feeds, settings, body):
    feeds.routes["/bomb.xml"] = (200, {"Content-Type": "application/rss+xml"}, body)
    s = settings("/bomb.xml")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    summary = stages.poll(s)
    assert time.monotonic() - started < 5
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200  # 10^9 or 2.5 * 10^9 characters if expanded
    if summary.ok:  # parsed with the entities refused: nothing expanded was stored
        with open_store(s.database, read_only=True) as store:
            longest = store.rows_sql("SELECT max(length(title)) AS n FROM entries")[0]["n"]
        assert (longest or 0) < 1_000_000
    else:
        assert health(s)["last_error"].startswith("not a feed")


def test_external_entities_reach_neither_the_disk_nor_the_network(feeds, settings, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    feeds.routes["/file.xml"] = (200, {}, external(secret.as_uri()))
    feeds.routes["/net.xml"] = (200, {}, external(f"{feeds.url}/leak"))
    s = settings("/file.xml", "/net.xml")
    stages.poll(s)
    with open_store(s.database, read_only=True) as store:
        titles = [r["title"] or "" for r in store.rows_sql("SELECT title FROM entries")]
    assert not any("TOP-SECRET" in t for t in titles)
    assert "/leak" not in [path for path, _ in feeds.requests]


def test_one_slow_host_does_not_hold_up_the_others(tmp_path):
    """The slow host answers only once every other host has answered: polled one after the
    other, the quick hosts would wait behind it, and never be answered while it holds."""
    # a host per loopback address: politeness is per host, concurrency is across hosts
    release = threading.Event()
    slow = Feeds("127.0.0.2", hold=release)
    quick = [Feeds(f"127.0.0.{n}") for n in range(3, 9)]
    try:
        for server in [slow, *quick]:
            server.rss("/feed.xml", [("1", "/1")])
        s = load_settings(
            write_config(
                tmp_path,
                stories_dir=str(SEEDS_DIR),
                feeds=[f"{server.url}/feed.xml" for server in [slow, *quick]],
                http={
                    **LOOPBACK_HTTP,
                    "allow_private": ["127.0.0.0/8"],
                    "per_host_gap": 1,
                    "timeout": 120,  # held, never timed out, however busy the machine is
                },
            )
        )
        polled: list = []
        poll = threading.Thread(target=lambda: polled.append(stages.poll(s)))
        poll.start()
        # a bound on waiting for an answer that is not coming, not a measure of speed
        answered_first = all(server.answered.wait(timeout=60) for server in quick)
        release.set()
        poll.join()
        assert answered_first, "a quick host was not answered while the slow one held"
        assert polled[0].ok == 7
    finally:
        release.set()
        for server in [slow, *quick]:
            server.httpd.shutdown()


def test_a_bad_character_reference_in_one_feed_stops_no_feed(feeds, settings):
    """Character references no XML parser can turn into text (beyond U+10FFFF, a lone
    surrogate, too many digits) and a link whose port is out of range: each feed is still
    read, its entries kept with U+FFFD where the reference was, and the good feed is stored."""
    feeds.rss("/good.xml", [("good", "/good")])
    bad = {
        "/beyond.xml": "Rocket &#x110000; lifts off",
        "/surrogate.xml": "Crew &#xD800; docks",
        "/decimal.xml": "Module &#55296; attached",
        "/huge.xml": "Orbit &#99999999999999999999999; raised",
    }
    for path, title in bad.items():
        xml = (
            f"<rss version='2.0'><channel><title>T</title><item><guid>urn:bad:{path[1:]}</guid>"
            f"<link>{feeds.url}/a{path}</link><title>{title}</title></item></channel></rss>"
        )
        feeds.routes[path] = (200, {"Content-Type": "application/rss+xml"}, xml.encode())
    port = (
        "<rss version='2.0'><channel><title>T</title><item><guid>urn:item:port</guid>"
        "<link>http://news.example.org:99999999/x</link><title>Bad port</title></item>"
        "</channel></rss>"
    )
    feeds.routes["/port.xml"] = (200, {"Content-Type": "application/rss+xml"}, port.encode())
    s = settings("/good.xml", *bad, "/port.xml")
    summary = stages.poll(s)
    assert (summary.ok, summary.failed, summary.new_entries) == (6, 0, 6)
    with open_store(s.database, read_only=True) as store:
        titles = {r["guid"]: r for r in store.rows_sql("SELECT guid, title, url FROM entries")}
    assert titles["urn:item:good"]["title"] == "good"
    assert titles["urn:bad:beyond.xml"]["title"] == "Rocket \ufffd lifts off"
    assert titles["urn:bad:surrogate.xml"]["title"] == "Crew \ufffd docks"
    assert titles["urn:bad:decimal.xml"]["title"] == "Module \ufffd attached"
    assert titles["urn:bad:huge.xml"]["title"] == "Orbit \ufffd raised"
    assert titles["urn:item:port"]["url"] is None  # a link that cannot be fetched is not kept


def test_a_stop_request_polls_no_further_feed_and_keeps_what_was_polled(feeds, settings):
    """The signal comes while the first feed is being served: that feed is stored, the next
    ones wait for the next run, and the stage says it was interrupted."""
    import os
    import signal

    from pipeline import interrupt

    for name in "abc":
        feeds.rss(f"/{name}.xml", [(name, f"/{name}")])
    s = settings("/a.xml", "/b.xml", "/c.xml")
    s.http.concurrency = 1
    serve = feeds.httpd.RequestHandlerClass.do_GET

    signalled = []

    def signal_then_serve(handler):
        # once, and answered once the main thread has taken it: else the poll's thread may
        # ask for the next feed first, and a second SIGINT is a second Ctrl-C (stop at once)
        if not signalled:
            signalled.append(True)
            os.kill(os.getpid(), signal.SIGINT)
            deadline = time.monotonic() + 10
            while not interrupt.requested() and time.monotonic() < deadline:
                time.sleep(0.01)
        serve(handler)

    feeds.httpd.RequestHandlerClass.do_GET = signal_then_serve
    with interrupt.handlers(), pytest.raises(interrupt.Interrupted) as stopped:
        stages.poll(s)
    assert str(stopped.value) == "interrupted: 1 of 3 feeds polled, the rest waits for the next run"
    assert stopped.value.exit_code == 130
    assert len(entries(s)) == 1
    feeds.httpd.RequestHandlerClass.do_GET = serve
    assert stages.poll(s).new_entries == 2  # the next run polls the two that waited
