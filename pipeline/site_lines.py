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


def batch_furniture(
    store: Store, pages: list[tuple[str | None, str, int | None]], min_articles: int
) -> list[set[str]]:
    """`site_furniture` for each page of a batch (its site, text and stored article), in one
    statement: a page also learns from the batch's pages before it, as if stored one by one."""
    line_ords: list[int] = []
    every: list[str] = []
    shorts: list[bool] = []
    for ord_, (_, text, _) in enumerate(pages):
        short = learnable(text)
        for line in sorted(lines(text)):
            line_ords.append(ord_)
            every.append(line)
            shorts.append(line in short)
    found: list[set[str]] = [set() for _ in pages]
    if not any(shorts):
        return found
    params = {
        "ords": list(range(len(pages))),
        "sites": [site for site, _, _ in pages],
        "known_ids": [known for _, _, known in pages],
        "line_ords": line_ords,
        "lines": every,
        "shorts": shorts,
    }
    for row in store.rows("batch_lines_seen", params):
        # this page is one more that carries the line
        if row["articles"] + 1 >= min_articles:
            found[row["ord"]].add(row["line"])
    return found


def remember_batch_lines(store: Store, articles: list[tuple[int, str | None, str]]) -> None:
    """`remember_lines` for a batch of (article id, site, text), in two statements."""
    ids, sites, every = [], [], []
    for article_id, site, text in articles:
        for line in sorted(lines(text)) if site else []:
            ids.append(article_id)
            sites.append(site)
            every.append(line)
    store.execute("delete_articles_lines", {"article_ids": [a for a, _, _ in articles]})
    if every:
        store.execute("insert_articles_lines", {"article_ids": ids, "sites": sites, "lines": every})


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
