"""A news site on 127.0.0.1: RSS feeds and article pages, served by a real HTTP server."""

from __future__ import annotations

import threading
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

from .pages import SITE_NAME, DemoPage, render_page


class DemoSite:
    """Serves `/feeds/<section>.xml` listing the published pages and `/articles/<slug>.html`.

    `publish(slug)` puts one more page in its feed while the server runs, as a newsroom would.
    """

    def __init__(self, pages: list[DemoPage], published: set[str] | None = None, port: int = 0):
        self.pages = {p.slug: p for p in pages}
        self.published = set(self.pages if published is None else published)
        self.requests: list[str] = []  # the paths asked for, in order: who looked, and when
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def feed_url(self, section: str) -> str:
        return f"{self.url}/feeds/{section}.xml"

    @property
    def sections(self) -> list[str]:
        return sorted({p.section for p in self.pages.values()})

    def publish(self, slug: str) -> None:
        self.published.add(slug)

    def __enter__(self) -> DemoSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def rss(self, section: str) -> str | None:
        if section not in self.sections:
            return None
        pages = sorted(
            (p for p in self.pages.values() if p.section == section and p.slug in self.published),
            key=lambda p: p.published,
            reverse=True,
        )
        items = "".join(
            "<item>"
            f"<title>{escape(p.title)}</title>"
            f"<link>{self.url}/articles/{p.slug}.html</link>"
            f'<guid isPermaLink="false">{SITE_NAME.lower().replace(" ", "-")}:{p.slug}</guid>'
            f"<pubDate>{format_datetime(p.published)}</pubDate>"
            f"<description>{escape(p.summary)}</description>"
            "</item>"
            for p in pages
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{SITE_NAME}: {section}</title><link>{self.url}/</link>"
            f"<description>{SITE_NAME} {section} news</description>{items}</channel></rss>"
        )

    def article(self, slug: str) -> str | None:
        page = self.pages.get(slug)
        return render_page(page) if page and slug in self.published else None


def _handler(site: DemoSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server dispatches to)
            path = self.path.split("?")[0]
            site.requests.append(path)
            body, kind = None, "text/html; charset=utf-8"
            if path.startswith("/feeds/") and path.endswith(".xml"):
                body, kind = site.rss(path[len("/feeds/") : -4]), "application/rss+xml"
            elif path.startswith("/articles/") and path.endswith(".html"):
                body = site.article(path[len("/articles/") : -5])
            if body is None:
                self.send_error(404)
                return
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass  # the demo prints its own account of what happened

    return Handler
