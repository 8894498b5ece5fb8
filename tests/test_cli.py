"""The commands a user types."""

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.stories import load_stories
from tests.conftest import LOOPBACK_HTTP, write_config


def test_story_add_from_a_url_and_a_file_creates_a_loadable_story(tmp_path, site):
    path = write_config(
        tmp_path, stories_dir="stories", recipients=["desk@example.org"], http=LOOPBACK_HTTP
    )
    note = tmp_path / "note.txt"
    note.write_text("The Soyuz MS-22 capsule lost its coolant on 14 December 2022.\n")
    result = CliRunner().invoke(
        main,
        [
            "story",
            "add",
            "--config",
            str(path),
            "Soyuz coolant leak",
            f"{site.url}/articles/soyuz-coolant-leak.html",
            str(note),
            "--description",
            "A leak on a docked Soyuz",
        ],
    )
    assert result.exit_code == 0, result.output
    (story,) = load_stories(load_settings(path).stories_dir, ["desk@example.org"]).stories
    assert (story.slug, story.name) == ("soyuz-coolant-leak", "Soyuz coolant leak")
    fetched, copied = story.documents
    assert fetched.source == f"{site.url}/articles/soyuz-coolant-leak.html"
    assert "Prokopyev" in fetched.text and "Advertisement" not in fetched.text
    assert "14 December 2022" in copied.text
    assert story.recipients == ["desk@example.org"]

    again = CliRunner().invoke(
        main, ["story", "add", "--config", str(path), "Soyuz coolant leak", str(note)]
    )
    assert again.exit_code == 2 and "already exists" in again.output


def test_story_add_reports_a_source_it_cannot_read(tmp_path, site):
    path = write_config(tmp_path, stories_dir="stories", http=LOOPBACK_HTTP)
    missing = f"{site.url}/articles/nothing-here.html"
    result = CliRunner().invoke(main, ["story", "add", "--config", str(path), "X", missing])
    assert result.exit_code == 2 and "HTTP 404" in result.output
    assert not (tmp_path / "stories" / "x").exists()


def test_run_prints_a_summary_per_stage(tmp_path, make_settings):
    settings = make_settings()
    config = settings.database.parent.parent / "storywatch.toml"
    result = CliRunner().invoke(main, ["run", "--config", str(config)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [ln.split()[0] for ln in lines] == ["poll", "next", "fetch", "match", "alert"]
    assert "10 new entries" in lines[0] and "1 sent" in lines[4]
