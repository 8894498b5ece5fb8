"""A story's timeline page as a reader sees it: the file the alert stage wrote, opened in the
system's headless Chromium (driven by Playwright, which downloads no browser of its own).

The screenshots go to var/timeline-screenshot.png (wide) and var/timeline-narrow.png (a
phone's width): look at them after a run. Text, links and layout are asserted from the DOM.
Without Debian's `chromium` the test is skipped, saying so (tests/chromium.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, sync_playwright

from pipeline.paths import PROJECT_ROOT
from tests.chromium import system_chromium
from tests.story_news import ALSO, FOLLOW_UP, SECOND, news_site, tell_the_story

ENTRIES = "ol.timeline > li.entry"


@pytest.fixture(scope="session")
def chromium() -> str:
    return system_chromium()


@pytest.fixture
def site():
    with news_site() as s:
        yield s


@pytest.fixture
def timeline(make_settings, site):
    """The story's page after its seeds, two updates and a follower of the first."""
    settings = make_settings()
    tell_the_story(settings, site)
    return settings.site.dir / "iss-withdrawal" / "index.html"


@pytest.fixture
def browser(chromium):
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


def boxes(page: Page, selector: str) -> list[dict]:
    return [e.bounding_box() for e in page.locator(selector).all()]


def overflowing(page: Page) -> list[str]:
    """Elements that stick out past the right edge of the window (a reader would scroll)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40))"""
    )


def test_the_timeline_reads_in_order_with_working_links(browser, timeline, site):
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(timeline.as_uri())
    var = PROJECT_ROOT / "var"
    var.mkdir(exist_ok=True)
    page.screenshot(path=var / "timeline-screenshot.png", full_page=True)

    assert page.title() == "Russia leaves the ISS · timeline"
    assert page.locator("h1").inner_text() == "Russia leaves the ISS"
    assert "build its own station" in page.locator(".description").inner_text()
    ids = [e.get_attribute("id") for e in page.locator(ENTRIES).all()]
    assert ids == [*(f"seed-{n}" for n in range(1, 6)), "update-1", "update-2"]

    # one below the other, in that order, none over another, all of them visible
    entries = boxes(page, ENTRIES)
    assert all(b["height"] > 40 and b["width"] > 500 for b in entries)
    assert all(a["y"] + a["height"] <= b["y"] for a, b in zip(entries, entries[1:], strict=False))
    assert overflowing(page) == []

    first, second = page.locator("li.entry.update").all()
    assert first.locator("h2").inner_text() == (
        "NASA says Russia now plans to stay on the ISS until 2028"
    )
    assert first.locator("h2 a").get_attribute("href") == f"{site.url}/articles/{FOLLOW_UP}.html"
    assert first.locator(".first").inner_text() == (
        "First reported by The Daily Orbit, 27 Jul 2022 18:40 UTC"
    )
    changed = first.locator("ul.changes li").inner_text()
    assert changed.startswith("after 2024 → in 2028")
    assert "The story had:" in changed
    assert first.locator("ul.changes .said mark").all_inner_texts() == ["in 2028"]
    assert first.locator("ul.changes .had mark").all_inner_texts() == ["after 2024"]
    (follower,) = first.locator("ul.followers li").all()
    assert follower.inner_text().startswith(
        "The Daily Orbit, 27 Jul 2022 20:10 UTC: Russia to keep"
    )
    assert follower.locator("a").get_attribute("href") == f"{site.url}/articles/{ALSO}.html"
    assert second.locator("h2 a").get_attribute("href") == f"{site.url}/articles/{SECOND}.html"
    assert "as soon as 2025 → in 2027" in second.locator("ul.changes").inner_text()
    assert second.locator(".followers.none").inner_text() == "No other outlet has carried it yet."

    # a changed value stands out: its <mark> has a background of its own
    mark = first.locator("ul.changes .said mark")
    assert mark.evaluate("m => getComputedStyle(m).backgroundColor") not in (
        "rgba(0, 0, 0, 0)",
        "transparent",
    )
    # the feed link opens the feed beside the page
    feed = page.locator("a[type='application/atom+xml']")
    assert feed.inner_text() == "Atom feed"
    assert feed.evaluate("a => a.href") == (timeline.parent / "updates.xml").as_uri()
    assert page.locator("script").count() == 0


def test_on_a_phone_nothing_sticks_out_and_the_entries_stay_in_order(browser, timeline):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(timeline.as_uri())
    page.screenshot(path=PROJECT_ROOT / "var" / "timeline-narrow.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert overflowing(page) == []
    entries = boxes(page, ENTRIES)
    assert all(a["y"] + a["height"] <= b["y"] for a, b in zip(entries, entries[1:], strict=False))
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= 360 for b in entries)
