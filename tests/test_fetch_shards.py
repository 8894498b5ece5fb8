"""The fetch spread over Airflow workers, without Airflow: plan -> fetch_shard (several at once)
-> load against loopback sites and real DuckDB files stores what `storywatch run --stage
fetch` stores; a staging file loaded twice changes nothing; two plans never claim one entry;
a shard whose site is down is recorded per entry and retried; a shard whose task died is
fetched again by the next run; only shard ids and file names come back."""

from __future__ import annotations

import json
import multiprocessing
import re
import shutil
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.fetch import filler, serve
from pipeline import rawpages, stages
from pipeline.config import ConfigError, load_settings
from pipeline.demo.pages import SITE_LINE
from pipeline.failures import record_failure
from pipeline.paths import SEEDS_DIR
from pipeline.site_lines import site_of
from pipeline.stages.fetch_shards import (
    fetch_shard,
    leave_failure,
    left_failures,
    load_staged,
    manifest,
    plan_shards,
    staging,
)
from pipeline.store import ParquetFolder, open_store
from tests import test_fetch
from tests.conftest import LOOPBACK_HTTP, write_config
from tests.test_fetch import articles, count

# the slow site of the fetch stage's tests, and the config of a pipeline that polled it
slow_site, config = test_fetch.slow_site, test_fetch.config

STAGING_FILE = re.compile(r"^[0-9a-f]{64}\.parquet$")
# what a user reads of an article; fetched_at aside (the time it was stored)
ARTICLE = (
    "entry_id, url, status, attempts, http_status, title, author, published_at, site_name, "
    "language, text, error, raw_sha256, site, removed"
)


def stored(database: Path) -> list[tuple]:
    with open_store(database, read_only=True) as store:
        return store.con.execute(f"SELECT {ARTICLE} FROM articles ORDER BY entry_id").fetchall()


def site_lines(database: Path) -> list[tuple]:
    with open_store(database, read_only=True) as store:
        return store.con.execute(
            "SELECT a.entry_id, l.line FROM article_lines l JOIN articles a ON a.id = l.article_id"
            " ORDER BY 1, 2"
        ).fetchall()


def sharded_run(settings, workers: int = 2) -> tuple[list[str], list[str], stages.FetchSummary]:
    """plan, then every shard fetched (`workers` at once, as Airflow's mapped tasks), then load:
    the shard ids and staging file names (what goes through XCom), and the load's summary."""
    shards = plan_shards(settings)
    with ThreadPoolExecutor(workers) as tasks:
        names = list(tasks.map(lambda shard: fetch_shard(settings, shard), shards))
    return shards, names, load_staged(settings, shards)


def test_sharded_fetch_stores_what_storywatch_run_stores_and_passes_only_names(make_settings):
    # one page at a time on one machine: its pages are stored in entry order, as the loader
    # stores them, so the site's repeated line is learned on the same articles
    alone = make_settings(database="var/alone.duckdb", http={**LOOPBACK_HTTP, "concurrency": 1})
    stages.poll(alone)
    summary_alone = stages.fetch_articles(alone)

    spread = make_settings(database="var/spread.duckdb", airflow={"shard_size": 3})
    stages.poll(spread)
    shards, names, summary = sharded_run(spread)

    assert len(shards) == 1  # the demo's ten entries are of one site: never split
    assert (summary.extracted, summary.fallback, summary.failed) == (
        summary_alone.extracted,
        summary_alone.fallback,
        summary_alone.failed,
    )
    assert summary.files == 1 and summary.extracted == 10
    assert stored(spread.database) == stored(alone.database)
    assert site_lines(spread.database) == site_lines(alone.database)
    # the site pass ran on the loader: the line the site ends every article with is gone from
    # all but the first article that carried it
    texts = [row[10] for row in stored(spread.database)]
    assert sum(SITE_LINE in text for text in texts) == 1
    # the raw pages are kept beside the database, for `reextract`
    for row in stored(spread.database):
        assert rawpages.read(spread.database, row[12]) == rawpages.read(alone.database, row[12])
    # through XCom: ids and file names, never a page
    assert all(re.fullmatch(r"[0-9a-f]{32}", shard) for shard in shards)
    assert all(STAGING_FILE.match(name) for name in names)
    assert max(len(json.dumps(value)) for value in shards + names) < 100
    # nothing left behind: no staging file, no manifest, no claim
    assert list(staging(spread).rglob("*.parquet")) == []
    assert count(spread.database, "fetch_claims") == 0
    assert count(spread.database, "staged_loads") == 1


