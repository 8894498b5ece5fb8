"""The pages bench/pipeline.py serves: realistic article pages, each its own, some on the story."""

from __future__ import annotations

from bench.pipeline import article_page, descendants
from pipeline.boilerplate import strip_boilerplate
from pipeline.demo.pages import render_page
from pipeline.extract import extract

STORY_CAST = ("Roscosmos", "Yury Borisov", "International Space Station", "after 2024")


def test_every_page_is_its_own_and_one_in_twenty_is_about_the_seed_story():
    pages = [article_page(n) for n in range(200)]
    texts = ["\n".join([p.title, *p.paragraphs]) for p in pages]

    assert len(set(texts)) == len(texts)
    on_story = [t for t in texts if all(name in t for name in STORY_CAST)]
    assert len(on_story) == 10
    assert not [t for t in texts if t not in on_story and "Roscosmos" in t]


def test_extraction_keeps_the_prose_and_drops_the_site_around_it():
    page = article_page(20)
    html = render_page(page).encode()

    text = strip_boilerplate(extract(html, url="http://127.0.0.2/articles/a00020.html").text).text

    for paragraph in page.paragraphs:
        assert paragraph in text
    for furniture in ("We may earn a commission", "Newsletters", "All rights reserved", "Share"):
        assert furniture in html.decode()
        assert furniture not in text


def test_descendants_are_children_and_their_children_only():
    parents = {10: 1, 11: 10, 12: 11, 13: 11, 20: 1, 21: 20}

    assert sorted(descendants(parents, 10)) == [11, 12, 13]
    assert descendants(parents, 12) == []
