"""Poll N loopback feeds of M items each, as the poll stage does, and print the throughput.

    .venv/bin/python -m bench.polling [--feeds 500] [--items 50] [--hosts 16]

Feeds are spread over `--hosts` servers on 127.0.0.2, 127.0.0.3, ... because politeness allows
one request at a time per host: concurrency is across hosts, as on the real web. The first
pass stores every entry; the second finds nothing new (what most polls are): with ETags every
feed answers 304, with --no-etag every feed is downloaded and parsed again. Peak memory is the
process's maximum resident size.
"""

from __future__ import annotations

import resource
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench import loopback
from pipeline import stages


def rss(feed: int, items: int) -> bytes:
    body = "".join(
        f"<item><title>Feed {feed} item {i}</title>"
        f"<link>https://news{feed}.example.org/story/{i}</link>"
        f"<guid>urn:feed:{feed}:{i}</guid>"
        f"<pubDate>Tue, 26 Jul 2022 10:{i % 60:02d}:00 GMT</pubDate>"
        f"<description>Summary of item {i} of feed {feed}, a sentence or two long.</description>"
        "</item>"
        for i in range(items)
    )
    return f"<rss version='2.0'><channel><title>Feed {feed}</title>{body}</channel></rss>".encode()


def serve(host: str, bodies: dict[str, bytes], etags: bool) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = bodies[self.path]
            if etags and self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            if etags:
                self.send_header("ETag", '"v1"')
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return loopback.serve(host, Handler)


def main() -> None:
    parser = loopback.parser(__doc__, feeds=500, items=50)
    parser.add_argument(
        "--no-etag", action="store_true", help="serve no ETag: every poll downloads and parses"
    )
    args = parser.parse_args()

    bodies = [{f"/feed/{f}.xml": rss(f, args.items)} for f in range(args.feeds)]
    per_host: list[dict[str, bytes]] = [{} for _ in range(args.hosts)]
    for f, body in enumerate(bodies):
        per_host[f % args.hosts].update(body)
    servers = [serve(f"127.0.0.{2 + h}", per_host[h], not args.no_etag) for h in range(args.hosts)]
    urls = [
        f"http://127.0.0.{2 + f % args.hosts}:{servers[f % args.hosts].server_address[1]}"
        f"/feed/{f}.xml"
        for f in range(args.feeds)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        settings = loopback.settings(Path(tmp) / "bench.duckdb", urls, args.concurrency)
        print(
            f"{args.feeds} feeds x {args.items} items on {args.hosts} loopback hosts, "
            f"concurrency {args.concurrency}, {'no ETag' if args.no_etag else 'ETag'}"
        )
        again = "second poll (full, no news)" if args.no_etag else "second poll (all 304)"
        for label in ("first poll (all new)", again):
            started = time.perf_counter()
            summary = stages.poll(settings, force=True)
            seconds = time.perf_counter() - started
            entries = summary.ok * args.items  # a 304 parses nothing
            print(
                f"  {label:<26} {seconds:6.2f} s  {summary.feeds / seconds:7.1f} feeds/s  "
                f"{entries / seconds:8.0f} entries parsed/s  {summary.new_entries} stored, "
                f"{summary.failed} failed"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory {peak:.0f} MB")
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
