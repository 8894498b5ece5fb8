"""Pages that withhold their article (consent walls, paywalls, bot checks), and short articles
whose pages only look as if they did: a cookie banner or a "Cookie settings" footer link sits on
nearly every page of the web, articles included. Served by the demo site on loopback."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pipeline import stages
from pipeline.cli import main
from pipeline.demo import demo_pages
from pipeline.demo.site import DemoSite
from tests.conftest import LOOPBACK_HTTP, write_config
from tests.test_extraction import stored


class DecoratedSite(DemoSite):
    """The demo site, with markup added to every article page (`extra`: (before this, put
    that)), or a page served in place of an article (`served[slug]`)."""

    def __init__(self, pages):
        super().__init__(pages)
        self.extra: list[tuple[str, str]] = []
        self.served: dict[str, str] = {}

    def article(self, slug: str) -> str | None:
        if slug in self.served:
            return self.served[slug]
        html = super().article(slug)
        for anchor, markup in self.extra:
            html = html and html.replace(anchor, markup + anchor, 1)
        return html


@pytest.fixture
def site():
    with DecoratedSite(demo_pages()) as s:
        yield s


# A short news update, about 600 characters, as a wire service sends between fuller stories
UPDATE = [
    "Harbour engineers reopened the eastern lane of the old swing bridge at dawn on Wednesday, "
    "two days earlier than the city had promised.",
    "Buses were back on the route within the hour, though lorries over twelve tonnes are still "
    "sent round by the ring road. The council said the last deck plates went in overnight and "
    "passed a load test shortly before five.",
    "Work on the western lane starts next week and should take a fortnight. Cyclists are asked "
    "to keep to the temporary path on the north side until then.",
]

COOKIE_FOOTER_LINK = ("</footer>", '<p><a href="/cookies/">Cookie settings</a></p>')
COOKIE_BANNER = (
    "<header",
    '<div id="cookie-banner"><p>We use cookies to understand how our pages are read and to '
    "show you relevant offers.</p><button>Accept all cookies</button>"
    "<button>Manage your privacy settings</button></div>",
)
PLAIN_BANNER = (
    "</main>",
    "<div><p>This site uses cookies. By reading on you agree to our use of cookies.</p></div>",
)

# Pages that give no article, each with what it says instead
CONSENT_WALL = """<!DOCTYPE html><html lang="en"><head><title>Before you read on</title></head>
<body><div class="gate"><h1>We value your privacy</h1>
<p>We use cookies to measure how our pages are read.</p>
<button>Accept all cookies</button><button>Manage your privacy choices</button></div>
<footer><a href="/cookies/">Cookie settings</a></footer></body></html>"""
PAYWALL_TEASER = """<!DOCTYPE html><html lang="en"><head><title>Bridge works run late</title>
</head><body><article><h1>Bridge works run late</h1>
<p>The harbour authority said on Monday that the bridge works would overrun by three months,
after inspectors found worn bolts in two of the old spans and asked for a second survey.</p>
<div class="offer"><p>Subscribe to continue reading.</p>
<p>Already a subscriber? Sign in.</p></div></article></body></html>"""
BOT_CHECK = """<!DOCTYPE html><html lang="en"><head><title>One moment</title></head><body>
<div class="main"><h1>One moment, please</h1><p>Checking your browser before you go on.</p>
<p>Verify you are human by ticking the box below.</p></div></body></html>"""


def fetch_world(make_settings, site):
    """The site's world section polled, and its three pages fetched: (settings, summary)."""
    settings = make_settings(feeds=[site.feed_url("world")])
    stages.poll(settings)
    return settings, stages.fetch_articles(settings)


@pytest.mark.parametrize(
    "extra", [COOKIE_FOOTER_LINK, COOKIE_BANNER, PLAIN_BANNER], ids=["footer", "banner", "plain"]
)
def test_short_articles_on_pages_with_cookie_notices_are_stored_as_articles(
    make_settings, site, extra
):
    site.pages["harbour-bridge-repairs"].paragraphs = list(UPDATE)
    site.extra.append(extra)
    settings, summary = fetch_world(make_settings, site)
    assert (summary.extracted, summary.fallback, summary.failed) == (3, 0, 0)
    update = stored(settings)["harbour-bridge-repairs"]
    assert (update["status"], update["error"]) == ("extracted", None)
    for paragraph in UPDATE:
        assert paragraph in update["text"]
    assert "cookies" not in update["text"].lower()


# Short articles that name what a notice names, in their own prose
IN_PASSING = {
    "subscribers": [
        "The streaming service said on Tuesday that its new yearly plan would cost less for "
        "subscribers who pay for twelve months at once; the monthly price stays as it is.",
        "The company expects most of its customers in the region to move to the yearly plan "
        "before the summer, a spokeswoman said. Rivals have cut their prices twice this year.",
    ],
    "cookies": [
        "The privacy regulator ruled on Thursday that cookie settings must be as easy to "
        "refuse as to accept, and gave the three largest shopping sites a month to comply.",
        "Fines for sites that keep the refusal button hidden can reach four per cent of a "
        "company's yearly turnover, the regulator said in its decision.",
    ],
}


