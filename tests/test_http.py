"""The fetcher against a hostile server on 127.0.0.1: every fault ends in a clear FetchError."""

from __future__ import annotations

import gzip
import re
import socket
import ssl
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import trustme

from pipeline import stages
from pipeline.config import HttpConfig, load_settings
from pipeline.http import AddressRefused, Fetcher, FetchError, is_public, next_hop
from pipeline.paths import SEEDS_DIR
from pipeline.store import open_store
from tests.conftest import LOOPBACK_HTTP, write_config

CAP = 100_000
BOMB = gzip.compress(b"\0" * (50 * CAP))  # 5 MB of zeros in about 5 KB


class Hostile(BaseHTTPRequestHandler):
    """Each path is one way a server can misbehave."""

    protocol_version = "HTTP/1.1"
    seen: list[tuple[float, float]] = []  # (start, end) of every /polite request

    def do_GET(self) -> None:  # noqa: N802
        route = self.path.strip("/").split("/")
        getattr(self, "route_" + route[0].replace("-", "_"))(*route[1:])

    def reply(self, status=200, body=b"<rss version='2.0'><channel/></rss>", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if not any(n.lower() == "content-length" for n, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route_ok(self):
        self.reply()

    def route_feed(self):
        item = b"<item><title>A</title><link>https://example.org/a</link></item>"
        body = b"<rss version='2.0'><channel><title>F</title>" + item + b"</channel></rss>"
        self.reply(body=body, headers=[("Content-Type", "application/rss+xml")])

    def route_etag(self):
        if self.headers.get("If-None-Match") == '"v1"':
            # some servers label even a 304's empty body as gzip
            self.reply(304, b"", [("Content-Encoding", "gzip")])
        else:
            self.reply(headers=[("ETag", '"v1"')])

    def route_drip(self):
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        for _ in range(1000):
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(0.2)

    def route_hang(self):
        time.sleep(10)

    def route_big(self):
        self.reply(body=b"x" * (2 * CAP))

    def route_big_undeclared(self):
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"x" * (2 * CAP))

    def route_bomb(self):
        self.reply(body=BOMB, headers=[("Content-Encoding", "gzip")])

    def route_brotli(self):
        self.reply(body=b"\x1b\x00", headers=[("Content-Encoding", "br")])

    def route_truncated(self):
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"only ten b")
        self.close_connection = True

    def route_redirect(self, n):
        n = int(n)
        if n == 0:
            self.reply()
        else:
            self.reply(302, b"", [("Location", f"/redirect/{n - 1}")])

    def route_loop(self):
        self.reply(301, b"", [("Location", "/loop")])

    def route_to(self, *target):
        self.reply(302, b"", [("Location", "/".join(target).replace(":/", "://"))])

    def route_status(self, code, *retry_after):
        headers = [("Retry-After", retry_after[0].replace("_", " "))] if retry_after else []
        self.reply(int(code), b"error page", headers)

    def route_polite(self):
        start = time.monotonic()
        time.sleep(0.05)
        self.reply()
        Hostile.seen.append((start, time.monotonic()))

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def fetcher(**overrides) -> Fetcher:
    config = {"timeout": 2, "max_bytes": CAP, "allow_private": ["127.0.0.1"], "per_host_gap": 0}
    return Fetcher(HttpConfig(**(config | overrides)))


def fails(url: str, match: str, **overrides) -> FetchError:
    with fetcher(**overrides) as f, pytest.raises(FetchError, match=match) as err:
        f.get(url)
    return err.value


def test_a_good_feed_and_a_conditional_get(server):
    with fetcher() as f:
        first = f.get(f"{server}/etag")
        assert first.status == 200 and first.headers["etag"] == '"v1"'
        again = f.get(f"{server}/etag", etag=first.headers["etag"])
        assert again.not_modified and again.content == b""


def test_a_server_that_drips_is_cut_off_at_the_deadline(server):
    started = time.monotonic()
    fails(f"{server}/drip", "took longer than 1s", timeout=1)
    assert time.monotonic() - started < 2


def test_a_server_that_never_answers_times_out(server):
    started = time.monotonic()
    fails(f"{server}/hang", "took longer than 1s", timeout=1)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("path", ["big", "big-undeclared", "bomb"])
def test_a_body_over_the_cap_stops_at_the_cap(server, path):
    fails(f"{server}/{path}", f"body larger than {CAP} bytes")


def test_an_encoding_not_asked_for_is_refused(server):
    fails(f"{server}/brotli", "unsupported Content-Encoding 'br'")


def test_a_truncated_body_is_an_error(server):
    fails(f"{server}/truncated", "RemoteProtocolError")


def test_five_redirects_are_followed_and_six_are_not(server):
    with fetcher() as f:
        assert f.get(f"{server}/redirect/5").url == f"{server}/redirect/0"
    fails(f"{server}/redirect/6", "more than 5 redirects")
    fails(f"{server}/loop", "more than 5 redirects")


