"""The fetch stage's memory does not grow with the raw pages already kept: storing 20 pages
takes the same peak whether the database holds none or a hundred big ones before."""

from __future__ import annotations

import base64
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bench.loopback import QuietHandler, serve
from pipeline import stages
from pipeline.config import load_settings
from pipeline.paths import SEEDS_DIR
from tests.conftest import LOOPBACK_HTTP, write_config

PAGE_BYTES = 1_000_000  # over max_html_bytes below: stored raw, not extracted
KEPT, MEASURED = 100, 20

# the peak memory of one fetch run in a fresh process, in MB: VmHWM, the high-water mark of
# this process's own memory (ru_maxrss would count the parent's, which it inherits at fork)
PEAK = """
import re, sys
from pathlib import Path
from pipeline import stages
from pipeline.config import load_settings
stages.fetch_articles(load_settings(sys.argv[1]))
print(int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text())[1]) // 1024)
"""


def big_page(n: int) -> bytes:
    """Page n: random letters that gzip cannot shrink much, so each raw page kept is big."""
    noise = base64.b64encode(random.Random(n).randbytes(PAGE_BYTES * 3 // 4))
    return b"<html><body><p>" + noise + b"</p></body></html>"


class BigSite:
    """`/feed/A-B.xml` lists the pages A..B-1; `/page/N.html` is page N."""

    def __init__(self):
        class Handler(QuietHandler):
            def do_GET(self):  # noqa: N802
                if self.path.startswith("/feed/"):
                    first, end = map(int, self.path[6:].removesuffix(".xml").split("-"))
                    base = f"http://127.0.0.1:{self.server.server_address[1]}"
                    items = "".join(
                        f"<item><guid>urn:big:{n}</guid><title>Page {n}</title>"
                        f"<link>{base}/page/{n}.html</link><description>Page {n}.</description>"
                        "</item>"
                        for n in range(first, end)
                    )
                    body = f"<rss version='2.0'><channel>{items}</channel></rss>".encode()
                else:
                    body = big_page(int(self.path.removeprefix("/page/").removesuffix(".html")))
                self.reply(body)

        self.httpd = serve("127.0.0.1", Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def big_site():
    site = BigSite()
    yield site
    site.httpd.shutdown()


def polled(folder: Path, feed: str) -> Path:
    """A config whose runs fetch MEASURED pages; its feed is polled already."""
    folder.mkdir()
    path = write_config(
        folder,
        database="sw.duckdb",
        stories_dir=str(SEEDS_DIR),
        feeds=[feed],
        http={**LOOPBACK_HTTP, "concurrency": 4},
        extraction={"workers": 1, "batch": MEASURED, "max_html_bytes": PAGE_BYTES // 2},
    )
    stages.poll(load_settings(path))
    return path


def peak_mb(config: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(config)], capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-1])


def test_storing_pages_takes_no_more_memory_when_many_raw_pages_are_kept(tmp_path, big_site):
    empty = polled(tmp_path / "empty", f"{big_site.url}/feed/{KEPT}-{KEPT + MEASURED}.xml")
    full = polled(tmp_path / "full", f"{big_site.url}/feed/0-{KEPT + MEASURED}.xml")
    settings = load_settings(full)
    settings.extraction.batch = KEPT
    assert stages.fetch_articles(settings).fallback == KEPT  # the raw pages, kept

    alone, after_kept = peak_mb(empty), peak_mb(full)
    kept_mb = KEPT * PAGE_BYTES / 1e6
    # each page is stored as the other; what is kept already is not held again (40 MB here)
    assert after_kept - alone < kept_mb / 4, (alone, after_kept)