@pytest.mark.parametrize("topic", list(IN_PASSING))
def test_a_short_article_that_names_a_notice_in_its_prose_is_an_article(make_settings, site, topic):
    site.pages["harbour-bridge-repairs"].paragraphs = IN_PASSING[topic]
    settings, summary = fetch_world(make_settings, site)
    assert summary.extracted == 3
    article = stored(settings)["harbour-bridge-repairs"]
    assert (article["status"], article["error"]) == ("extracted", None)
    assert all(paragraph in article["text"] for paragraph in IN_PASSING[topic])


@pytest.mark.parametrize(
    "page, reason",
    [(CONSENT_WALL, "consent wall"), (PAYWALL_TEASER, "paywall"), (BOT_CHECK, "bot check")],
    ids=["consent", "paywall", "bot"],
)
def test_pages_that_withhold_the_article_fall_back_to_the_feed_summary(
    make_settings, site, page, reason
):
    site.served["wheat-harvest-forecast"] = page
    site.extra.append(COOKIE_FOOTER_LINK)  # and the site's other pages are still articles
    settings, summary = fetch_world(make_settings, site)
    assert (summary.extracted, summary.fallback) == (2, 1)
    wheat = stored(settings)["wheat-harvest-forecast"]
    assert wheat["status"] == "fallback"
    assert wheat["error"] == f"the page gives no article ({reason}); used the feed summary"
    assert wheat["text"] == site.pages["wheat-harvest-forecast"].summary


def config_for(tmp_path) -> list[str]:
    path = write_config(tmp_path, stories_dir="stories", http=LOOPBACK_HTTP)
    return ["--config", str(path)]


def test_extract_exits_1_with_the_reason_when_a_page_gives_no_article(tmp_path, site):
    site.served["wheat-harvest-forecast"] = CONSENT_WALL
    site.extra.append(COOKIE_BANNER)
    wall = f"{site.url}/articles/wheat-harvest-forecast.html"
    article = f"{site.url}/articles/chess-olympiad-opens.html"
    result = CliRunner().invoke(main, ["extract", *config_for(tmp_path), wall, article])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [f"{wall}: the page gives no article (consent wall)"]
    assert "Chennai" in result.stdout and "cookies" not in result.stdout.lower()
    as_json = CliRunner().invoke(main, ["extract", "--json", *config_for(tmp_path), wall])
    assert as_json.exit_code == 1
    found = json.loads(as_json.stdout)
    assert (found["stub"], found["text"]) == ("consent wall", None)
    fine = CliRunner().invoke(main, ["extract", *config_for(tmp_path), article])
    assert fine.exit_code == 0 and "Chennai" in fine.stdout


def test_extract_goes_on_past_sources_it_cannot_read_and_names_each(tmp_path, site):
    gone = f"{site.url}/articles/no-such-article.html"
    article = f"{site.url}/articles/chess-olympiad-opens.html"
    missing = tmp_path / "missing.html"
    result = CliRunner().invoke(
        main, ["extract", *config_for(tmp_path), gone, str(missing), article]
    )
    assert result.exit_code == 1, result.output
    first, second = result.stderr.splitlines()
    assert first.startswith(gone) and "404" in first
    assert second == f"{missing}: no such file"
    assert "Chennai" in result.stdout  # the source after the bad ones was read and printed
    as_json = CliRunner().invoke(main, ["extract", "--json", *config_for(tmp_path), gone, article])
    assert as_json.exit_code == 1
    failed, found = (json.loads(line) for line in as_json.stdout.splitlines())
    assert (failed["source"], failed["text"]) == (gone, None) and "404" in failed["error"]
    assert "Chennai" in found["text"]


def test_story_add_refuses_a_seed_page_that_gives_no_article(tmp_path, site):
    site.served["wheat-harvest-forecast"] = PAYWALL_TEASER
    wall = f"{site.url}/articles/wheat-harvest-forecast.html"
    result = CliRunner().invoke(main, ["story", "add", *config_for(tmp_path), "Harvest", wall])
    assert result.exit_code == 2  # a seed that gives no article is bad input
    assert f"{wall}: the page gives no article (paywall)" in result.stderr
    assert not (tmp_path / "stories" / "harvest").exists()


def test_story_add_takes_a_short_article_whose_page_has_a_cookie_banner(tmp_path, site):
    site.pages["harbour-bridge-repairs"].paragraphs = list(UPDATE)
    site.extra += [COOKIE_BANNER, COOKIE_FOOTER_LINK]
    page = f"{site.url}/articles/harbour-bridge-repairs.html"
    result = CliRunner().invoke(main, ["story", "add", *config_for(tmp_path), "Bridge", page])
    assert result.exit_code == 0, result.output
    (seed_file,) = (tmp_path / "stories" / "bridge").glob("*.txt")  # named after its headline
    seed = seed_file.read_text("utf-8")
    assert UPDATE[1] in seed and "cookies" not in seed.lower()
