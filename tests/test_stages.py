"""Stages against the loopback site and mail server: re-runs, and failures that lose nothing."""

import numpy as np

from pipeline import stages
from pipeline.matching.features import SIGNATURE_SCHEME
from pipeline.store import open_store
from pipeline.story_memory import memory_of
from pipeline.sync import sync_stories


def test_a_second_pass_finds_nothing_new_and_sends_nothing(make_settings, mail):
    settings = make_settings()
    first = stages.run(settings)
    assert first[0].new_entries == 10 and first[3].sent == 1
    second = stages.run(settings, force=True)
    assert second[0].ok == 2 and second[0].new_entries == 0
    assert (second[1].extracted, second[1].failed) == (0, 0)
    assert second[2].verdicts == {} and second[2].alerts_queued == 0
    assert second[3].sent == 0
    assert len(mail.messages()) == 1


def test_a_broken_feed_is_recorded_and_the_others_go_on(make_settings, site):
    broken = f"{site.url}/feeds/no-such-section.xml"
    not_a_feed = f"{site.url}/articles/chess-olympiad-opens.html"
    settings = make_settings(feeds=[broken, not_a_feed, site.feed_url("world")])
    summary = stages.poll(settings)
    assert (summary.ok, summary.failed, summary.new_entries) == (1, 2, 3)
    with open_store(settings.database, read_only=True) as store:
        health = {r["url"]: r for r in store.rows_sql("SELECT * FROM feed_health")}
    assert health[broken]["status"] == "degraded"
    assert health[broken]["last_error"] == "HTTP 404 Not Found"
    assert health[not_a_feed]["last_error"].startswith("not a feed")
    assert health[site.feed_url("world")]["status"] == "ok"


def test_a_missing_page_is_marked_failed_and_retried_later(make_settings, site):
    settings = make_settings(feeds=[site.feed_url("world")])
    stages.poll(settings)
    site.published.discard("chess-olympiad-opens")  # the feed listed it, the page is gone
    summary = stages.fetch_articles(settings)
    assert (summary.extracted, summary.failed) == (2, 1)
    with open_store(settings.database, read_only=True) as store:
        failed = store.rows_sql("SELECT error, attempts FROM articles WHERE status = 'failed'")
    assert failed == [{"error": "HTTP 404 Not Found", "attempts": 1}]
    site.publish("chess-olympiad-opens")
    assert stages.fetch_articles(settings).extracted == 1


def test_an_alert_waits_in_the_outbox_while_the_mail_server_is_down(make_settings, mail):
    settings = make_settings(smtp={"host": "127.0.0.1", "port": 9, "timeout": 2})
    stages.poll(settings), stages.fetch_articles(settings)
    assert stages.match(settings).alerts_queued == 1
    assert stages.send_alerts(settings).failed == 1
    with open_store(settings.database, read_only=True) as store:
        (alert,) = store.rows("alert_outbox", {"status": None, "story": None, "limit": None})
    assert alert["status"] == "failed" and "cannot reach 127.0.0.1:9" in alert["last_error"]
    assert mail.messages() == []


def test_copies_are_remembered_by_stored_fingerprints_made_again_when_the_scheme_changes(
    make_settings,
):
    settings = make_settings()
    stages.poll(settings), stages.fetch_articles(settings), stages.match(settings)
    copies_sql = "SELECT article_id FROM matches WHERE verdict IN ('duplicate', 'rehash')"
    prints_sql = "SELECT article_id, scheme FROM article_fingerprints ORDER BY 1"
    with open_store(settings.database) as store:
        copies = {r["article_id"] for r in store.rows_sql(copies_sql)}
        assert len(copies) == 5  # the seeds as the demo site serves them
        stored = store.rows_sql(prints_sql)
        assert {r["article_id"] for r in stored} == copies
        assert {r["scheme"] for r in stored} == {SIGNATURE_SCHEME}

        ((story_id, story),) = sync_stories(store, settings).stories
        from_prints = memory_of(store, story_id, story)
        store.con.execute("UPDATE article_fingerprints SET scheme = 'an older scheme'")
        remade = memory_of(store, story_id, story)
        assert store.rows_sql(prints_sql) == stored
    assert from_prints.copies.keys() == remade.copies.keys() >= copies
    assert all(np.array_equal(from_prints.copies[i], remade.copies[i]) for i in copies)
