"""Each story's Atom feed and timeline page, as the alert stage writes them through the whole
pipeline (the demo site over HTTP, the SMTP sink, a DuckDB file), read back as a feed reader
reads them: with feedparser.

The story: its seeds, then the follow-up (an update), the same news from another outlet (its
follower), and the second update (tests/story_news.py).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

import feedparser
import lxml.html
import pytest
from click.testing import CliRunner

from pipeline import alerts, stages
from pipeline.cli import main
from pipeline.config import ConfigError, load_settings
from pipeline.highlight import value_spans
from pipeline.timeline import Seed, Timeline
from pipeline.timeline_feed import render_feed
from pipeline.timeline_page import render_page
from tests.conftest import write_config
from tests.story_news import ALSO, FOLLOW_UP, SECOND, T0, news_site, tell_the_story

BASE = "https://desk.example.org/storywatch"
PAGE = f"{BASE}/iss-withdrawal/"


@pytest.fixture
def site():
    with news_site() as s:
        yield s


@pytest.fixture
def told(make_settings, site):
    """Settings whose site is served at BASE, after the whole story was told."""
    settings = make_settings(site={"base_url": BASE})
    last = tell_the_story(settings, site)
    assert last[3].sent == 1 and last[3].timelines == 1
    return settings


def folder(settings):
    return settings.site.dir / "iss-withdrawal"


def test_the_feed_is_valid_atom_with_each_update_newest_first(told, site):
    feed = feedparser.parse((folder(told) / "updates.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Russia leaves the ISS"
    assert feed.feed.subtitle.startswith("Russia says it will leave the International Space")
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"alternate": PAGE, "self": f"{PAGE}updates.xml"}

    second, first = feed.entries
    assert second.title == "Roscosmos says first ROSS module to launch in 2027"
    assert first.title == "NASA says Russia now plans to stay on the ISS until 2028"
    for entry, slug, number in ((first, FOLLOW_UP, 1), (second, SECOND, 2)):
        by_rel = {link.rel: link.href for link in entry.links}
        assert by_rel == {
            "alternate": f"{site.url}/articles/{slug}.html",
            "related": f"{PAGE}#update-{number}",
        }
        assert entry.author == "The Daily Orbit"
        assert entry.id.startswith("urn:uuid:")
    assert first.id != second.id
    # the follow-up's entry changed when another outlet followed it, two hours later
    assert first.published_parsed[:5] == (2022, 7, 27, 18, 40)
    assert first.updated_parsed[:5] == (2022, 7, 27, 20, 10)
    assert feed.feed.updated_parsed >= second.updated_parsed

    said = first.content[0].value
    assert first.content[0].type == "text/html"
    # what changed stands out even where a reader drops <mark>, as feedparser does
    assert "What was new" in said and "remaining on board until <strong>2028</strong>" in said
    words = " ".join(lxml.html.fromstring(said).text_content().split())
    assert "What changed after 2024 \u2192 in 2028 Russia would then leave" in words
    assert "First reported by The Daily Orbit, 27 Jul 2022 18:40 UTC" in words
    followed = said.split("Followed by")[1]
    assert "Russia to keep crews on the space station until 2028, NASA says" in followed
    assert f"{site.url}/articles/{ALSO}.html" in followed
    assert second.summary == "as soon as 2025 -> in 2027"
    assert "No other outlet has carried it yet." in second.content[0].value


def test_the_page_tells_the_seed_then_every_update_in_order(told, site):
    page = lxml.html.parse(str(folder(told) / "index.html")).getroot()
    entries = page.xpath("//ol[@class='timeline']/li[contains(@class, 'entry')]")
    ids = [e.get("id") for e in entries]
    assert ids == ["seed-1", "seed-2", "seed-3", "seed-4", "seed-5", "update-1", "update-2"]
    titles = [" ".join(e.xpath(".//h2[@class='title']")[0].text_content().split()) for e in entries]
    assert titles[0] == "Russia Now Wants to Build Its Own Space Station Before Leaving the ISS"
    # a seed's excerpt is its article: the page furniture of the seed's own page is left out
    seed_text = entries[0].text_content()
    assert "earn a commission" not in seed_text and "Photo: NASA" not in seed_text
    assert "threatened to pull out of the ISS" in seed_text
    assert titles[5:] == [
        "NASA says Russia now plans to stay on the ISS until 2028",
        "Roscosmos says first ROSS module to launch in 2027",
    ]
    first = entries[5]
    followers = first.xpath(".//ul[@class='followers']/li")
    assert [" ".join(li.text_content().split()) for li in followers] == [
        "The Daily Orbit, 27 Jul 2022 20:10 UTC: "
        "Russia to keep crews on the space station until 2028, NASA says"
    ]
    (feed_link,) = page.xpath("//link[@rel='alternate']")
    assert feed_link.get("href") == "updates.xml"
    assert page.xpath("//script") == []


def test_a_run_with_nothing_new_writes_nothing_and_leaves_no_temporary_file(told):
    before = {p.name: p.stat().st_mtime_ns for p in folder(told).iterdir()}
    assert sorted(before) == ["index.html", "updates.xml"]
    again = stages.send_alerts(told, now=T0 + datetime.resolution)
    assert (again.sent, again.timelines) == (0, 0)
    assert {p.name: p.stat().st_mtime_ns for p in folder(told).iterdir()} == before


def test_a_site_folder_that_cannot_be_written_fails_that_story_alone(make_settings, site, mail):
    settings = make_settings()
    settings.site.dir.mkdir(parents=True)
    (settings.site.dir / "iss-withdrawal").write_text("a file where the story's folder goes")
    config = ["--config", str(settings.database.parent.parent / "storywatch.toml")]
    done = CliRunner().invoke(main, ["run", "--force", *config])
    assert done.exit_code == 1, done.output
    (line,) = [x for x in done.output.splitlines() if x.startswith("alert")]
    assert "timeline of 1 story not written" in line and "iss-withdrawal" in line
    site.publish(FOLLOW_UP)
    done = CliRunner().invoke(main, ["run", "--force", *config])
    assert done.exit_code == 1 and len(mail.messages()) == 1  # the email went all the same


def hostile_timeline() -> Timeline:
    """What a hostile feed can put in front of the renderers."""
    at = datetime(2022, 7, 27, 18, 40, tzinfo=UTC)
    nasty = "<script>alert(1)</script> \x07bell \ud800 \ufffe \u202eevil"
    return Timeline(
        slug="iss-withdrawal",
        name="Russia <leaves> & the ISS",
        description=nasty,
        defined_at=at,
        seeds=[Seed(title=nasty, url="javascript:alert(1)", excerpt=nasty)],
        updates=[
            alerts.Update(
                source=alerts.Source(nasty, nasty, "javascript:alert(1)", at, at),
                new_facts=[nasty],
                changed=[alerts.Change(was="<b>", now="</p>", sentence=nasty, known=nasty)],
                also=[alerts.Source(nasty, nasty, "data:text/html,x", None, at)],
            )
        ],
    )


def test_whatever_a_feed_says_is_text_on_the_page_and_in_the_feed():
    page = render_page(hostile_timeline())
    root = lxml.html.fromstring(page)
    assert root.xpath("//script") == []
    assert [a.get("href") for a in root.xpath("//a")] == ["updates.xml"]  # no hostile link
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not any(ch in page for ch in "\x07\ud800\ufffe\u202e")
    assert "Russia &lt;leaves&gt; &amp; the ISS" in page

    feed = feedparser.parse(render_feed(hostile_timeline(), BASE))
    assert not feed.bozo, feed.get("bozo_exception")
    (entry,) = feed.entries
    assert entry.title == "<script>alert(1)</script> bell evil"
    assert [link.rel for link in entry.links] == ["related"]  # the javascript: one is gone
    content = entry.content[0].value
    assert "<script>" not in content and html.escape("<script>") in content


def test_without_a_base_url_the_feed_links_the_page_beside_it(make_settings, site):
    settings = make_settings()
    site.publish(FOLLOW_UP)
    stages.run(settings)
    feed = feedparser.parse((folder(settings) / "updates.xml").read_bytes())
    assert not feed.bozo
    assert [(link.rel, link.href) for link in feed.feed.links] == [("alternate", "index.html")]
    (entry,) = feed.entries
    assert {link.rel: link.href for link in entry.links}["related"] == "index.html#update-1"


@pytest.mark.parametrize("url", ["ftp://desk.example.org/", "desk.example.org", "http://a b/"])
def test_a_base_url_that_is_not_http_is_refused_naming_the_key(tmp_path, url):
    with pytest.raises(ConfigError, match=r"site\.base_url: .*http"):
        load_settings(write_config(tmp_path, site={"base_url": url}))


@pytest.mark.parametrize(
    ("sentence", "values", "marked"),
    [
        ("Russia will leave in 2028 at the earliest.", ["in 2028"], ["in 2028"]),
        # said in other words: its number is what changed
        ("Crews stay until 2028, not 20280 or 2028.5.", ["in 2028"], ["2028"]),
        ("The stake is 9,2 % now, up from 9.", ["9,2 %"], ["9,2 %"]),
        ("Straße bis 2028 gesperrt", ["BIS 2028"], ["bis 2028"]),
        ("Nothing of it here.", ["in 2028"], []),
    ],
)
def test_a_changed_value_is_marked_where_the_sentence_says_it(sentence, values, marked):
    pieces = value_spans(sentence, values)
    assert "".join(p for p, _ in pieces) == sentence
    assert [p for p, hit in pieces if hit] == marked