@pytest.fixture
def four_sites():
    """Four sites on 127.0.0.2 to 127.0.0.5, with a feed of three pages each; their URLs."""
    body = filler(3000)
    servers = [serve(f"127.0.0.{2 + h}", [3 * h + n for n in range(3)], body) for h in range(4)]
    yield [f"http://127.0.0.{2 + h}:{s.server_address[1]}/feed.xml" for h, s in enumerate(servers)]
    for server in servers:
        server.shutdown()


def four_site_settings(
    tmp_path: Path, feeds: list[str], database: str = "var/sw.duckdb", **airflow
):
    """Settings for a pipeline over the four sites, one page at a time; the feeds are polled."""
    http = {**LOOPBACK_HTTP, "allow_private": ["127.0.0.0/8"], "concurrency": 1}
    path = write_config(
        tmp_path, database=database, stories_dir=str(SEEDS_DIR), feeds=feeds,
        http=http, extraction={"workers": 1}, airflow=airflow,
    )  # fmt: skip
    settings = load_settings(path)
    stages.poll(settings)
    return settings


def test_shards_fetched_two_at_once_store_what_one_run_stores(tmp_path, four_sites):
    alone = four_site_settings(tmp_path, four_sites, "var/alone.duckdb")
    stages.fetch_articles(alone)
    spread = four_site_settings(tmp_path, four_sites, "var/spread.duckdb", shard_size=5)
    shards = plan_shards(spread)
    with ParquetFolder(staging(spread)) as files:
        urls = [[r["url"] for r in files.rows("rows", manifest(files.folder, s))] for s in shards]
    # a site's three pages in one shard (the per-host gap holds within a task), none split
    assert sorted(len(shard) for shard in urls) == [3, 3, 3, 3]
    assert all(len({site_of(url) for url in shard}) == 1 for shard in urls)
    with ThreadPoolExecutor(2) as tasks:  # two workers at once
        list(tasks.map(lambda shard: fetch_shard(spread, shard), shards))
    summary = load_staged(spread, shards)
    assert (summary.files, summary.stored) == (4, 12)
    assert stored(spread.database) == stored(alone.database)
    assert site_lines(spread.database) == site_lines(alone.database)


def test_a_staging_file_loaded_twice_changes_nothing(make_settings, tmp_path):
    settings = make_settings(airflow={"shard_size": 20})
    stages.poll(settings)
    (shard,) = plan_shards(settings)
    name = fetch_shard(settings, shard)
    again = fetch_shard(settings, shard)  # its task retried: the pages fetched a second time
    folder = staging(settings)
    kept = shutil.copy(folder / name, tmp_path / name)
    first = load_staged(settings, [shard])
    assert first.extracted == 10 and first.files == len({name, again})
    before = stored(settings.database), site_lines(settings.database)
    assert {row[3] for row in before[0]} == {1}  # one attempt each, though fetched twice

    shutil.copy(kept, folder / name)  # the same file put back: a retried load, a restore
    second = load_staged(settings, [shard])
    assert (second.stored, second.files) == (0, 0)
    assert (stored(settings.database), site_lines(settings.database)) == before
    assert not (folder / name).exists()  # it was deleted, not loaded
    with open_store(settings.database, read_only=True) as store:
        loads = store.rows_sql("SELECT sha256, shard_id, pages, stored FROM staged_loads")
    assert {f"{load['sha256']}.parquet" for load in loads} == {name, again}
    assert {(load["shard_id"], load["pages"]) for load in loads} == {(shard, 10)}
    # the shard's second file, if its pages came out another way, found them stored already
    assert sorted(load["stored"] for load in loads) == [0, 10][-len(loads) :]


def plan(settings) -> list[str]:
    return plan_shards(settings)


def test_two_plans_at_once_never_claim_the_same_entry(make_settings):
    # half the entries each: a plan claims a batch of five
    settings = make_settings(airflow={"shard_size": 1}, extraction={"batch": 5})
    stages.poll(settings)
    # two processes, as two Airflow tasks are: DuckDB's file lock makes one wait for the other
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as plans:
        both = list(plans.map(plan, [settings, settings]))
    with ParquetFolder(staging(settings)) as files:
        claimed = [
            [
                row["entry_id"]
                for shard in shards
                for row in files.rows("rows", manifest(files.folder, shard))
            ]
            for shards in both
        ]
    assert sorted(claimed[0] + claimed[1]) == list(range(1, 11))  # every entry, once
    assert sorted(len(entries) for entries in claimed) == [5, 5]
    assert plan_shards(settings) == []  # nothing left to claim while their leases last


