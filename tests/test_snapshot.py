"""Readers never wait for the writer: while another process writes the database (a stage of
two batches, the file let go between them, like the match stage), `storywatch query` and the
read-only commands answer from the snapshot of the last finished stage, never from a stage
half-written; the next stage's rows appear once it ends. With `[snapshot] enabled = false`
they read the live file, as before: they see a stage half-written, and wait for the lock."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_config

STORYWATCH = Path(sys.executable).with_name("storywatch")  # the installed console script
# far more than any answer takes, far less than a minute: a reader that waited for the lock
# would have given up with an error after a minute, not answered
ANSWER = 120

# A write stage in its own process, driven line by line on stdin: its first batch of feeds
# is committed and the file let go; on "go" its second batch is written in a transaction
# that stays open (the write lock held) until the next "go"; then it ends as every stage
# ends, publishing what it wrote.
STAGE = """
import sys
from pipeline.config import load_settings
from pipeline.snapshot import publish_if_written
from pipeline.store import open_store

settings = load_settings(sys.argv[1])
name = sys.argv[2]

def add(store, batch):
    for i in range(2):
        url = f"https://{name}.example.org/{batch}/{i}.xml"
        store.execute("add_feed", {"url": url, "name": name})

with open_store(settings.database) as store, store.transaction():
    add(store, 1)
print("between batches", flush=True)
sys.stdin.readline()
with open_store(settings.database) as store, store.transaction():
    add(store, 2)
    print("holding the lock", flush=True)
    sys.stdin.readline()
publish_if_written(settings)
print("done", flush=True)
"""


class Stage:
    """A write stage running in another process, one step at a time."""

    def __init__(self, config: Path, name: str):
        self.process = subprocess.Popen(
            [sys.executable, "-c", STAGE, str(config), name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def reached(self, step: str) -> None:
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == step

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def finish(self) -> None:
        """Run the stage to its end from wherever it is."""
        while self.process.poll() is None:
            self.go()
            assert self.process.stdout is not None
            if self.process.stdout.readline().strip() in ("done", ""):
                break
        assert self.process.wait(ANSWER) == 0

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def stages():
    running: list[Stage] = []

    def start(config: Path, name: str) -> Stage:
        running.append(Stage(config, name))
        return running[-1]

    yield start
    for stage in running:
        stage.kill()


def storywatch(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(STORYWATCH), *args, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=ANSWER,
    )


def feed_names(config: Path) -> list[str]:
    """The names of the feeds `storywatch query` answers, one per feed."""
    done = storywatch(config, "query", "SELECT name FROM feeds ORDER BY url", "--format", "json")
    assert done.returncode == 0, done.stderr
    return [row["name"] for row in json.loads(done.stdout)]


def initialised(tmp_path: Path, **values) -> Path:
    (tmp_path / "stories").mkdir()
    config = write_config(tmp_path, database="var/sw.duckdb", stories_dir="stories", **values)
    done = storywatch(config, "init")
    assert done.returncode == 0, done.stderr
    return config


def test_readers_answer_from_the_last_finished_stage_while_the_next_one_writes(tmp_path, stages):
    config = initialised(tmp_path)
    first = stages(config, "first")
    first.finish()
    assert feed_names(config) == ["first"] * 4

    second = stages(config, "second")
    second.reached("between batches")
    # the file is free, with half of the stage in it: readers still see the stage before
    assert feed_names(config) == ["first"] * 4
    second.go()
    second.reached("holding the lock")
    assert feed_names(config) == ["first"] * 4
    for command in (["status", "--json"], ["feed", "list", "--json"], ["story", "list"]):
        done = storywatch(config, *command)
        assert done.returncode == 0, (command, done.stderr)
    listed = json.loads(storywatch(config, "feed", "list", "--all", "--json").stdout)
    assert [feed["title"] for feed in listed] == ["first"] * 4

    second.finish()
    assert feed_names(config) == ["first"] * 4 + ["second"] * 4


def test_with_snapshots_off_readers_read_the_live_file_and_wait_for_the_writer(tmp_path, stages):
    config = initialised(tmp_path, snapshot={"enabled": False})
    assert not (tmp_path / "var" / "sw.duckdb.snapshot" / "latest.duckdb").exists()
    stage = stages(config, "only")
    stage.reached("between batches")
    assert feed_names(config) == ["only"] * 2  # half the stage
    stage.go()
    stage.reached("holding the lock")
    reader = subprocess.Popen(
        [str(STORYWATCH), "query", "SELECT count(*) AS n FROM feeds", "--format", "csv"]
        + ["--config", str(config)],
        stdout=subprocess.PIPE,
        text=True,
    )
    stage.finish()
    out, _ = reader.communicate(timeout=ANSWER)
    assert reader.returncode == 0
    assert out.split() == ["n", "4"]  # it waited for the lock, then read the live file


def test_turning_snapshots_off_removes_the_one_published(tmp_path, stages):
    config = initialised(tmp_path)
    snapshot = tmp_path / "var" / "sw.duckdb.snapshot" / "latest.duckdb"
    assert snapshot.exists()
    write_config(
        tmp_path, database="var/sw.duckdb", stories_dir="stories", snapshot={"enabled": False}
    )
    stages(config, "off").finish()
    assert not snapshot.exists()
    assert feed_names(config) == ["off"] * 4


def test_a_stage_of_the_pipeline_publishes_what_it_wrote(make_settings, tmp_path):
    make_settings()  # the demo site's feeds, in tmp_path/storywatch.toml
    config = tmp_path / "storywatch.toml"
    assert storywatch(config, "init").returncode == 0
    polled = storywatch(config, "run", "--stage", "poll")
    assert polled.returncode == 0, polled.stderr
    done = storywatch(config, "query", "SELECT count(*) AS n FROM entries", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[1]) > 0
    assert (tmp_path / "var" / "storywatch.duckdb.snapshot" / "latest.duckdb").exists()
