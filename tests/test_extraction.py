"""Article text without boilerplate: on the demo's pages, on stubs, under time and size limits,
and again after an improvement (reextract)."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from pipeline import rawpages, stages
from pipeline.boilerplate import strip_boilerplate
from pipeline.cli import main
from pipeline.config import ExtractionConfig
from pipeline.demo import demo_pages
from pipeline.demo.pages import SITE_LINE
from pipeline.extract import extract
from pipeline.sandbox import ExtractionFailed, ExtractionPool
from pipeline.store import open_store

# The furniture lines DESIGN.md names, as the seed documents carry them
DESIGN_LINES = [
    "We may earn a commission from links on this page.",
    "Photo: NASA (AP)",
    "More: U.S. Officials Are Not Happy About Russia",
    "Related article:",
    "Related article: Russian Space Chief Rogozin",
    "AFP contributed reporting.",
    "Alexander Gerst / ESA",
]


def stored(settings) -> dict[str, dict]:
    with open_store(settings.database, read_only=True) as store:
        rows = store.rows_sql(
            "SELECT a.*, e.url AS entry_url FROM articles a JOIN entries e ON e.id = a.entry_id"
        )
    return {r["entry_url"].rsplit("/", 1)[1].removesuffix(".html"): r for r in rows}


@pytest.fixture
def demo_articles(make_settings):
    settings = make_settings()
    stages.poll(settings)
    assert stages.fetch_articles(settings).extracted == 10
    return settings, stored(settings)


def test_no_design_boilerplate_survives_and_every_body_sentence_does(demo_articles):
    _, articles = demo_articles
    for page in demo_pages():
        text = " ".join(articles[page.slug]["text"].split())  # no-break spaces become spaces
        for line in DESIGN_LINES:
            assert line not in text, (page.slug, line)
        for paragraph in page.paragraphs:
            if paragraph in ("AFP contributed reporting.",):
                continue  # furniture the page puts in its body, as the wire copy had it
            assert " ".join(paragraph.split()) in text, (page.slug, paragraph[:60])


def test_the_blog_posts_comment_section_is_not_article_text(demo_articles):
    _, articles = demo_articles
    blog = articles["003_ecac5b96d5fd60ee"]["text"]
    assert "Kjell Lindgren" in blog  # the post itself
    for said in ("taurus the judge", "Sputnik propaganda", "CCP", "in reply to"):
        assert said not in blog


def test_what_the_site_repeats_is_learned_and_removed_with_its_reason(demo_articles):
    settings, articles = demo_articles
    # the first article the site gave had nothing to learn from; every later one is clean
    kept = [slug for slug, a in articles.items() if SITE_LINE in a["text"]]
    assert len(kept) == 1
    for slug, article in articles.items():
        if slug not in kept:
            assert {"line": SITE_LINE, "reason": "repeated across the site's articles"} in (
                json.loads(article["removed"])
            )
    with open_store(settings.database, read_only=True) as store:
        learned = store.rows_sql("SELECT line, articles FROM site_boilerplate")
    assert learned == [{"line": SITE_LINE.casefold(), "articles": 10}]
    # and reextract cleans the first one too
    assert stages.reextract(settings).changed == 1
    assert not [a for a in stored(settings).values() if SITE_LINE in a["text"]]


def test_reextract_reads_pages_kept_in_the_database_before_and_skips_one_gone(demo_articles):
    settings, articles = demo_articles
    first, gone = (
        next(a for a in articles.values() if SITE_LINE in a["text"]),
        next(a for a in articles.values() if SITE_LINE not in a["text"]),
    )
    # the first page as a database from before kept it, as a blob; another page's file lost
    kept = rawpages.folder(settings.database)
    (first_file,) = kept.glob(f"*/{first['raw_sha256']}.*")
    with open_store(settings.database) as store:
        store.con.execute(
            "UPDATE raw_pages SET html_gz = $gz WHERE sha256 = $sha",
            {"gz": first_file.read_bytes(), "sha": first["raw_sha256"]},
        )
    first_file.unlink()
    next(kept.glob(f"*/{gone['raw_sha256']}.*")).unlink()

    again = stages.reextract(settings)
    assert (again.changed, again.failed) == (1, 1)  # the lost page alone fails; it stays as it was
    after = stored(settings)
    assert not [a for a in after.values() if SITE_LINE in a["text"]]
    assert after[gone["entry_url"].rsplit("/", 1)[1].removesuffix(".html")]["text"] == gone["text"]


def test_a_line_seen_once_is_never_removed_for_being_seen():
    text = "Tips and corrections are welcome.\nThe council met on Tuesday."
    assert strip_boilerplate(text).text == text


def test_a_copy_of_an_article_is_not_evidence_of_boilerplate(demo_articles, site):
    settings, _ = demo_articles
    # the same page again under another link: its lines are shared, but by a copy
    config = ["--config", str(settings.database.parent.parent / "storywatch.toml")]
    page = f"{site.url}/articles/soyuz-coolant-leak.html"
    result = CliRunner().invoke(main, ["extract", "--json", *config, page])
    assert result.exit_code == 0, result.output
    removed = [r["line"] for r in json.loads(result.output)["removed"]]
    assert removed == [SITE_LINE]


PAYWALL = b"""<html><body><article><h1>Big story</h1><p>Subscribe to continue reading. Already
a subscriber? Sign in.</p></article></body></html>"""


def test_a_paywall_stub_falls_back_to_the_feed_summary_with_the_reason(make_settings, site):
    site.pages["chess-olympiad-opens"].paragraphs = ["Subscribe to continue reading."]
    settings = make_settings(feeds=[site.feed_url("world")])
    stages.poll(settings)
    summary = stages.fetch_articles(settings)
    assert (summary.extracted, summary.fallback) == (2, 1)
    chess = stored(settings)["chess-olympiad-opens"]
    assert chess["status"] == "fallback"
    assert chess["error"] == "the page gives no article (paywall); used the feed summary"
    assert chess["text"] == "Subscribe to continue reading."  # the feed's summary
    assert extract(PAYWALL).stub == "paywall"


def test_extraction_that_overruns_its_time_limit_is_stopped_and_recorded(make_settings, site):
    # 20,000 paragraphs: a 2 MB page that takes trafilatura seconds
    site.pages["chess-olympiad-opens"].paragraphs = [
        f"Round {n} of the tournament went on late into the night." for n in range(20_000)
    ]
    settings = make_settings(feeds=[site.feed_url("world")], extraction={"timeout": 0.5})
    stages.poll(settings)
    started = time.monotonic()
    summary = stages.fetch_articles(settings)
    assert time.monotonic() - started < 4
    assert (summary.extracted, summary.fallback) == (2, 1)
    chess = stored(settings)["chess-olympiad-opens"]
    assert chess["error"] == (
        "extraction took longer than 0.5s and was stopped; used the feed summary"
    )


def test_a_page_over_the_size_cap_is_not_extracted():
    with (
        ExtractionPool(ExtractionConfig(max_html_bytes=1000)) as pool,
        pytest.raises(ExtractionFailed, match="over the 1000"),
    ):
        pool.extract(b"<html>" + b"x" * 2000 + b"</html>", None)


def test_extract_command_prints_text_and_json_with_metadata(tmp_path, make_settings):
    settings = make_settings()
    page = next(p for p in demo_pages() if p.slug.startswith("004"))
    from pipeline.demo.pages import render_page

    path = tmp_path / "page.html"
    path.write_text(render_page(page))
    config = ["--config", str(settings.database.parent.parent / "storywatch.toml")]
    plain = CliRunner().invoke(main, ["extract", *config, str(path)])
    assert plain.exit_code == 0 and "Robyn Gatens" in plain.output
    assert "AFP contributed reporting." not in plain.output
    as_json = CliRunner().invoke(
        main, ["extract", "--json", "--url", "https://news.example.org/a", *config, str(path)]
    )
    found = json.loads(as_json.output)
    assert found["title"].startswith("Russia to Exit International Space Station")
    assert (found["language"], found["site"]) == ("en", "news.example.org")
    assert {"line": "AFP contributed reporting.", "reason": "contributor line"} in found["removed"]
