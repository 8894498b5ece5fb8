"""What the matcher decides, case by case, and the replay interface users backtest with."""

import json

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.matching import StoryMemory, classify, features
from pipeline.paths import SEEDS_DIR
from pipeline.replay import item_text
from pipeline.stories import load_story
from tests.conftest import write_config

STORY = load_story(SEEDS_DIR / "iss-withdrawal", [])
# Written for these tests; facts from the news of 27 July 2022 and April 2023.
FOLLOW_UP = (
    "NASA's Kathy Lueders said on Wednesday that Russian officials had told the agency "
    "Roscosmos would keep flying crews to the International Space Station until its own "
    "orbital station is working. Sergei Krikalev, who runs human spaceflight at Roscosmos, "
    "said the departure announced by Yury Borisov would not happen at once."
)
SECOND_OUTLET = (
    "Russia will not leave the ISS abruptly: Roscosmos executive Sergei Krikalev said the "
    "exit Yury Borisov announced to Putin would be gradual, and NASA's Kathy Lueders said "
    "Russian officials told NASA they would fly crews until their own station works."
)


def memory() -> StoryMemory:
    return StoryMemory([(-1 - i, d.text) for i, d in enumerate(STORY.documents)])


def test_a_follow_up_is_an_update_naming_its_new_facts_and_why():
    decision = classify(FOLLOW_UP, memory())
    assert decision.verdict == "update"
    assert any("Lueders" in fact for fact in decision.new_facts)
    # names as the article writes them, not as the matcher folds them ("roscosmo")
    assert {"Roscosmos", "Borisov"} <= set(decision.reasons["shared_names"])
    assert decision.reasons["words"] > 0 and decision.reasons["cast"] > 0


def test_a_second_outlet_with_the_same_new_fact_is_a_rehash_once_the_story_learned_it():
    story = memory()
    first = features(FOLLOW_UP)
    assert classify(first, story).verdict == "update"
    story.learn(1, first)
    assert classify(SECOND_OUTLET, story).verdict == "rehash"


def test_a_rehash_names_the_first_document_that_told_each_of_its_sentences():
    story = memory()
    first = features(FOLLOW_UP)
    story.learn(1, first)
    story.learn(2, features(FOLLOW_UP))  # a second outlet's copy, accepted later
    decision = classify(SECOND_OUTLET, story)
    assert decision.verdict == "rehash"
    (nearest,) = decision.reasons["nearest_sentences"]
    assert nearest["sentence"] == SECOND_OUTLET
    assert nearest["known_as"] in FOLLOW_UP and nearest["known_in"] == 1


def test_background_below_a_known_lead_is_a_rehash_but_the_same_news_in_the_lead_an_update():
    known_lead = (
        "Russia will leave the International Space Station after 2024, Roscosmos chief Yury "
        "Borisov told President Vladimir Putin on Tuesday, and build its own orbital station."
    )
    background = (
        "Sergei Krikalev, a veteran cosmonaut who flew on Mir and commanded the first "
        "Expedition crew, now runs human spaceflight at Roscosmos."
    )
    retold = classify(
        f"{known_lead}\nRussia said it would keep its obligations.\n"
        f"Putin replied: good.\nNASA had no comment.\n{background}",
        memory(),
    )
    assert retold.verdict == "rehash"
    assert retold.new_facts == [] and retold.reasons["background"] == [background]
    news_first = classify(f"{background}\n{known_lead}", memory())
    assert news_first.verdict == "update" and news_first.new_facts == [background]


def test_transliterated_names_are_the_same_actors():
    german = features("Juri Borissow und sein Vorgänger Dmitri Rogosin leiteten Roskosmos.", "de")
    english = features("Yury Borisov and Dmitry Rogozin ran Roscosmos.")
    assert set(english.entities) == {"iuri", "borisov", "dmitri", "rogosin", "roscosmo"}
    assert set(english.entities) <= set(german.entities)


def test_a_copy_with_trivial_edits_is_a_duplicate_of_the_first_copy():
    story = memory()
    story.learn(1, features(FOLLOW_UP))
    copy = "WASHINGTON (Reuters) - " + FOLLOW_UP.replace("Wednesday", "Wednesday,")
    decision = classify(copy, story)
    assert decision.verdict == "duplicate" and decision.duplicate_of == 1