@pytest.mark.parametrize(
    "target",
    ["file:///etc/passwd", "javascript:alert(1)", "data:text/html,hi", "ftp://example.org/"],
)
def test_a_redirect_or_link_to_another_scheme_is_refused(server, target):
    fails(target, "only http and https URLs are fetched")
    fails(f"{server}/to/{target}", "only http and https URLs are fetched|not http")


def test_a_redirect_from_https_down_to_http_is_refused():
    with pytest.raises(FetchError, match="from https to http"):
        next_hop(httpx.URL("https://news.example.org/a"), "http://news.example.org/b")
    assert next_hop(httpx.URL("http://a.example/x"), "https://b.example/y").host == "b.example"


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.1",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "localhost",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "[fd00::1]",
        "[fe80::1]",
        "0.0.0.0",
    ],
)
def test_the_ssrf_guard_refuses_every_spelling_of_a_non_public_address(host):
    # httpx itself rejects some spellings as invalid URLs: refused before any connection too
    fails(f"http://{host}:9/", "not a public address|Invalid IPv4", allow_private=[])


def test_the_guard_checks_every_redirect_hop(server):
    err = fails(f"{server}/to/http:/169.254.169.254/latest/meta-data/", "not a public address")
    assert isinstance(err, AddressRefused)


def test_public_addresses_pass_the_guard():
    assert is_public("93.184.215.14") and is_public("2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    assert not is_public("::ffff:10.1.2.3")


def test_dns_failure_connection_refused_and_5xx_are_clear(server):
    fails("http://no-such-host.invalid/feed", "cannot resolve no-such-host.invalid")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    fails(f"http://127.0.0.1:{closed}/", "ConnectError")
    assert fails(f"{server}/status/500", "HTTP 500").status == 500


def test_retry_after_in_seconds_or_as_a_date_is_reported_and_capped(server):
    assert fails(f"{server}/status/429/120", "HTTP 429").retry_after == 120
    capped = fails(f"{server}/status/503/99999", "HTTP 503", max_retry_after=3600)
    assert capped.retry_after == 3600
    when = format_datetime(datetime.now(UTC) + timedelta(minutes=10), usegmt=True)
    found = fails(f"{server}/status/503/{when.replace(' ', '_')}", "HTTP 503").retry_after
    assert 590 <= found <= 600


def test_a_certificate_that_does_not_verify_is_a_tls_error():
    ca = trustme.CA()  # a CA the fetcher does not trust
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        fails(f"https://127.0.0.1:{httpd.server_address[1]}/ok", "CERTIFICATE_VERIFY_FAILED")
    finally:
        httpd.shutdown()


def test_one_request_at_a_time_per_host_with_a_gap(server):
    Hostile.seen.clear()
    with fetcher(per_host_gap=0.2) as f:
        threads = [threading.Thread(target=f.get, args=(f"{server}/polite",)) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    spans = sorted(Hostile.seen)
    assert len(spans) == 3
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert start - end >= 0.15  # never overlapping, and the gap was kept


@pytest.mark.parametrize(
    "path, error",
    [
        ("drip", "took longer than 1s"),
        ("hang", "took longer than 1s"),
        ("bomb", f"body larger than {CAP} bytes"),
        ("truncated", "RemoteProtocolError"),
        ("loop", "more than 5 redirects"),
        ("status/500", "HTTP 500"),
        ("status/429/60", "HTTP 429"),
        ("to/http:/169.254.169.254/", "not a public address"),
        ("to/file:/etc/passwd", "only http and https"),
        ("http://no-such-host.invalid/feed", "cannot resolve"),
        ("http://127.0.0.1:9/feed", "ConnectError"),  # the discard port: nothing listens
    ],
)
def test_each_fault_is_recorded_on_its_feed_and_the_others_are_polled(
    server, tmp_path, path, error
):
    good = f"{server}/feed"
    bad = path if path.startswith("http") else f"{server}/{path}"
    config = write_config(
        tmp_path,
        stories_dir=str(SEEDS_DIR),
        feeds=[bad, good],
        http={**LOOPBACK_HTTP, "timeout": 1, "max_bytes": CAP},
    )
    settings = load_settings(config)
    summary = stages.poll(settings)
    assert (summary.ok, summary.failed) == (1, 1)
    with open_store(settings.database, read_only=True) as store:
        health = {r["url"]: r for r in store.rows_sql("SELECT * FROM feed_health")}
    assert health[bad]["status"] == "degraded"
    assert re.search(error, health[bad]["last_error"])
    assert health[good]["status"] == "ok" and health[good]["entries"] == 1
    stages.poll(settings, force=True)  # the good feed again: nothing stored twice
    with open_store(settings.database, read_only=True) as store:
        assert store.rows_sql("SELECT count(*) AS n FROM entries") == [{"n": 1}]
