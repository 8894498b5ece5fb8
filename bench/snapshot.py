"""Readers while the pipeline writes: the longest answer of `storywatch query` during a match
stage run by another process, with the snapshot and without, and what publishing one costs.

    .venv/bin/python -m bench.snapshot                  # 2,000 articles waiting to match
    .venv/bin/python -m bench.snapshot --articles 4500

The database is built as bench/match_stage.py builds it (the seed story and N fetched
articles waiting). Then `storywatch run --stage match` runs in its own process while this one
runs `storywatch query` again and again until the stage ends, once with `[snapshot] enabled`
and once without (a fresh copy of the database each time); then the same while another
process holds the write lock in one long transaction (`--hold` seconds), as a stage writing a
large backlog in one go would. An answer is timed two ways: the
whole command, Python's start included, and, in a thread beside it, the reader alone (open,
SELECT, close) in this process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.match_stage import build
from pipeline import snapshot
from pipeline.config import Settings
from pipeline.store import StoreError

STORYWATCH = Path(sys.executable).with_name("storywatch")
QUESTION = "SELECT count(*) FROM matches"
MB = 1 << 20
# A stage that holds the write lock as long as it is asked: rows written in one transaction
# (a feed at a time) for that many seconds, then published as every stage ends.
HOLD = """
import sys, time
from pipeline.config import load_settings
from pipeline.snapshot import publish_if_written
from pipeline.store import open_store

seconds, settings = float(sys.argv[1]), load_settings(sys.argv[3])
deadline, n = time.monotonic() + seconds, 0
with open_store(settings.database) as store, store.transaction():
    while time.monotonic() < deadline:
        store.execute("add_feed", {"url": f"https://held.example.org/{n}.xml", "name": "held"})
        n += 1
publish_if_written(settings)
"""


def timed_command(config: Path, env: dict[str, str]) -> tuple[float, bool]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(STORYWATCH), "query", QUESTION, "--format", "csv", "--config", str(config)],
        capture_output=True,
        env=env,
    )
    return time.perf_counter() - started, done.returncode == 0


def timed_reader(settings: Settings) -> tuple[float, bool]:
    started = time.perf_counter()
    try:
        with snapshot.open_reader(settings) as store:
            store.read(QUESTION)
    except StoreError:
        return time.perf_counter() - started, False
    return time.perf_counter() - started, True


def during(what: str, writer_command: list[str], folder: Path, settings: Settings, enabled: bool):
    config = folder / "storywatch.toml"
    env = {**os.environ, "STORYWATCH_SNAPSHOT__ENABLED": str(enabled).lower()}
    settings = settings.model_copy(
        update={"snapshot": settings.snapshot.model_copy(update={"enabled": enabled})}
    )
    writer = subprocess.Popen(
        [*writer_command, "--config", str(config)], stdout=subprocess.DEVNULL, env=env
    )
    started = time.perf_counter()
    commands: list[tuple[float, bool]] = []
    readers: list[tuple[float, bool]] = []

    def read_alone() -> None:
        while writer.poll() is None:
            readers.append(timed_reader(settings))
            time.sleep(0.1)  # a person's pace, not a busy loop taking a core from the writer

    alone = threading.Thread(target=read_alone)  # beside the commands, not after each
    alone.start()
    while writer.poll() is None:
        commands.append(timed_command(config, env))
    stage = time.perf_counter() - started
    alone.join()
    print(f"  snapshot {'on ' if enabled else 'off'}: {what} {stage:6.1f} s")
    for what, times in (("storywatch query", commands), ("reader alone    ", readers)):
        answered = [s for s, ok in times if ok]
        failed = len(times) - len(answered)
        longest = (
            f"longest answer {max(answered):5.2f} s, median {statistics.median(answered):5.2f} s"
            if answered
            else "no answer"
        )
        print(f"    {what}: {len(times):4} answers, {longest}, {failed} failed")


def publish_cost(settings: Settings, when: str) -> None:
    published = snapshot.publish(settings)
    assert published is not None
    size = settings.database.stat().st_size
    print(
        f"  publish {when}: {published.seconds:5.2f} s for {published.bytes / MB:6.1f} MB "
        f"(database {size / MB:.1f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles waiting to match")
    parser.add_argument("--hold", type=float, default=20, help="seconds of the long transaction")
    args = parser.parse_args()
    print(f"snapshot, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="storywatch-bench-") as tmp:
        built = Path(tmp) / "built"
        built.mkdir()
        settings = build(built, 1, args.articles)
        print(f"{args.articles} articles waiting, 1 story")
        publish_cost(settings, "before the match")
        for enabled in (True, False):
            folder = Path(tmp) / f"snapshot-{enabled}"
            shutil.copytree(built, folder)
            (folder / "storywatch.toml").write_text(
                (built / "storywatch.toml").read_text().replace(str(built), str(folder))
            )
            here = settings.model_copy(
                update={
                    "database": folder / "sw.duckdb",
                    "stories_dir": folder / "stories",
                }
            )
            match = [str(STORYWATCH), "run", "--stage", "match"]
            during("match stage", match, folder, here, enabled)
            if enabled:
                publish_cost(here, "after the match")
            hold = [sys.executable, "-c", HOLD, str(args.hold)]
            during(f"one write transaction of {args.hold:.0f} s", hold, folder, here, enabled)


if __name__ == "__main__":
    main()