def test_a_seed_reprinted_without_its_comment_thread_is_a_duplicate_of_that_seed():
    blog = STORY.documents[3]
    post_only = blog.text.split("taurus the judge")[0]
    decision = classify(post_only, memory())
    assert decision.verdict == "duplicate" and decision.duplicate_of == -4


def test_a_changed_date_is_reported_as_a_changed_fact():
    story = StoryMemory(
        [
            (
                1,
                "Russia will leave the space station after 2024, the agency chief "
                "Yury Borisov told President Vladimir Putin at the Kremlin.",
            )
        ]
    )
    decision = classify("Russia will now leave the space station in 2030, agency chief Yury "
                        "Borisov told President Vladimir Putin, a change from the Kremlin's "
                        "earlier plan.", story)  # fmt: skip
    assert decision.verdict == "update"
    assert decision.changed_facts[0]["was"] == "after 2024"
    assert decision.changed_facts[0]["now"] == "in 2030"


def test_same_names_another_story_is_related_and_no_shared_names_is_unrelated():
    soyuz = ("A coolant leak on the Soyuz MS-22 capsule docked at the International Space "
             "Station forced Roscosmos to call off a spacewalk by cosmonauts Sergey Prokopyev "
             "and Dmitri Petelin; NASA said the crew was never in danger.")  # fmt: skip
    assert classify(soyuz, memory()).verdict == "related"
    bakery = "The bakery on Mill Lane reopened on Saturday with a new bread oven and longer hours."
    assert classify(bakery, memory()).verdict == "unrelated"


def test_an_article_in_another_language_is_never_an_update():
    french = ("Roscosmos a informé la NASA que la Russie restera sur l'ISS jusqu'en 2028, a "
              "déclaré Iouri Borissov, qui avait annoncé à Vladimir Poutine un départ après "
              "2024 et la construction de la station ROSS.")  # fmt: skip
    decision = classify(features(french, "fr"), memory())
    assert decision.verdict != "update" and decision.new_facts == []


def test_classify_replays_jsonl_in_order_learning_unless_frozen(tmp_path):
    config = write_config(tmp_path, stories_dir=str(SEEDS_DIR))
    lines = "\n".join(
        json.dumps(item)
        for item in [
            {"id": "a", "title": "Russia to stay until its station works", "text": FOLLOW_UP},
            {"id": "b", "text": SECOND_OUTLET},
            {"id": "c", "html": f"<html><body><article><p>{FOLLOW_UP}</p></article></body></html>"},
            {"id": "d"},
        ]
    )
    args = ["classify", "--config", str(config), "--story", "iss-withdrawal"]
    learning = CliRunner().invoke(main, args, input=lines)
    out = [json.loads(line) for line in learning.output.splitlines() if line.startswith("{")]
    assert [o["id"] for o in out] == ["a", "b", "c", "d"]
    assert [o["verdict"] for o in out[:3]] == ["update", "rehash", "duplicate"]
    assert out[2]["duplicate_of"] == "a"
    # documents by the ids the input gives them: the seeds by their files, items by theirs
    assert out[0]["reasons"]["nearest_document"].startswith("seed:")
    assert "a" in {n["known_in"] for n in out[1]["reasons"]["nearest_sentences"]}
    assert out[3]["error"] == 'line 4: an item needs "text" or "html"'
    assert learning.exit_code == 1  # and it says how many items could not be judged
    for key in ("score", "new_facts", "changed_facts", "reasons"):
        assert key in out[0]
    frozen = CliRunner().invoke(main, [*args, "--frozen"], input=lines)
    verdicts = [json.loads(line)["verdict"] for line in frozen.output.splitlines()[:3]]
    assert verdicts == ["update", "update", "update"]  # the story as defined, every time


def test_an_html_item_without_a_title_is_judged_with_its_page_headline():
    headline = "Putin sets 2027 for the launch of the first module of Russia's station"
    body = "<p>" + " ".join([SECOND_OUTLET] * 3) + "</p>"
    html = (
        f"<html><head><title>{headline}</title></head><body><article>{body}</article></body></html>"
    )
    assert item_text({"id": 1, "html": html}).startswith(headline)
    assert classify(item_text({"id": 1, "html": html}), memory()).new_facts[0] == headline
