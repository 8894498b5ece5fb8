"""The event mode's watcher: says a feed has news only when it has, without touching DuckDB."""

import asyncio

import pytest

from pipeline.config import HttpConfig
from pipeline.demo import FOLLOW_UP, demo_pages
from pipeline.demo.site import DemoSite
from pipeline.http import Fetcher
from pipeline.watch import FeedWatch
from tests.conftest import LOOPBACK_HTTP, write_config


@pytest.fixture
def newsroom():
    pages = demo_pages()
    with DemoSite(pages, published={p.slug for p in pages} - {FOLLOW_UP}) as site:
        yield site


def test_the_watch_reports_a_feed_only_when_it_has_entries_not_seen_before(newsroom):
    feeds = [newsroom.feed_url(s) for s in newsroom.sections]
    watch = FeedWatch()
    with Fetcher(HttpConfig(**LOOPBACK_HTTP)) as fetcher:
        first = watch.check_all(fetcher, feeds, concurrency=2)
        assert set(first) == set(feeds)  # after a start, one catch-up: all it sees is new
        assert watch.check_all(fetcher, feeds, concurrency=2) == {}
        newsroom.publish(FOLLOW_UP)
        assert watch.check_all(fetcher, feeds, concurrency=2) == {newsroom.feed_url("space"): 1}
        assert watch.check_all(fetcher, feeds + ["http://127.0.0.1:9/gone.xml"], 2) == {}


def test_the_trigger_fires_on_news_and_keeps_watching(newsroom, tmp_path):
    pytest.importorskip("airflow", reason="Airflow is the `airflow` extra")
    from storywatch_airflow.triggers import NewEntriesTrigger

    feeds = [newsroom.feed_url(s) for s in newsroom.sections]
    config = write_config(tmp_path, http=LOOPBACK_HTTP)
    trigger = NewEntriesTrigger(config=str(config), feeds=feeds, interval=0.2)

    async def two_events():
        events = trigger.run()
        first = await asyncio.wait_for(anext(events), 10)
        newsroom.publish(FOLLOW_UP)
        second = await asyncio.wait_for(anext(events), 10)
        await events.aclose()
        return first.payload, second.payload

    first, second = asyncio.run(two_events())
    assert first["feeds"] == sorted(feeds)
    assert second == {"feeds": [newsroom.feed_url("space")], "new_entries": 1}
