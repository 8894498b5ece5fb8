"""Story names in any language make a folder name: accents are folded ("Ölpreis" ->
"olpreis"), and a name with letters that have no ASCII form gets a stable name of its own."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.store import open_store
from pipeline.stories import slugify
from tests.conftest import write_config

ARTICLE = "The ministry set out its plan for the coming decade at a briefing on Monday.\n"

NAMES = {
    "de": "Ölpreis steigt über 100 Dollar",
    "el": "Ελληνική διαστημική πολιτική",
    "ja": "日本の宇宙政策",
    "ru": "Космическая программа России",
}


def test_accents_are_folded_into_the_folder_name():
    assert slugify(NAMES["de"]) == "olpreis-steigt-uber-100-dollar"
    assert slugify("Straße nach Málaga") == "strasse-nach-malaga"


@pytest.mark.parametrize("language", ["el", "ja", "ru"])
def test_a_name_without_ascii_letters_gets_a_stable_folder_name_of_its_own(language):
    slug = slugify(NAMES[language])
    assert slug.startswith("story-") and len(slug) > len("story-")
    assert slugify(NAMES[language]) == slug  # the same name, the same folder, every time
    assert slug != slugify(NAMES[language] + " 2")


def test_letters_that_cannot_be_folded_keep_two_names_apart():
    """ "ISS" and "ISS и Россия" must not both be folder "iss"."""
    assert slugify("ISS и Россия") != slugify("ISS") == "iss"
    assert slugify("ISS и Россия").startswith("iss-")


@pytest.mark.parametrize("language", sorted(NAMES))
def test_story_add_and_init_take_a_name_in_any_language(tmp_path, language):
    config = write_config(tmp_path, database="var/sw.duckdb", stories_dir="stories")
    (tmp_path / "seed.txt").write_text(ARTICLE)
    name = NAMES[language]
    run = CliRunner()
    added = run.invoke(
        main, ["story", "add", name, str(tmp_path / "seed.txt"), "--config", str(config)]
    )
    assert added.exit_code == 0, added.output
    (folder,) = (tmp_path / "stories").iterdir()
    listed = run.invoke(main, ["story", "list", "--config", str(config)])
    assert listed.stdout.startswith(f"{folder.name}: {name} (1 document;")
    init = run.invoke(main, ["init", "--config", str(config)])
    assert init.exit_code == 0, init.output
    with open_store(tmp_path / "var" / "sw.duckdb", read_only=True) as store:
        stored = store.rows_sql("SELECT slug, name FROM current_stories")
    assert stored == [{"slug": folder.name, "name": name}]
