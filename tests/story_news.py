"""A story's news, as the tests of emails and timelines publish it on the demo site.

The demo site publishes the story's seeds first (duplicates: no email), then, one by one:
the follow-up (Russia to stay until 2028: an update), the same news from another outlet (a
rehash: no email of its own, listed as "also reported by"), and a second update (the first
ROSS module in 2027). The articles are the team's own words.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from pipeline import stages
from pipeline.demo import SEED_DAY, demo_pages
from pipeline.demo.pages import page_from_text
from pipeline.demo.site import DemoSite

FOLLOW_UP = "iss-exit-2028"
ALSO = "iss-2028-elsewhere"
SECOND = "ross-first-module-2027"
T0 = datetime(2026, 3, 2, 10, 20, tzinfo=UTC)

EXTRA_PAGES = {
    ALSO: """Title: Russia to keep crews on the space station until 2028, NASA says
Published: 2022-07-27T20:10:00Z
Section: space

Russia will keep sending cosmonauts to the International Space Station until 2028, NASA's \
Kathy Lueders said on Wednesday.

According to Lueders, the Russian side indicated that this means remaining on board until \
2028 rather than pulling out soon after 2024.

Roscosmos chief Yury Borisov had told President Vladimir Putin on Tuesday that Russia would \
quit the station after 2024 and build its own outpost, ROSS.
""",
    SECOND: """Title: Roscosmos says first ROSS module to launch in 2027
Published: 2022-07-29T08:00:00Z
Section: space

Roscosmos said on Friday that the first module of its ROSS space station would be launched in \
2027, once Russia leaves the International Space Station.

Yury Borisov told reporters that the station would cost about 609 billion roubles over the \
next decade.

Russia has said it will quit the International Space Station after 2024 and build its own \
outpost.
""",
}


@contextmanager
def news_site() -> Iterator[DemoSite]:
    """The demo site with the seeds and other stories published; the news comes later."""
    pages = demo_pages() + [page_from_text(s, t, SEED_DAY) for s, t in EXTRA_PAGES.items()]
    held_back = {FOLLOW_UP, *EXTRA_PAGES}
    with DemoSite(pages, published={p.slug for p in pages} - held_back) as s:
        yield s


def run(settings, now: datetime) -> list:
    """One pass of the pipeline at `now` (the clock of digests, cooldowns and retries)."""
    return [
        stages.poll(settings, force=True),
        stages.fetch_articles(settings),
        stages.match(settings, now=now),
        stages.send_alerts(settings, now=now),
    ]


def tell_the_story(settings, site: DemoSite) -> list:
    """The seeds' pass, then the follow-up (an update), the same news elsewhere (a follower of
    it) and the second update, each published before a pass; the last pass's summaries."""
    run(settings, T0 - timedelta(hours=1))
    passes = []
    for later, slug in ((timedelta(0), FOLLOW_UP), (timedelta(minutes=10), ALSO),
                        (timedelta(hours=2), SECOND)):  # fmt: skip
        site.publish(slug)
        passes.append(run(settings, T0 + later))
    verdicts = [p[2].verdicts for p in passes]
    assert verdicts == [{"update": 1}, {"rehash": 1}, {"update": 1}], verdicts
    return passes[-1]
