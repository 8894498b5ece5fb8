"""A bad config names the key and what is wrong, and nothing runs; the environment wins."""

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import ConfigError, load_settings
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


def test_a_bad_environment_value_is_named_too(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYWATCH_HTTP__TIMEOUT", "soon")
    with pytest.raises(ConfigError, match="http.timeout: Input should be a valid number"):
        load_settings(write_config(tmp_path))


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