@pytest.mark.parametrize("slow_site", [(6, 0)], indirect=True)
def test_a_shard_whose_site_is_down_is_recorded_per_entry_and_retried(config, slow_site):
    settings = load_settings(config())
    settings = settings.model_copy(
        update={"airflow": settings.airflow.model_copy(update={"shard_size": 4})}
    )
    slow_site.down = True
    down = sharded_run(settings)[2]
    assert (down.failed, down.waiting) == (6, 6)
    failed = articles(settings.database)
    assert [(a["status"], a["attempts"]) for a in failed] == [("failed", 1)] * 6
    with open_store(settings.database, read_only=True) as store:
        errors = {r[0] for r in store.con.execute("SELECT error FROM articles").fetchall()}
    assert all("503" in error for error in errors), errors

    slow_site.down = False
    up = sharded_run(settings)[2]
    assert (up.extracted, up.waiting) == (6, 0)
    assert [(a["status"], a["attempts"]) for a in articles(settings.database)] == [
        ("extracted", 2)
    ] * 6


def test_the_entries_of_a_shard_whose_task_died_are_fetched_by_the_next_run(tmp_path, four_sites):
    settings = four_site_settings(tmp_path, four_sites, shard_size=3)
    *done, lost = plan_shards(settings)
    for shard in done:  # the last shard's task died and left no file
        fetch_shard(settings, shard)
    lost_entries = entry_ids(settings, lost)
    assert load_staged(settings, [*done, lost]).stored == 9
    assert count(settings.database, "fetch_claims") == 0  # released: no wait for its lease
    (retry,) = plan_shards(settings)
    assert entry_ids(settings, retry) == lost_entries
    fetch_shard(settings, retry)
    assert load_staged(settings, [retry]).stored == 3
    assert {a["attempts"] for a in articles(settings.database)} == {1}
    assert len(articles(settings.database)) == 12


def entry_ids(settings, shard: str) -> list[int]:
    with ParquetFolder(staging(settings)) as files:
        return [row["entry_id"] for row in files.rows("rows", manifest(files.folder, shard))]


@pytest.mark.parametrize("slow_site", [(2, 0)], indirect=True)
def test_a_staging_file_that_is_not_what_its_name_says_is_set_aside(config, slow_site):
    settings = load_settings(config())
    (shard,) = plan_shards(settings)
    # the worker has no database: fetch_shard neither needs nor makes one (nor raw page files)
    away = settings.database.rename(settings.database.with_name("elsewhere.duckdb"))
    name = fetch_shard(settings, shard)
    assert not settings.database.exists() and not rawpages.folder(settings.database).exists()
    away.rename(settings.database)
    folder = staging(settings)
    (folder / name).write_bytes((folder / name).read_bytes()[:100])  # half a file
    summary = load_staged(settings, [shard])
    assert (summary.broken, summary.stored) == (1, 0)
    assert "1 broken file set aside" in str(summary)
    assert (folder / f"{name}.broken").exists()


def test_an_object_store_url_as_staging_is_refused_with_what_to_do(tmp_path):
    path = write_config(tmp_path, airflow={"staging": "s3://newsroom/staging"})
    with pytest.raises(ConfigError, match=r"airflow.staging.*mount the bucket as a folder"):
        load_settings(path)


@pytest.mark.parametrize("slow_site", [(1, 0)], indirect=True)
def test_a_failed_shard_task_leaves_its_failure_for_the_loader_to_record(config, slow_site):
    settings = load_settings(config())
    failure = {
        "dag_id": "storywatch_fetch", "task_id": "fetch_shard[2]", "run_id": "manual__1",
        "try_number": 1, "error": "OSError: [Errno 28] No space left on device",
    }  # fmt: skip
    left = leave_failure(settings, failure)
    assert leave_failure(settings, failure) == left  # its callback run again: one file
    ((path, found),) = left_failures(settings)
    assert (path, found) == (left, failure)
    assert record_failure(settings, found)
    with open_store(settings.database, read_only=True) as store:
        (row,) = store.rows_sql(
            "SELECT dag_id, task_id, run_id, try_number, error FROM task_failures"
        )
    assert row == failure


def test_the_staging_folder_is_beside_the_database_unless_one_is_set(tmp_path):
    beside = load_settings(write_config(tmp_path, database="var/news.duckdb"))
    assert staging(beside) == tmp_path / "var" / "news.duckdb.staging"
    shared = load_settings(write_config(tmp_path, airflow={"staging": "shared/staging"}))
    assert staging(shared) == tmp_path / "shared" / "staging"  # relative: to the config file
