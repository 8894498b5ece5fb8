"""Bad input to the story commands: one line on stderr that says what is wrong, exit 2, no
traceback, and nothing written."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.paths import SEEDS_DIR
from tests.conftest import write_config

ARTICLE = "Roscosmos named the date of its first module launch at a briefing on Friday.\n"


@pytest.fixture
def config(tmp_path):
    shutil.copytree(SEEDS_DIR / "iss-withdrawal", tmp_path / "stories" / "iss-withdrawal")
    return write_config(tmp_path, stories_dir="stories")


def refused(config, *args: str, stdin: str = "") -> str:
    """The one line storywatch printed on refusing the command."""
    result = CliRunner().invoke(main, [*args, "--config", str(config)], stdin)
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    return line


def stories(config) -> list[str]:
    return sorted(p.name for p in (config.parent / "stories").iterdir())


@pytest.mark.parametrize("name", ["", "!!!", " - "])
def test_story_add_with_a_name_that_makes_no_folder_name(config, tmp_path, name):
    (tmp_path / "a.txt").write_text(ARTICLE)
    line = refused(config, "story", "add", name, str(tmp_path / "a.txt"))
    assert "gives no usable folder name" in line and "already exists" not in line
    assert stories(config) == ["iss-withdrawal"]


def test_story_add_of_a_folder_says_it_is_a_folder(config, tmp_path):
    line = refused(config, "story", "add", "Station", str(tmp_path))
    assert line.endswith(f"{tmp_path}: is a folder, not a document; name a file")
    assert stories(config) == ["iss-withdrawal"]


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00", "binary file"),
        ("Cosmonaute à bord de la station.\n".encode("latin-1"), "is not UTF-8 text"),
        (b"", "the document is empty"),
        (b"  \n\n \t\n", "the document is empty"),
    ],
    ids=["binary", "latin-1", "empty", "blank"],
)
def test_story_add_refuses_a_document_that_is_not_text(config, tmp_path, content, problem):
    (tmp_path / "doc.txt").write_bytes(content)
    line = refused(config, "story", "add", "Station", str(tmp_path / "doc.txt"))
    assert problem in line and "doc.txt" in line
    assert stories(config) == ["iss-withdrawal"]


@pytest.mark.parametrize("name", ["nothing.txt", "nothing.html"])
def test_story_add_of_a_missing_file(config, tmp_path, name):
    line = refused(config, "story", "add", "Station", str(tmp_path / name))
    assert line.endswith(f"{name}: no such file")


def test_classify_an_unknown_story_lists_the_stories_there_are(config):
    line = refused(config, "classify", "--story", "nope")
    assert "no story 'nope'" in line and line.endswith("the stories are: iss-withdrawal")


def test_classify_a_story_with_a_threshold_out_of_range_names_the_key(config):
    toml = config.parent / "stories" / "iss-withdrawal" / "story.toml"
    toml.write_text(toml.read_text().replace("[alerts]", "[matching]\nmatch = 7\n\n[alerts]"))
    line = refused(config, "classify", "--story", "iss-withdrawal")
    assert "matching.match: Input should be less than or equal to 1" in line


def test_classify_a_story_with_a_seed_that_is_not_utf8_names_the_file(config):
    seed = next((config.parent / "stories" / "iss-withdrawal").glob("001_*.txt"))
    seed.write_bytes(seed.read_text().encode("utf-16"))
    line = refused(config, "classify", "--story", "iss-withdrawal")
    assert f"{seed.name}: is not UTF-8 text" in line and "save it as UTF-8" in line
