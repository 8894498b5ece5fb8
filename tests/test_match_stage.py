"""The match stage's phases on a real DuckDB file: it reads, judges with the file closed, then
writes; another run may come and go in between, and nothing is written twice."""

import importlib
import json
from datetime import UTC, datetime

from pipeline import stages
from pipeline.explanation import stored_facts
from pipeline.stages.match import judge, read_work, write
from pipeline.store import open_store
from pipeline.sync import sync_stories
from tests.conftest import LOOPBACK_HTTP

# the module: `pipeline.stages` exports the stage function under the same name
match_stage = importlib.import_module("pipeline.stages.match")
NOW = datetime(2022, 8, 1, tzinfo=UTC)
# What a run stores, named by the articles' links: ids depend on what came before, and on the
# order in which the fetch stage's threads finished the pages
NAME = "(SELECT coalesce(url, source) FROM articles WHERE id = {})"
STORED = {
    "matches": f"SELECT {NAME.format('article_id')} AS article, story_id, verdict, score, reasons "
    "FROM matches ORDER BY id",
    "alerts": f"SELECT {NAME.format('m.article_id')} AS article, al.recipient, al.status "
    "FROM alerts al JOIN matches m ON m.id = al.match_id ORDER BY al.id",
    "story_documents": f"SELECT {NAME.format('article_id')} AS article, role "
    "FROM story_documents ORDER BY added_at, 1",
    "corroborations": f"SELECT {NAME.format('u.article_id')} AS update_article, "
    f"{NAME.format('c.article_id')} AS article FROM corroborations "
    "JOIN matches u ON u.id = update_match_id JOIN matches c ON c.id = match_id ORDER BY ALL",
    "fingerprints": f"SELECT {NAME.format('article_id')} AS article, minhash "
    "FROM article_fingerprints ORDER BY 1",
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
        stories = dict(sync_stories(store, settings).stories)
    with open_store(settings.database, read_only=True) as store:
        work = read_work(store, stories)
    return settings, stories, work, [j for batch in judge(settings, stories, work) for j in batch]


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
    with open_store(settings.database, read_only=True) as store:
        link = dict(store.con.execute("SELECT id, coalesce(url, source) FROM articles").fetchall())
    assert [(m["article"], m["verdict"]) for m in rows["matches"]] == [
        (link[j.article["id"]], j.decision.verdict) for j in judged
    ]
    updates = [link[j.article["id"]] for j in judged if j.decision.verdict == "update"]
    assert [d["article"] for d in rows["story_documents"] if d["role"] == "update"] == updates
    copies = {
        link[j.article["id"]] for j in judged if j.decision.verdict in ("rehash", "duplicate")
    }
    assert {f["article"] for f in rows["fingerprints"]} == copies
    (alert,) = rows["alerts"]
    assert alert["status"] == "pending"
    # the outbox row points at the update's match, written in the same transaction
    assert alert["article"] in updates


def test_a_run_written_in_many_batches_stores_what_one_batch_would(make_settings, monkeypatch):
    runs = []
    for batch in (match_stage.BATCH, 3):  # 3: the 10 decisions in four transactions
        monkeypatch.setattr(match_stage, "BATCH", batch)
        # one page at a time: both runs give the articles the same ids, so the same order
        http = LOOPBACK_HTTP | {"concurrency": 1}
        settings = make_settings(database=f"var/batch-{batch}.duckdb", http=http)
        stages.poll(settings), stages.fetch_articles(settings)
        runs.append((stages.match(settings, now=NOW), stored(settings)))
    (one, in_one), (many, in_many) = runs
    assert many == one and in_many == in_one
    assert sum(one.verdicts.values()) == 10 and one.alerts_queued == 1


def test_what_the_matcher_explains_is_stored_as_sql_reads_it_and_read_back_as_it_was(
    make_settings,
):
    settings, stories, work, judged = judged_demo(make_settings)
    with open_store(settings.database) as store, store.transaction():
        write(store, settings, stories, work, judged, NOW)
    with open_store(settings.database, read_only=True) as store:
        rows = store.rows_sql(
            "SELECT story_id, article_id, new_facts, changed_facts, reasons,"
            " reasons->>'shared_terms' AS shared_terms,"
            " reasons->'nearest_sentences'->0->>'known_as' AS nearest,"
            " CAST(reasons->'nearest_sentences'->0->>'known_in' AS BIGINT) AS told_by FROM matches"
        )
        articles = {r["id"] for r in store.rows_sql("SELECT id FROM articles")}
    stored = {(r["story_id"], r["article_id"]): r for r in rows}
    # the demo has an update and rehashes, whose nearest known sentences are read back
    assert any(j.decision.new_facts for j in judged)
    assert any(j.decision.reasons.get("nearest_sentences") for j in judged)
    for j in judged:
        row, decision = stored[j.story_id, j.article["id"]], j.decision
        assert stored_facts(row) == (decision.new_facts, decision.changed_facts)
        assert json.loads(row["reasons"]) == decision.reasons
        assert json.loads(row["shared_terms"]) == decision.reasons["shared_terms"]
        nearest = decision.reasons.get("nearest_sentences")
        assert row["nearest"] == (nearest[0]["known_as"] if nearest else None)
        # and which article the story knows that sentence from, by the id SQL joins on
        assert row["told_by"] is None if not nearest else row["told_by"] in articles
