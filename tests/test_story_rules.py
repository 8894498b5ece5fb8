"""A story's rules, as its reader writes them: words or phrases an article must mention or
must not (in any language, case aside, as whole words), the languages it may be in, and the
thresholds. They turn away what the matcher took for the story, and say so in its reasons:
in the match stage (the demo site, a DuckDB file) and in `storywatch classify`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.demo import FOLLOW_UP, demo_pages
from pipeline.demo.site import DemoSite
from pipeline.matching import features
from pipeline.paths import SEEDS_DIR
from pipeline.rules import Rules, excluded, mentions, normalise
from pipeline.store import open_store
from pipeline.stories import load_story

SLUG = "iss-withdrawal"


@pytest.mark.parametrize(
    ("text", "phrase", "found"),
    [
        ("Roscosmos said the ISS will fly on.", "iss", True),
        ("Roscosmos said nothing was missing.", "ISS", False),  # inside a word: no
        ("ROSCOSMOS's chief spoke.", "Roscosmos", True),  # case aside, a possessive is fine
        ("The  International\nSpace   Station", "international space station", True),
        ("Die STRASSE nach Baikonur", "Straße", True),  # casefold: ß is ss
        ("Die Raumstation bleibt", "Station", False),  # a compound is another word
        ("Роскосмос заявил о выходе", "роскосмос", True),
        ("Роскосмосу нужна станция", "Роскосмос", False),  # another form: write it too
        ("ΟΔΥΣΣΕΑΣ ταξιδεύει", "Οδυσσέας", True),  # Greek capitals drop their accents
        ("LA SOCIETE ARIANESPACE", "Société", True),  # and French ones often do
        ("東京五輪の延期が決まった", "東京五輪", True),  # no spaces between words
        ("国際宇宙ステーションから撤退", "宇宙", True),
        ("서울에서 발표했다", "서울", True),  # a particle stuck to the noun
        ("การถอนตัวจากสถานีอวกาศ", "สถานีอวกาศ", True),  # Thai
        ("नासा ने कहा कि रूस 2028 तक रहेगा", "नासा", True),  # Hindi, vowel signs and all
        ("Soyuz MS-22 lost its coolant", "soyuz ms-22", True),
        ("Soyuz MS-220 is another craft", "Soyuz MS-22", False),
        ("ｒｏｓｃｏｓｍｏｓ", "Roscosmos", True),  # full-width letters fold (NFKC)
    ],
)
def test_a_phrase_is_found_case_aside_as_whole_words_in_any_script(text, phrase, found):
    assert mentions(normalise(text), phrase) is found


def test_each_rule_says_what_decided():
    f = features("Roscosmos and NASA spoke of the ISS and of Soyuz MS-22.", "en")
    assert excluded(f, Rules(languages=("de", "fr"))) == {
        "rule": "languages", "words": ["de", "fr"], "verdict": "",
    }  # fmt: skip
    assert excluded(f, Rules(languages=("en-GB", "EN"))) is None  # a tag's variants
    assert excluded(f, Rules(must_not_mention=("Soyuz MS-22", "leak"))) == {
        "rule": "must_not_mention", "words": ["Soyuz MS-22"], "verdict": "",
    }  # fmt: skip
    rules = Rules(must_mention=(("Roskosmos", "Roscosmos"), ("Putin",), ("ESA", "Borisov")))
    assert excluded(f, rules) == {
        "rule": "must_mention", "words": ["Putin", "ESA or Borisov"], "verdict": "",
    }  # fmt: skip
    assert excluded(f, Rules(must_mention=(("roscosmos",), ("nasa", "esa")))) is None


@pytest.fixture
def site():
    """The demo site with every page published: the seeds, the follow-up, the others."""
    with DemoSite(demo_pages()) as s:
        yield s


@pytest.fixture
def config(make_settings, tmp_path) -> Path:
    shutil.copytree(SEEDS_DIR / SLUG, tmp_path / "stories" / SLUG)
    make_settings(stories_dir="stories", embedding={"model": ""})
    return tmp_path / "storywatch.toml"


def storywatch(config: Path, *args: str, stdin: str | None = None):
    result = CliRunner().invoke(main, [*args, "--config", str(config)], input=stdin)
    assert "Traceback" not in result.output
    return result


def verdicts(config: Path) -> dict[str, dict]:
    """The matcher's verdict on each article, by its title, with its reasons."""
    with open_store(config.parent / "var" / "storywatch.duckdb", read_only=True) as store:
        rows = store.rows_sql(
            "SELECT a.title, m.verdict, m.reasons, m.new_facts,"
            " (SELECT count(*) FROM alerts al WHERE al.match_id = m.id) AS alerts"
            " FROM matches m JOIN articles a ON a.id = m.article_id WHERE a.status <> 'seed'"
        )
    return {r["title"]: r | {"reasons": json.loads(r["reasons"])} for r in rows}


FOLLOW_UP_TITLE = "NASA says Russia now plans to stay on the ISS until 2028"


