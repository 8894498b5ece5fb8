"""What the benches share: threaded HTTP servers on loopback addresses, options, settings."""

from __future__ import annotations

import argparse
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pipeline.config import FeedConfig, HttpConfig, PollingConfig, Settings
from pipeline.paths import SEEDS_DIR


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing and answers with `reply`."""

    def reply(self, body: bytes, kind: str | None = None, status: int = 200) -> None:
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass

    @property
    def base(self) -> str:
        """This server's address as a URL base: "http://127.0.0.2:40123"."""
        server: ThreadingHTTPServer = self.server  # type: ignore[assignment]
        host, port = server.server_address[:2]
        return f"http://{host!s}:{port}"


def serve(host: str, handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """Serve on `host` at a free port, in a daemon thread, until `shutdown()`."""
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def parser(doc: str, **counts: int) -> argparse.ArgumentParser:
    """Options `--NAME N` for each count, plus `--hosts` (16) and `--concurrency` (the default)."""
    options = argparse.ArgumentParser(description=doc.splitlines()[0])
    for name, default in counts.items():
        options.add_argument(f"--{name}", type=int, default=default)
    options.add_argument("--hosts", type=int, default=16)
    options.add_argument("--concurrency", type=int, default=HttpConfig().concurrency)
    return options


def settings(database: Path, feeds: list[str], concurrency: int) -> Settings:
    """Settings for a pipeline over loopback feeds: any loopback host allowed, no gap, no floor
    under the polling interval."""
    return Settings(
        database=database,
        stories_dir=SEEDS_DIR,
        feeds=[FeedConfig(url=u) for u in feeds],
        http=HttpConfig(allow_private=["127.0.0.0/8"], per_host_gap=0, concurrency=concurrency),
        polling=PollingConfig(min_interval=0),
    )
