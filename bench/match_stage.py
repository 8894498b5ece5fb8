"""The match stage itself: articles per second through `stages.match` on a real DuckDB file,
and how long it holds the write lock.

    .venv/bin/python -m bench.match_stage                   # 1 x 4,500 and 201 x 100
    .venv/bin/python -m bench.match_stage --stories 20 --articles 500

Each case builds, in a temporary folder, N stories (the seed story, then ECB+ documents
from ../shared/eval/ecbplus-dev/ each as a story of its own) and M fetched articles waiting to
be matched: the labelled ISS stream (tests/data/iss_stream.jsonl) and the ECB+ documents in
turns, so that the seed story meets its updates, rehashes, copies (from the second turn on)
and many unrelated articles. They are written with the pipeline's own named queries, then the
match stage runs once, as `storywatch run --stage match` would. The bench/matching.py figure
is the pure matcher's; this one adds DuckDB: reading the work, writing every decision.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.matching import ECB, STREAM
from pipeline import stages
from pipeline.config import load_settings
from pipeline.fetched_pages import article_columns
from pipeline.paths import SEEDS_DIR
from pipeline.store import open_store
from pipeline.stories import NewSeed, write_story

# the module, not the function that `pipeline.stages` exports under the same name
MATCH_MODULE: Any = importlib.import_module("pipeline.stages.match")
START = datetime(2022, 7, 26, 12, tzinfo=UTC)


def texts() -> tuple[list[dict], list[dict]]:
    """(stream articles, ECB+ documents), each as {title, text, language}."""
    stream = [json.loads(line) for line in STREAM.open(encoding="utf-8")]
    ecb = [json.loads(line) for line in ECB.open(encoding="utf-8")]
    return (
        [{"title": s["title"], "text": s["text"], "language": s.get("language")} for s in stream],
        [{"title": d["text"].splitlines()[0][:120], "text": d["text"], "language": "en"}
         for d in ecb],
    )  # fmt: skip


def build(folder: Path, n_stories: int, n_articles: int):
    """Settings for a database holding the stories and the articles waiting to be matched."""
    stream, ecb = texts()
    stories_dir = folder / "stories"
    shutil.copytree(SEEDS_DIR / "iss-withdrawal", stories_dir / "iss-withdrawal")
    for n, doc in enumerate(ecb[: n_stories - 1]):
        write_story(stories_dir, f"ECB event {n}", "", [NewSeed("000.txt", doc["text"])])
    (folder / "storywatch.toml").write_text(
        f'database = "{folder / "sw.duckdb"}"\nstories_dir = "{stories_dir}"\n'
        'recipients = ["desk@example.org"]\n',
        encoding="utf-8",
    )
    settings = load_settings(folder / "storywatch.toml")
    pool = [item for pair in zip(stream * 10, ecb, strict=False) for item in pair]
    with open_store(settings.database) as store:
        stages.sync_stories(store, settings)
        store.execute(
            "upsert_feed",
            {"url": "https://news.example.org/feed.xml", "name": "bench",
             "interval_seconds": 900, "alert_on_backlog": True},
        )  # fmt: skip
        (feed,) = store.rows("feeds_to_poll", {"force": True, "now": START, "due_now": []})
        poll_id = store.scalar(
            "insert_poll",
            {"feed_id": feed["feed_id"], "started_at": START, "finished_at": START,
             "outcome": "ok", "http_status": 200, "etag": None, "last_modified": None,
             "feed_title": "bench", "entries_seen": n_articles, "entries_new": n_articles,
             "error": None, "next_poll_at": START},
        )  # fmt: skip
        items = [(pool[n % len(pool)], START + timedelta(minutes=n)) for n in range(n_articles)]
        rows = [
            {"feed_id": feed["feed_id"], "entry_key": f"e{n}", "guid": f"e{n}",
             "url": f"https://news.example.org/{n}", "canonical_url": None,
             "title": item["title"], "summary": None, "published_at": when,
             "poll_id": poll_id, "baseline": False}
            for n, (item, when) in enumerate(items)
        ]  # fmt: skip
        entry_ids = [r["id"] for r in store.rows("insert_entries", {"rows": rows})]
        articles = [
            {"entry_id": entry_id, "url": f"https://news.example.org/{entry_id}",
             "status": "extracted", "http_status": 200, "title": item["title"],
             "author": None, "published_at": when, "site_name": None,
             "language": item["language"], "text": item["text"], "error": None,
             "raw_sha256": None, "site": "news.example.org", "removed": "[]"}
            for entry_id, (item, when) in zip(entry_ids, items, strict=True)
        ]  # fmt: skip
        store.execute("save_articles", article_columns(articles))
    return settings


@contextmanager
def lock_timer(held: dict[bool, list[float]]):
    """Times every session the match stage opens, by read_only: a read-write one holds the
    file from every other process, a read-only one from writers (the next run)."""
    real = MATCH_MODULE.open_store

    @contextmanager
    def timed(path, **kwargs):
        started = time.perf_counter()
        with real(path, **kwargs) as store:
            yield store
        held[bool(kwargs.get("read_only"))].append(time.perf_counter() - started)

    MATCH_MODULE.open_store = timed
    try:
        yield
    finally:
        MATCH_MODULE.open_store = real


def case(n_stories: int, n_articles: int) -> None:
    with tempfile.TemporaryDirectory(prefix="storywatch-bench-") as tmp:
        settings = build(Path(tmp), n_stories, n_articles)
        held: dict[bool, list[float]] = {False: [], True: []}
        with lock_timer(held):
            started = time.perf_counter()
            summary = stages.match(settings, now=START + timedelta(days=1))
            seconds = time.perf_counter() - started
    decisions = sum(summary.verdicts.values())
    print(
        f"{n_stories:>4} stories x {n_articles:>5} articles: {seconds:7.1f} s, "
        f"{n_articles / seconds:6.1f} articles/s, {decisions / seconds:6.1f} decisions/s"
    )
    writes, reads = held[False], held[True]
    print(
        f"      write lock held {sum(writes):.1f} s in {len(writes)} sessions (longest "
        f"{max(writes):.1f} s), read-only {sum(reads):.1f} s in {len(reads)}"
    )
    verdicts = Counter(summary.verdicts)
    print(f"      {dict(sorted(verdicts.items()))}; {summary.alerts_queued} alerts queued")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, help="stories (1 to 664)")
    parser.add_argument("--articles", type=int, help="articles waiting to be matched")
    args = parser.parse_args()
    cases = [(args.stories or 1, args.articles or 4500)] if args.stories or args.articles else [
        (1, 4500), (201, 100)
    ]  # fmt: skip
    print(f"match stage, Python {sys.version.split()[0]}")
    for n_stories, n_articles in cases:
        case(n_stories, n_articles)


if __name__ == "__main__":
    main()
