"""Fetch N loopback pages of S MB each, as the fetch stage does, and print peak memory and pages/s.

    .venv/bin/python -m bench.fetch [--pages 500] [--mb 4.5] [--hosts 16]

Pages are spread over `--hosts` servers on 127.0.0.2, 127.0.0.3, ... (politeness allows one
request at a time per host), listed by one feed per host, which are polled first. Every page
is different (its own raw page is kept), and over `[extraction] max_html_bytes` at the default
size, so the stage downloads, compresses and stores each one and falls back to the feed's
summary: what is measured is the stage's own handling of big pages, not trafilatura. Peak
memory is the process's maximum resident size during the fetch stage (the servers share one
copy of the page body).
"""

from __future__ import annotations

import resource
import tempfile
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

from bench import loopback
from pipeline import rawpages, stages


def filler(size: int) -> bytes:
    """`size` bytes of paragraphs, each numbered, so that the page compresses as HTML does."""
    sentence = "<p>Paragraph {:07d} of a long page, about a harbour, a pier and the tides.</p>\n"
    count = size // len(sentence.format(0)) + 1
    return "".join(sentence.format(i) for i in range(count)).encode()[:size]


def serve(host: str, pages: list[int], body: bytes) -> ThreadingHTTPServer:
    class Handler(loopback.QuietHandler):
        def do_GET(self):  # noqa: N802
            if self.path == "/feed.xml":
                base = self.base
                items = "".join(
                    f"<item><guid>urn:page:{n}</guid><title>Page {n}</title>"
                    f"<link>{base}/page/{n}.html</link><description>Page {n}.</description></item>"
                    for n in pages
                )
                self._send(f"<rss version='2.0'><channel>{items}</channel></rss>".encode(), [])
                return
            head = f"<html><body><h1>{self.path}</h1>".encode()  # every page its own bytes
            self._send(head, [body, b"</body></html>"])

        def _send(self, first: bytes, rest: list[bytes]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(first) + sum(map(len, rest))))
            self.end_headers()
            for part in (first, *rest):
                self.wfile.write(part)

    return loopback.serve(host, Handler)


def main() -> None:
    parser = loopback.parser(__doc__, pages=500)
    parser.add_argument("--mb", type=float, default=4.5, help="size of each page, in MB")
    args = parser.parse_args()

    body = filler(int(args.mb * 1_000_000))
    servers = [
        serve(f"127.0.0.{2 + h}", list(range(h, args.pages, args.hosts)), body)
        for h in range(args.hosts)
    ]
    feeds = [
        f"http://127.0.0.{2 + h}:{s.server_address[1]}/feed.xml" for h, s in enumerate(servers)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        settings = loopback.settings(Path(tmp) / "bench.duckdb", feeds, args.concurrency)
        settings.extraction.batch = max(settings.extraction.batch, args.pages)
        polled = stages.poll(settings)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{args.pages} pages of {args.mb:g} MB on {args.hosts} loopback hosts "
            f"({polled.new_entries} entries), concurrency {args.concurrency}"
        )
        started = time.perf_counter()
        summary = stages.fetch_articles(settings)
        seconds = time.perf_counter() - started
        stored = summary.extracted + summary.fallback + summary.failed
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size = (Path(tmp) / "bench.duckdb").stat().st_size / 1e6
        pages = rawpages.folder(settings.database).glob("*/*")
        raw = sum(p.stat().st_size for p in pages) / 1e6
        print(
            f"  fetch stage  {seconds:6.1f} s  {stored / seconds:6.1f} pages/s  "
            f"{args.pages * args.mb / seconds:6.1f} MB/s  {stored} stored, "
            f"database {size:.0f} MB, raw page files {raw:.0f} MB"
        )
        print(f"  peak memory {peak:.0f} MB (before the fetch stage: {before:.0f} MB)")
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
