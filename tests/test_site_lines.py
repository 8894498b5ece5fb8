"""Site-line learning for a batch of pages, in a few statements, finds what learning page by
page finds: a page learns from the stored articles and from the batch's pages before it, a copy
is no evidence, and a page that rewrites its article does not count its old lines."""

from __future__ import annotations

from pathlib import Path

from pipeline.site_lines import (
    batch_furniture,
    remember_batch_lines,
    remember_lines,
    site_furniture,
)
from pipeline.store import open_store

SHARE = "Share this story with a friend."
DISCLOSURE = "We may earn a commission from links on this page."
NEWSLETTER = "Sign up for the morning newsletter."


def story(n: int, *furniture: str) -> str:
    """An article of its own three lines, with the site's `furniture` lines after them."""
    own = [f"Line {k} of story {n}, which no other story carries." for k in range(3)]
    return "\n".join([*own, *furniture])


# stored before the batch: (article id, site, text); article 3 failed and is fetched again
STORED = [
    (1, "a.example", story(1, SHARE)),
    (2, "b.example", story(2, NEWSLETTER)),
    (3, "a.example", story(3, DISCLOSURE)),
]
# the batch: (article id, site, text, whether it rewrites a stored article)
BATCH = [
    (3, "a.example", story(3, NEWSLETTER), True),  # the retry: its old lines go
    (4, "a.example", story(4, SHARE, DISCLOSURE, NEWSLETTER)),
    (5, "a.example", story(4, SHARE, DISCLOSURE, NEWSLETTER)),  # a copy of 4 under another link
    (6, "b.example", story(6, NEWSLETTER, SHARE)),
    (7, "a.example", story(7, DISCLOSURE)),
    (8, None, story(8, SHARE)),  # a page without a site learns nothing
    (9, "b.example", story(9, SHARE)),
]


def stored(path: Path) -> Path:
    with open_store(path) as store:
        for article_id, site, text in STORED:
            remember_lines(store, article_id, site, text)
    return path


def one_by_one(path: Path) -> list[set[str]]:
    found = []
    with open_store(path) as store:
        for article_id, site, text, *retry in BATCH:
            known = article_id if retry else None
            found.append(site_furniture(store, site, text, known, 2))
            remember_lines(store, article_id, site, text)
    return found


def as_a_batch(path: Path) -> list[set[str]]:
    with open_store(path) as store:
        pages = [
            (site, text, article_id if retry else None) for article_id, site, text, *retry in BATCH
        ]
        found = batch_furniture(store, pages, 2)
        remember_batch_lines(
            store, [(article_id, site, text) for article_id, site, text, *_ in BATCH]
        )
    return found


def lines_kept(path: Path) -> list[tuple]:
    with open_store(path, read_only=True) as store:
        return store.con.execute("SELECT * FROM article_lines ORDER BY ALL").fetchall()


def test_a_batch_learns_what_the_pages_learn_one_by_one(tmp_path):
    sequential = stored(tmp_path / "one.duckdb")
    batch = stored(tmp_path / "batch.duckdb")
    expected = one_by_one(sequential)
    assert as_a_batch(batch) == expected
    assert lines_kept(batch) == lines_kept(sequential)
    # what that is: the retry no longer counts its disclosure line, the copy counts nothing
    share, disclosure, newsletter = (line.casefold() for line in (SHARE, DISCLOSURE, NEWSLETTER))
    assert expected[1] == {share, newsletter}
    assert expected[2] == {share, newsletter}
    assert expected[4] == {disclosure}
    assert expected[5] == set()
    assert expected[6] == {share}
