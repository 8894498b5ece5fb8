"""A bad config names the key and what is wrong, and nothing runs; the environment wins."""

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import ConfigError, load_settings
from pipeline.stories import StoryError, load_story
from tests.conftest import write_config


def test_a_bad_value_and_an_unknown_key_are_both_named(tmp_path):
    path = write_config(tmp_path, smtp={"port": "twenty-five", "hots": "mail"})
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert "smtp.port: Input should be a valid integer" in str(err.value)
    assert "smtp.hots: unknown key" in str(err.value)


def test_a_feed_that_is_not_http_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"feeds\.0\.url: Value error, must be an http"):
        load_settings(write_config(tmp_path, feeds=["file:///etc/passwd"]))


def test_environment_overrides_the_file_key_by_key(tmp_path, monkeypatch):
    path = write_config(tmp_path, database="a.duckdb", smtp={"host": "mail.example.org"})
    monkeypatch.setenv("STORYWATCH_SMTP__PORT", "2525")
    monkeypatch.setenv("STORYWATCH_RECIPIENTS", '["ops@example.org"]')
    settings = load_settings(path)
    assert (settings.smtp.host, settings.smtp.port) == ("mail.example.org", 2525)
    assert settings.recipients == ["ops@example.org"]
    assert settings.database == tmp_path / "a.duckdb"  # relative to the file, not the cwd


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("STORYWATCH_HTTP__TIMEOUT", "soon", "STORYWATCH_HTTP__TIMEOUT: Input should be a valid"),
        ("STORYWATCH_FEEDS", "not json", "STORYWATCH_FEEDS: not valid JSON"),
        ("STORYWATCH_HTTP__ALLOW_PRIVATE", "10.0.0.1", "STORYWATCH_HTTP__ALLOW_PRIVATE: not valid"),
    ],
)
def test_a_bad_environment_value_is_named_as_the_variable(
    tmp_path, monkeypatch, variable, value, message
):
    monkeypatch.setenv(variable, value)
    monkeypatch.setenv("STORYWATCH_HTTP__USER_AGENT", "a bystander")  # a good value, not named
    with pytest.raises(ConfigError, match=message) as err:
        load_settings(write_config(tmp_path))
    assert "USER_AGENT" not in str(err.value) and "storywatch.toml" not in str(err.value)


def test_broken_toml_and_a_missing_file_are_clear_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("database = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(bad)
    with pytest.raises(ConfigError, match="no such config file"):
        load_settings(tmp_path / "missing.toml")


def test_the_cli_stops_before_doing_anything(tmp_path):
    path = write_config(tmp_path, database="db.duckdb", smtp={"port": 0})
    result = CliRunner().invoke(main, ["init", "--config", str(path)])
    assert result.exit_code == 2
    assert "smtp.port: Input should be greater than or equal to 1" in result.output
    assert not (tmp_path / "db.duckdb").exists()


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"recipients": ["desk@example.org", "news desk"]}, "recipients.1: Value error, not"),
        ({"recipients": ["desk@localhost"]}, "recipients.0: Value error, not an email address"),
        ({"airflow": {"operator_email": ["ops"]}}, "airflow.operator_email.0: Value error, not"),
        ({"http": {"allow_private": ["999.1.1.1/40"]}}, "http.allow_private.0: Value error, not"),
        ({"http": {"allow_private": ["10.0.0.0/33"]}}, "http.allow_private.0: Value error, not"),
        ({"http": {"allow_private": ["a host"]}}, "http.allow_private.0: Value error, 'a host'"),
        ({"polling": {"interval": 600, "min_interval": 900}}, "polling: Value error, min_interval"),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_with_its_key(tmp_path, values, key):
    with pytest.raises(ConfigError) as err:
        load_settings(write_config(tmp_path, **values))
    assert key in str(err.value) and "\n" not in str(err.value)


def test_what_those_keys_should_hold_is_accepted(tmp_path):
    settings = load_settings(
        write_config(
            tmp_path,
            recipients=["Desk.Editor+story@example.org"],
            airflow={"operator_email": ["ops@example.com"]},
            http={"allow_private": ["127.0.0.1", "10.1.0.0/16", "::1", "[fd00::1]", "mail-1.lan"]},
            polling={"interval": 600, "min_interval": 600},
        )
    )
    assert settings.recipients == ["Desk.Editor+story@example.org"]  # as written
    assert len(settings.http.allow_private) == 5


def test_a_bad_variable_is_named_as_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYWATCH_SMTP__PORT", "twenty-five")
    monkeypatch.setenv("STORYWATCH_RECIPIENTS", '["desk"]')
    with pytest.raises(ConfigError) as err:
        load_settings(write_config(tmp_path, smtp={"host": "mail.example.org"}))
    message = str(err.value)
    assert "STORYWATCH_SMTP__PORT: Input should be a valid integer" in message
    assert "STORYWATCH_RECIPIENTS (0): Value error, not an email address" in message
    assert "smtp.port" not in message


def test_a_config_file_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "storywatch.toml"
    path.write_bytes('recipients = ["r\xe9daction@example.org"]\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match=r"storywatch.toml: not UTF-8 text \(byte 16\)"):
        load_settings(path)


def test_a_story_recipient_must_be_an_email_address(tmp_path):
    folder = tmp_path / "a-story"
    folder.mkdir()
    (folder / "story.toml").write_text('name = "A"\nrecipients = ["desk at example.org"]\n')
    (folder / "one.txt").write_text("A council voted on a new bridge over the river.\n")
    with pytest.raises(StoryError, match="recipients.0: Value error, not an email address"):
        load_story(folder, [])


def test_a_mistyped_password_is_refused_without_being_shown(tmp_path):
    # a password written as a number in the file: refused, named, and never echoed back
    path = write_config(tmp_path, smtp={"password": 84519327})
    with pytest.raises(ConfigError, match="smtp.password") as err:
        load_settings(path)
    assert "84519327" not in str(err.value)
