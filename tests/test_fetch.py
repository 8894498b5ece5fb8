"""The fetch stage against a loopback news site whose pages are slow: pages are stored as they
are done, two runs at once split the work, a killed run's claims expire, and Ctrl-C or SIGTERM
stops a run at the next page with what it finished stored."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from bench.loopback import QuietHandler, serve
from pipeline import stages
from pipeline.config import load_settings
from pipeline.paths import SEEDS_DIR
from pipeline.store import open_store
from tests.conftest import LOOPBACK_HTTP, write_config

STORYWATCH = Path(sys.executable).with_name("storywatch")


def page(n: int) -> bytes:
    """An article of its own words; every line names its page, so no line is site furniture."""
    paragraphs = [
        f"The harbour board of town {n} voted on Tuesday to rebuild the old ferry pier, "
        f"which storms had closed for most of the past {n + 2} winters.",
        f"Engineers told the board that pier {n} would need new steel piles driven deep into "
        "the silt, and that work could begin once the spring tides settle.",
        f"Fishing crews in town {n} said the closure had pushed them to a harbour an hour "
        "away, and that they hoped the new pier would open before the autumn season.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>Pier {n} to be rebuilt</title></head><body><article>"
        f"<h1>Pier {n} to be rebuilt</h1>{body}</article></body></html>"
    ).encode()


class SlowSite:
    """A feed of `pages` items and their pages, each page answered after `delay` seconds;
    counts the requests per path. `before_last` runs before the last page is served; while
    `down`, every page is a 503."""

    def __init__(self, pages: int, delay: float):
        self.pages, self.delay = pages, delay
        self.requests: Counter[str] = Counter()
        self.before_last = lambda: None
        self.down = False
        site = self

        class Handler(QuietHandler):
            def do_GET(self):  # noqa: N802
                site.requests[self.path] += 1
                if self.path == "/feed.xml":
                    body, kind = site.feed(), "application/rss+xml"
                elif site.down:
                    self.reply(b"down for maintenance", "text/plain", status=503)
                    return
                else:
                    n = int(self.path.removeprefix("/article/").removesuffix(".html"))
                    if n == site.pages - 1:
                        site.before_last()
                    time.sleep(site.delay)
                    body, kind = page(n), "text/html; charset=utf-8"
                self.reply(body, kind)

        self.httpd = serve("127.0.0.1", Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def feed(self) -> bytes:
        items = "".join(
            f"<item><guid>urn:pier:{n}</guid><title>Pier {n}</title>"
            f"<link>{self.url}/article/{n}.html</link>"
            f"<description>The pier of town {n} is to be rebuilt.</description></item>"
            for n in range(self.pages)
        )
        return f"<rss version='2.0'><channel><title>Piers</title>{items}</channel></rss>".encode()

    def page_requests(self) -> Counter[str]:
        return Counter({p: c for p, c in self.requests.items() if p.startswith("/article/")})


@pytest.fixture
def slow_site(request):
    pages, delay = getattr(request, "param", (12, 0.3))
    site = SlowSite(pages, delay)
    yield site
    site.httpd.shutdown()


@pytest.fixture
def config(tmp_path, slow_site):
    """The config file of a pipeline watching the slow site; the feed is polled already."""

    def make(concurrency: int = 2, http: dict | None = None, **extraction) -> Path:
        path = write_config(
            tmp_path,
            database="var/sw.duckdb",
            stories_dir=str(SEEDS_DIR),
            recipients=["desk@example.org"],
            feeds=[f"{slow_site.url}/feed.xml"],
            http={**LOOPBACK_HTTP, "concurrency": concurrency, **(http or {})},
            extraction={"workers": 1, **extraction},
            smtp={"host": "127.0.0.1", "port": 9, "timeout": 1},
        )
        stages.poll(load_settings(path))
        return path

    return make


def articles(database: Path) -> list[dict]:
    with open_store(database, read_only=True) as store:
        return store.rows_sql("SELECT entry_id, status, attempts FROM articles ORDER BY 1")


def count(database: Path, table: str) -> int:
    with open_store(database, read_only=True) as store:
        return store.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # our own name


def storywatch(config: Path, *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [str(STORYWATCH), *args, "--config", str(config)],
        cwd=config.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the run never got there"
        time.sleep(0.05)


@pytest.mark.parametrize("slow_site", [(4, 0)], indirect=True)
def test_a_page_is_stored_before_the_last_page_is_served(config, slow_site):
    settings = load_settings(config(concurrency=1))
    stored_before_last = []

    def look():
        # the stage keeps the database closed while it waits on the network: a look gets in
        deadline = time.monotonic() + 10
        while not (n := count(settings.database, "articles")) and time.monotonic() < deadline:
            time.sleep(0.05)
        stored_before_last.append(n)

    slow_site.before_last = look
    summary = stages.fetch_articles(settings)
    assert summary.extracted == 4
    assert stored_before_last and stored_before_last[0] >= 1


@pytest.mark.parametrize("slow_site", [(12, 0)], indirect=True)
def test_the_batch_size_leaves_the_rest_waiting_and_the_summary_says_how_many(config):
    settings = load_settings(config(batch=5))
    first = stages.fetch_articles(settings)
    assert (first.stored, first.waiting) == (5, 7)
    assert str(first).endswith("; 7 wait for the next run")
    second = stages.fetch_articles(settings)
    assert (second.stored, second.waiting) == (5, 2)
    assert stages.fetch_articles(settings).waiting == 0


@pytest.mark.parametrize("slow_site", [(12, 0.5)], indirect=True)
def test_two_runs_at_once_download_every_page_once_and_rewrite_nothing(config, slow_site):
    path = config()
    runs = [storywatch(path, "run", "--stage", "fetch") for _ in range(2)]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert set(slow_site.page_requests().values()) == {1}
    assert len(slow_site.page_requests()) == 12
    stored = articles(path.parent / "var/sw.duckdb")
    assert len(stored) == 12 and {a["attempts"] for a in stored} == {1}
    assert count(path.parent / "var/sw.duckdb", "fetch_claims") == 0


@pytest.mark.parametrize("slow_site", [(12, 0.4)], indirect=True)
def test_the_claims_of_a_run_killed_with_kill_9_expire(config, slow_site):
    # short limits make a short lease: 2 x (1 s request + 2 s extraction) + 1 s
    path = config(http={"timeout": 1}, timeout=2)
    settings = load_settings(path)
    killed = storywatch(path, "run", "--stage", "fetch")
    wait_for(lambda: sum(slow_site.page_requests().values()) >= 2)
    killed.kill()
    killed.wait()
    with open_store(settings.database, read_only=True) as store:
        held = store.con.execute("SELECT count(*) FROM fetch_claims").fetchone()[0]
    assert held > 0
    during = stages.fetch_articles(settings)
    assert during.waiting == held  # what the dead run holds is not touched while its lease lasts
    time.sleep(7.5)
    after = stages.fetch_articles(settings)
    assert (after.stored, after.waiting) == (held, 0)
    assert len(articles(settings.database)) == 12


@pytest.mark.parametrize("slow_site", [(12, 0.4)], indirect=True)
def test_a_stale_run_whose_lease_was_taken_over_rewrites_nothing(config, slow_site):
    """A run paused past its lease (a stopped process, a suspended machine) comes back after
    another run has stored and kept its entries: it writes none of them again."""
    path = config(http={"timeout": 1}, timeout=2)
    settings = load_settings(path)
    stale = storywatch(path, "run", "--stage", "fetch")
    wait_for(lambda: sum(slow_site.page_requests().values()) >= 2)
    stale.send_signal(signal.SIGSTOP)
    try:
        time.sleep(7.5)  # past the lease: 2 x (1 s request + 2 s extraction) + 1 s
        fresh = stages.fetch_articles(settings)
        assert fresh.waiting == 0
        before = _stored_articles(settings.database)
        assert len(before) == 12
    finally:
        stale.send_signal(signal.SIGCONT)
    out, err = stale.communicate(timeout=60)
    assert stale.returncode == 0, err
    assert _stored_articles(settings.database) == before


def _stored_articles(database: Path) -> list[tuple]:
    with open_store(database, read_only=True) as store:
        return store.con.execute(
            "SELECT entry_id, attempts, fetched_at, status, text FROM articles ORDER BY 1"
        ).fetchall()


@pytest.mark.parametrize("slow_site", [(10, 0.5)], indirect=True)
@pytest.mark.parametrize(
    ("signum", "code", "to_group"), [(signal.SIGINT, 130, True), (signal.SIGTERM, 143, False)]
)
def test_a_signal_stops_the_run_at_the_next_page(config, slow_site, signum, code, to_group):
    """Ctrl-C at a terminal reaches the whole process group (the extraction workers too);
    SIGTERM, from a service manager, the main process."""
    path = config(concurrency=1)
    database = path.parent / "var/sw.duckdb"
    run = storywatch(path, "run", start_new_session=True)
    wait_for(lambda: sum(slow_site.page_requests().values()) >= 3)
    if to_group:
        os.killpg(run.pid, signum)
    else:
        run.send_signal(signum)
    _, err = run.communicate(timeout=15)
    assert run.returncode == code
    done = re.fullmatch(r"interrupted: (\d+) pages stored, the rest waits for the next run\n", err)
    assert done, err
    stored = int(done.group(1))
    assert 2 <= stored < 10 and len(articles(database)) == stored
    assert count(database, "fetch_claims") == 0
    assert count(database, "matches") == 0  # the later stages did not start
    wait_for(lambda: not _group_alive(run.pid), timeout=5)  # no extraction worker left behind

    assert stages.fetch_articles(load_settings(path)).waiting == 0
    assert len(articles(database)) == 10
    assert {a["status"] for a in articles(database)} == {"extracted"}


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
