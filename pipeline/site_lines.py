"""What a site repeats across its articles, learned in the database: every article's lines are
recorded, and a short line that enough of the site's other articles carry is the site's, not
the article's (the boilerplate pass is given those)."""

from __future__ import annotations

from urllib.parse import urlsplit

from .boilerplate import learnable, lines
from .store import Store


def site_furniture(
    store: Store, site: str | None, text: str, article_id: int | None, min_articles: int
) -> set[str]:
    """The lines of `text` that the site's other articles also carry, often enough to count."""
    short = sorted(learnable(text))
    if not site or not short:
        return set()
    rows = store.rows(
        "site_lines_seen",
        {"site": site, "lines": short, "all_lines": sorted(lines(text)), "article_id": article_id},
    )
    # this article is one more that carries the line
    return {r["line"] for r in rows if r["articles"] + 1 >= min_articles}


def remember_lines(store: Store, article_id: int, site: str | None, text: str) -> None:
    """Record the article's lines, from its text before the boilerplate pass."""
    store.execute("delete_article_lines", {"article_id": article_id})
    every = sorted(lines(text))
    if site and every:
        store.execute(
            "insert_article_lines", {"article_id": article_id, "site": site, "lines": every}
        )


def site_of(url: str | None) -> str | None:
    host = urlsplit(url or "").hostname
    return host.removeprefix("www.") if host else None
