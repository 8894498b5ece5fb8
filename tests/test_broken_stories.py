"""One broken story folder is reported (one line, and in SQL) and every other story is still
matched and alerted. A story that loaded before pauses while broken and catches up when fixed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import stages
from pipeline.cli import main
from pipeline.config import MatchingConfig
from pipeline.demo import FOLLOW_UP, demo_pages
from pipeline.demo.site import DemoSite
from pipeline.paths import SEEDS_DIR
from pipeline.store import open_store
from pipeline.stories import StoryError, load_story

GOOD = "iss-withdrawal"


@pytest.fixture
def site():
    """The demo site with the seeds published; the follow-up (an update) comes later."""
    pages = demo_pages()
    with DemoSite(pages, published={p.slug for p in pages} - {FOLLOW_UP}) as s:
        yield s


@pytest.fixture
def stories_dir(tmp_path) -> Path:
    folder = tmp_path / "stories"
    shutil.copytree(SEEDS_DIR / GOOD, folder / GOOD)
    return folder


def add_broken_stories(stories_dir: Path) -> dict[str, str]:
    """A folder for each way a story can be broken, with what its error must say."""
    (stories_dir / "bad-toml").mkdir()
    (stories_dir / "bad-toml" / "story.toml").write_text('name = "unterminated\n')
    (stories_dir / "missing-doc").mkdir()
    (stories_dir / "missing-doc" / "story.toml").write_text(
        'name = "Missing"\n[[documents]]\nfile = "gone.txt"\n'
    )
    (stories_dir / "latin-1").mkdir()
    (stories_dir / "latin-1" / "story.toml").write_text('name = "Latin"\n')
    (stories_dir / "latin-1" / "note.txt").write_bytes("Cosmonaute à bord.\n".encode("latin-1"))
    (stories_dir / "no-docs").mkdir()
    (stories_dir / "no-docs" / "story.toml").write_text('name = "Empty"\n')
    (stories_dir / "out-of-range").mkdir()
    (stories_dir / "out-of-range" / "story.toml").write_text('name = "X"\n[matching]\nmatch = 7\n')
    (stories_dir / "out-of-range" / "a.txt").write_text("A seed in the desk's own words.\n")
    return {
        "bad-toml": "not valid TOML",
        "missing-doc": "document gone.txt not found",
        "latin-1": "is not UTF-8 text",
        "no-docs": "at least one seed document",
        "out-of-range": "matching.match: Input should be less than or equal to 1",
    }


def load_errors(settings) -> dict[str, str]:
    with open_store(settings.database, read_only=True) as store:
        rows = store.rows_sql("SELECT slug, error FROM story_load_errors")
    return {r["slug"]: r["error"] for r in rows}


def matches_of(settings, slug: str) -> list[dict]:
    with open_store(settings.database, read_only=True) as store:
        return store.rows_sql(
            "SELECT m.* FROM matches m JOIN stories s ON s.id = m.story_id"
            " WHERE s.slug = $slug ORDER BY m.id",
            {"slug": slug},
        )


def test_broken_stories_are_reported_and_the_others_are_matched_and_alerted(
    make_settings, stories_dir, site, mail
):
    expected = add_broken_stories(stories_dir)
    settings = make_settings(stories_dir=str(stories_dir))
    config = settings.database.parent.parent / "storywatch.toml"
    site.publish(FOLLOW_UP)
    stages.poll(settings), stages.fetch_articles(settings)

    summary = stages.match(settings)
    assert summary.failed == len(expected) and summary.broken == sorted(expected)
    assert summary.alerts_queued == 1 and summary.verdicts["update"] == 1
    assert all(slug in str(summary) for slug in expected)
    assert stages.send_alerts(settings).sent == 1 and len(mail.messages()) == 1

    errors = load_errors(settings)
    assert errors.keys() == expected.keys()
    for slug, problem in expected.items():
        assert problem in errors[slug] and "\n" not in errors[slug]

    init = CliRunner().invoke(main, ["init", "--config", str(config)])
    assert init.exit_code == 1 and "Traceback" not in init.output
    problems = [ln for ln in init.stderr.splitlines() if "not loaded" in ln]
    assert sorted(ln.split()[1] for ln in problems) == sorted(expected)

    listed = CliRunner().invoke(main, ["story", "list", "--config", str(config)])
    assert listed.exit_code == 0, listed.output
    for slug, problem in expected.items():
        (line,) = [ln for ln in listed.output.splitlines() if ln.startswith(f"{slug}:")]
        assert "BROKEN" in line and problem in line
    assert f"{GOOD}: Russia leaves the ISS" in listed.output


def test_a_story_broken_after_loading_pauses_keeps_its_history_and_catches_up_when_fixed(
    make_settings, stories_dir, site, mail
):
    shutil.copytree(stories_dir / GOOD, stories_dir / "iss-second")
    settings = make_settings(stories_dir=str(stories_dir))
    stages.poll(settings), stages.fetch_articles(settings), stages.match(settings)
    before = matches_of(settings, "iss-second")
    assert before

    good_toml = (stories_dir / "iss-second" / "story.toml").read_text()
    (stories_dir / "iss-second" / "story.toml").write_text("name = [unclosed\n")
    site.publish(FOLLOW_UP)
    stages.poll(settings, force=True), stages.fetch_articles(settings)
    summary = stages.match(settings)
    assert (summary.failed, summary.alerts_queued) == (1, 1)  # the other story's update
    assert matches_of(settings, "iss-second") == before
    with open_store(settings.database, read_only=True) as store:
        (paused,) = store.rows_sql("SELECT * FROM current_stories WHERE slug = 'iss-second'")
    assert paused["name"] == "Russia leaves the ISS" and "not valid TOML" in paused["load_error"]

    (stories_dir / "iss-second" / "story.toml").write_text(good_toml)
    fixed = stages.match(settings)
    assert (fixed.failed, fixed.alerts_queued, fixed.verdicts) == (0, 1, {"update": 1})
    caught_up = matches_of(settings, "iss-second")
    assert caught_up[: len(before)] == before and caught_up[-1]["verdict"] == "update"
    assert load_errors(settings) == {}


@pytest.mark.parametrize("key", list(MatchingConfig.model_fields))
def test_a_story_threshold_is_held_to_the_bounds_of_the_config(tmp_path, key):
    folder = tmp_path / "a-story"
    folder.mkdir()
    (folder / "a.txt").write_text("A seed in the desk's own words.\n")
    field = MatchingConfig.model_fields[key]
    bounds = {type(m).__name__: m for m in field.metadata}
    if "Le" in bounds:
        beyond = bounds["Le"].le + 1
    elif "Ge" in bounds:
        beyond = bounds["Ge"].ge - 1
    else:  # a flag: true or false, nothing else
        beyond = "sometimes"
    for value, accepted in ((field.default, True), (beyond, False)):
        (folder / "story.toml").write_text(f'name = "A"\n[matching]\n{key} = {json.dumps(value)}\n')
        if accepted:
            assert load_story(folder, []).matching == {key: value}
        else:
            with pytest.raises(StoryError, match=rf"matching\.{key}: Input should be"):
                load_story(folder, [])


def test_a_story_saved_with_a_byte_order_mark_loads(tmp_path):
    folder = tmp_path / "a-story"
    folder.mkdir()
    (folder / "story.toml").write_text('name = "A"\n', encoding="utf-8-sig")
    (folder / "a.txt").write_text("A seed in the desk's own words.\n", encoding="utf-8-sig")
    story = load_story(folder, [])
    assert story.name == "A" and story.documents[0].text.startswith("A seed")
