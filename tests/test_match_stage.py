"""The match stage's phases on a real DuckDB file: it reads, judges with the file closed, then
writes; another run may come and go in between, and nothing is written twice."""

from datetime import UTC, datetime

from pipeline import stages
from pipeline.stages.match import judge, read_work, write
from pipeline.stages.sync import sync_stories
from pipeline.store import open_store

NOW = datetime(2022, 8, 1, tzinfo=UTC)
STORED = {
    "matches": "SELECT article_id, story_id, verdict, score, reasons FROM matches ORDER BY id",
    "alerts": "SELECT idempotency_key, match_id, status FROM alerts ORDER BY id",
    "story_documents": "SELECT article_id, role FROM story_documents ORDER BY added_at",
    "corroborations": "SELECT * FROM corroborations ORDER BY ALL",
    "fingerprints": "SELECT article_id, minhash FROM article_fingerprints ORDER BY 1",
}


def stored(settings) -> dict[str, list]:
    with open_store(settings.database, read_only=True) as store:
        return {name: store.rows_sql(query) for name, query in STORED.items()}


def judged_demo(make_settings):
    """The demo's 10 articles fetched, then a match run's first two phases: read and judge."""
    settings = make_settings()
    stages.poll(settings)
    assert stages.fetch_articles(settings).extracted == 10
    with open_store(settings.database) as store:
        stories = dict(sync_stories(store, settings))
    with open_store(settings.database, read_only=True) as store:
        work = read_work(store, stories)
    return settings, stories, work, judge(settings, stories, work)


def test_the_next_run_can_match_while_a_run_judges_and_nothing_is_written_twice(make_settings):
    settings, stories, work, judged = judged_demo(make_settings)
    assert len(judged) == 10  # judged with the file closed: another writer may open it

    other = stages.match(settings, now=NOW)
    assert sum(other.verdicts.values()) == 10 and other.alerts_queued == 1
    after_other = stored(settings)

    # the first run's decisions were made from a story that has changed since: not written
    with open_store(settings.database) as store, store.transaction():
        assert write(store, settings, stories, work, judged, NOW) == ([], 0)
    assert stored(settings) == after_other
    assert stages.match(settings, now=NOW).verdicts == {}


def test_one_run_stores_what_the_phases_decided_in_their_order(make_settings):
    settings, stories, work, judged = judged_demo(make_settings)
    with open_store(settings.database) as store, store.transaction():
        written, queued = write(store, settings, stories, work, judged, NOW)
    assert written == judged and queued == 1
    rows = stored(settings)
    assert [(m["article_id"], m["verdict"]) for m in rows["matches"]] == [
        (j.article["id"], j.decision.verdict) for j in judged
    ]
    updates = [j.article["id"] for j in judged if j.decision.verdict == "update"]
    assert [d["article_id"] for d in rows["story_documents"] if d["role"] == "update"] == updates
    copies = {j.article["id"] for j in judged if j.decision.verdict in ("rehash", "duplicate")}
    assert {f["article_id"] for f in rows["fingerprints"]} == copies
    (alert,) = rows["alerts"]
    update_match = next(m for m in rows["matches"] if m["verdict"] == "update")
    assert alert["status"] == "pending"
    # the outbox row points at its match, written in the same transaction
    with open_store(settings.database, read_only=True) as store:
        (row,) = store.rows_sql(
            "SELECT m.article_id FROM alerts al JOIN matches m ON m.id = al.match_id"
        )
    assert row["article_id"] == update_match["article_id"]
