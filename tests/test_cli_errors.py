"""Every command, given bad input, says what is wrong in one line on stderr and exits 2; an
unexpected error is one line too (a bug to report), with the traceback only under --debug."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.paths import SEEDS_DIR
from pipeline.snapshot import publish
from tests.conftest import write_config

STORYWATCH = Path(sys.executable).with_name("storywatch")  # the installed console script


def _good(tmp: Path) -> Path:
    return write_config(tmp, database="var/sw.duckdb", stories_dir=str(SEEDS_DIR))


def _initialised(tmp: Path) -> Path:
    config = _good(tmp)
    assert CliRunner().invoke(main, ["init", "--config", str(config)]).exit_code == 0
    return config


def _not_utf8(tmp: Path) -> Path:
    path = tmp / "storywatch.toml"
    path.write_bytes('recipients = ["r\xe9daction@example.org"]\n'.encode("latin-1"))
    return path


def _under_a_file(tmp: Path) -> Path:
    (tmp / "a-file").write_text("not a folder\n")
    return write_config(tmp, database="a-file/var/sw.duckdb", stories_dir=str(SEEDS_DIR))


def _a_file_beside(tmp: Path) -> Path:
    (tmp / "a-file").write_text("not a folder\n")
    return _good(tmp)


def _stories_under_a_file(tmp: Path) -> Path:
    (tmp / "a-file").write_text("not a folder\n")
    (tmp / "seed.txt").write_text("Cosmonauts will stay aboard the orbiting lab for years.\n")
    return write_config(tmp, database="var/sw.duckdb", stories_dir="a-file/stories")


def _read_only_place(tmp: Path) -> Path:
    # a kernel file system, where no folder can be made whoever runs the test
    return write_config(tmp, database="/proc/storywatch/sw.duckdb", stories_dir=str(SEEDS_DIR))


def _sqlite(tmp: Path) -> Path:
    with sqlite3.connect(tmp / "sw.db") as lite:
        lite.execute("create table feeds (url text)")
    return write_config(tmp, database="sw.db", stories_dir=str(SEEDS_DIR))


def _no_stories(tmp: Path) -> Path:
    return write_config(tmp, database="var/sw.duckdb", stories_dir="no-such-folder")


def _bad_recipient(tmp: Path) -> Path:
    return write_config(tmp, stories_dir=str(SEEDS_DIR), recipients=["the desk"])


# (command line, how the config is made, variables, what the line says)
CASES = [
    (["init"], _not_utf8, {}, "not UTF-8 text (byte 16)"),
    (["init"], _under_a_file, {}, "cannot create the folder of the database"),
    pytest.param(
        ["init"],
        _read_only_place,
        {},
        "cannot create the folder of the database",
        marks=pytest.mark.skipif(sys.platform != "linux", reason="needs /proc"),
    ),
    (["init"], _good, {"STORYWATCH_SMTP__PORT": "25x"}, "STORYWATCH_SMTP__PORT: Input should"),
    (["run"], _good, {"STORYWATCH_FEEDS": "not json"}, "STORYWATCH_FEEDS: not valid JSON"),
    (["run"], _bad_recipient, {}, "recipients.0: Value error, not an email address"),
    (["run", "--stage", "nope"], _good, {}, "Invalid value for '--stage'"),
    (["query", "select 1"], _good, {}, "no database at"),
    (["query", "--max-rows", "-1", "select 1"], _initialised, {}, "-1 is not in the range"),
    (["query", "select * from nowhere"], _initialised, {}, "nowhere does not exist"),
    (["query", "COPY stories TO 'x.csv'"], _initialised, {}, "not COPY"),
    (["story", "add", "A story", "missing.txt"], _good, {}, "missing.txt: no such file"),
    (["story", "add", "A story", "seed.txt"], _stories_under_a_file, {}, "a-file/stories"),
    (["story", "add", "A story", "http://a..b/x.html"], _good, {}, "not a valid host name"),
    (["story", "list"], _no_stories, {}, "stories folder not found"),
    (["feed", "add", "ftp://example.org/feed"], _good, {}, "ftp://example.org/feed"),
    (["feed", "add", "http://a..b/feed.xml"], _good, {}, "a..b: not a valid host name"),
    (["feed", "list"], _sqlite, {}, "is not a storywatch database"),
    (["feed", "remove", "https://example.org/none.xml"], _initialised, {}, "no active feed"),
    (["alerts", "list"], _sqlite, {}, "is not a storywatch database"),
    (["alerts", "list", "--limit", "many"], _good, {}, "'many' is not a valid integer"),
    (["alerts", "preview", "999"], _initialised, {}, "no alert 999"),
    (["alerts", "resend", "999"], _initialised, {}, "no alert 999"),
    (["reextract", "--since", "yesterday"], _good, {}, "Invalid value for '--since'"),
    (["reextract"], _under_a_file, {}, "cannot create the folder of the database"),
    (["extract", "missing.html"], _good, {}, "missing.html: no such file"),
    (["extract", "http://a..b/x.html"], _good, {}, "a..b: not a valid host name"),
    (["classify"], _good, {}, "Missing option '--story'"),
    (["classify", "--story", "nope"], _good, {}, "no story 'nope'"),
    (["demo"], _sqlite, {}, "is not a storywatch database"),
    (
        ["demo", "--serve", "--site-port", "0", "--smtp-port", "0", "--write-config", "a-file/x"],
        _a_file_beside,
        {},
        "a-file/x: cannot be written",
    ),
]


@pytest.mark.parametrize(
    ("args", "make_config", "env", "says"),
    CASES,
    ids=[" ".join((c.values if hasattr(c, "values") else c)[0]) for c in CASES],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, args, make_config, env, says):
    config = make_config(tmp_path)
    monkeypatch.chdir(tmp_path)  # relative file arguments are looked for here
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, [*args, "--config", str(config)], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and says in line


def test_classify_judges_every_item_it_can_and_counts_the_others_in_one_line(tmp_path):
    items = [
        '{"id": 1, "title": 5, "text": "Russia will leave the space station."}',
        "not JSON",
        '{"id": 3, "text": "A bakery opened on the high street."}',
    ]
    result = CliRunner().invoke(
        main,
        ["classify", "--story", "iss-withdrawal", "--config", str(_good(tmp_path))],
        input="\n".join(items) + "\n",
        catch_exceptions=False,
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    assert line == "Error: 2 items could not be judged (see their error lines)"
    verdicts = [json.loads(out) for out in result.stdout.splitlines()]
    assert [(v["id"], v["verdict"]) for v in verdicts] == [
        (1, None),
        (None, None),
        (3, "unrelated"),
    ]
    assert verdicts[0]["error"] == 'line 1: "title" must be a string'


def test_the_exit_codes_are_documented_in_help():
    shown = CliRunner().invoke(main, ["--help"])
    assert "Exit codes: 0 done; 1 done, but something failed" in " ".join(shown.stdout.split())


def _storywatch(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STORYWATCH_")}
    return subprocess.run(
        [str(STORYWATCH), *args], capture_output=True, text=True, env=clean | env, timeout=120
    )


def test_an_unexpected_error_is_one_line_and_the_traceback_waits_for_debug(tmp_path):
    """A table dropped by hand is nothing storywatch checks for: a bug's path, for real."""
    config = _initialised(tmp_path)
    with duckdb.connect(str(tmp_path / "var" / "sw.duckdb")) as con:
        con.execute("DROP TABLE alert_matches")
        con.execute("DROP TABLE alerts")
    publish(load_settings(config))  # to the readers, as a write by storywatch is
    plain = _storywatch("alerts", "list", "--config", str(config))
    assert plain.returncode == 3
    assert "Traceback" not in plain.stderr + plain.stdout
    (line,) = plain.stderr.strip().splitlines()
    assert "alerts does not exist" in line and "this is a bug: please report it" in line
    for debug in (
        _storywatch("--debug", "alerts", "list", "--config", str(config)),
        _storywatch("alerts", "list", "--config", str(config), STORYWATCH_DEBUG="1"),
    ):
        assert debug.returncode == 1 and "Traceback" in debug.stderr
        assert "CatalogException" in debug.stderr