def test_must_not_mention_turns_the_update_away_and_says_why(config, site, mail):
    rules = storywatch(config, "story", "rules", SLUG, "--must-not-mention", "kathy lueders")
    assert rules.exit_code == 0, rules.output
    assert "must not mention 'kathy lueders'" in rules.output
    assert storywatch(config, "run").exit_code == 0

    judged = verdicts(config)
    follow_up = judged[FOLLOW_UP_TITLE]
    assert (follow_up["verdict"], follow_up["alerts"], follow_up["new_facts"]) == (
        "related",
        0,
        "[]",
    )
    assert follow_up["reasons"]["excluded_by"] == {
        "rule": "must_not_mention", "words": ["kathy lueders"], "verdict": "update",
    }  # fmt: skip
    assert follow_up["reasons"]["why"] == (
        "the story's rules: it mentions 'kathy lueders', which the story must not"
    )
    assert mail.messages() == []  # what the rule turned away emails nobody
    # the reprints of the seeds do not mention her: the rule leaves them as they were
    assert sum(v["verdict"] == "duplicate" for v in judged.values()) == 5
    assert all("excluded_by" not in v["reasons"] for t, v in judged.items() if t != FOLLOW_UP_TITLE)
    shown = storywatch(config, "story", "show", SLUG).output
    assert "(1 turned away by its rules)" in shown


def test_must_mention_and_languages_turn_away_what_lacks_them(config, site, mail):
    storywatch(config, "story", "rules", SLUG, "--must-mention", "Kremlin | Putin's office")
    assert storywatch(config, "run").exit_code == 0
    judged = verdicts(config)
    story_verdicts = [v for v in judged.values() if "excluded_by" in v["reasons"]]
    # every article the matcher took for the story lacks both: each is turned away
    assert len(story_verdicts) == 6
    assert {v["reasons"]["excluded_by"]["verdict"] for v in story_verdicts} == {
        "duplicate",
        "update",
    }
    assert all(v["verdict"] == "related" for v in story_verdicts)
    assert story_verdicts[0]["reasons"]["excluded_by"]["words"] == ["Kremlin or Putin's office"]


def test_a_language_rule_from_the_command_line_keeps_the_readers_comments(config, site):
    story_toml = config.parent / "stories" / SLUG / "story.toml"
    before = story_toml.read_text()
    bad = storywatch(config, "story", "rules", SLUG, "--language", "not a language")
    assert bad.exit_code == 2 and "not a language tag" in bad.output
    assert len(bad.output.strip().splitlines()) == 1
    assert story_toml.read_text() == before

    done = storywatch(config, "story", "rules", SLUG, "--language", "de", "--language", "fr")
    assert done.exit_code == 0, done.output
    after = story_toml.read_text()
    comments = [line for line in before.splitlines() if line.startswith("#")]
    assert comments and all(line in after.splitlines() for line in comments)
    assert load_story(story_toml.parent, []).rules.languages == ("de", "fr")

    assert storywatch(config, "run").exit_code == 0
    excluded_by = [v["reasons"].get("excluded_by") for v in verdicts(config).values()]
    assert {"rule": "languages", "words": ["de", "fr"], "verdict": "update"} in excluded_by

    cleared = storywatch(config, "story", "rules", SLUG, "--clear", "languages")
    assert cleared.exit_code == 0 and "no rules" in cleared.output
    assert load_story(story_toml.parent, []).rules == Rules()


def test_thresholds_from_the_command_line_are_the_storys_own(config, site):
    raised = storywatch(config, "story", "rules", SLUG, "--threshold", "match=0.99")
    assert raised.exit_code == 0, raised.output
    assert "[matching] match = 0.99" in raised.output
    assert storywatch(config, "run").exit_code == 0
    # no article comes that close to the story's names and words
    assert {v["verdict"] for v in verdicts(config).values()} <= {"related", "unrelated"}

    out_of_range = storywatch(config, "story", "rules", SLUG, "--threshold", "match=7")
    assert out_of_range.exit_code == 2 and "matching.match" in out_of_range.output
    unknown = storywatch(config, "story", "rules", SLUG, "--threshold", "closeness=1")
    assert unknown.exit_code == 2 and "KEY one of match, related" in unknown.output
    back = storywatch(config, "story", "rules", SLUG, "--threshold", "match=")
    assert back.exit_code == 0 and "[matching]" not in back.output
    assert load_story(config.parent / "stories" / SLUG, []).matching == {}


def test_classify_applies_the_storys_rules(config):
    folder = config.parent / "stories" / SLUG
    storywatch(config, "story", "rules", SLUG, "--must-not-mention", "Lueders")
    follow_up = next(p for p in demo_pages() if p.slug == FOLLOW_UP)
    items = json.dumps(
        {"id": "a", "title": follow_up.title, "text": "\n".join(follow_up.paragraphs)}
    )
    out = storywatch(config, "classify", "--story", SLUG, stdin=items)
    assert out.exit_code == 0, out.output
    (line,) = [json.loads(line) for line in out.output.splitlines() if line.startswith("{")]
    assert line["verdict"] == "related" and line["new_facts"] == []
    assert line["reasons"]["excluded_by"]["rule"] == "must_not_mention"
    assert load_story(folder, []).rules.must_not_mention == ("Lueders",)
