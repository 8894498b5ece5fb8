"""The Airflow DAGs: import cleanly, wire the stages through assets with retries and one writer,
and real runs (`dag.test()`) end in one email however often they are run again."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest

from pipeline import stages
from pipeline.config import load_settings
from pipeline.paths import PROJECT_ROOT, SEEDS_DIR
from pipeline.stages import fetch_shards
from pipeline.store import open_store
from tests.conftest import LOOPBACK_HTTP, write_config

pytest.importorskip("airflow", reason="Airflow is the `airflow` extra")
# one worker migrates Airflow's database and loads the DAG folder once for all of these tests
pytestmark = [pytest.mark.airflow, pytest.mark.xdist_group("airflow-dag")]

STAGE_DAGS = ["storywatch_poll", "storywatch_fetch", "storywatch_match", "storywatch_alert"]


def load_dags() -> dict:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    assert bag.import_errors == {}
    return bag.dags


@pytest.fixture(scope="module")
def dags():
    return load_dags()


def test_the_dag_folder_imports_without_errors_io_or_heavy_imports(dags):
    assert sorted(dags) == sorted([*STAGE_DAGS, "storywatch_maintenance"])
    # the DAG processor parses these files over and over: no DuckDB, extraction, feed parsing
    heavy = ("duckdb", "trafilatura", "feedparser", "pipeline.store", "pipeline.stages")
    code = (
        "import sys; sys.path.insert(0, 'dags'); import storywatch, storywatch_maintenance; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip().splitlines()[-1] == "[]"


def test_every_task_retries_with_backoff_times_out_and_records_its_failure(dags):
    from storywatch_airflow.tasks import on_failure, on_shard_failure

    for dag in dags.values():
        assert dag.catchup is False and dag.max_active_runs == 1, dag.dag_id
        assert "storywatch" in dag.tags and dag.doc_md, dag.dag_id
        for task in dag.tasks:
            where = f"{dag.dag_id}.{task.task_id}"
            assert task.retries >= 1 and task.retry_exponential_backoff, where
            assert task.execution_timeout and task.execution_timeout <= timedelta(hours=1), where
            if task.task_id == "fetch_shard":
                # opens no DuckDB: any worker, any slot; its failure waits for the load
                assert task.pool == "default_pool", where
                assert task.on_failure_callback in (on_shard_failure, [on_shard_failure]), where
            else:
                assert task.pool == "storywatch_duckdb", where  # every other task opens DuckDB
                assert on_failure in task.on_failure_callback, where
            assert task.doc_md, where


def test_the_fetch_is_planned_fetched_in_mapped_shards_and_loaded_whatever_failed(dags):
    from airflow.sdk import TriggerRule

    fetch = dags["storywatch_fetch"]
    plan, fetch_shard, load = (fetch.get_task(t) for t in ("plan", "fetch_shard", "load"))
    assert plan.downstream_task_ids == {"fetch_shard", "load"} and not plan.upstream_task_ids
    assert fetch_shard.downstream_task_ids == {"load"}
    assert fetch_shard.is_mapped and not plan.is_mapped  # one task instance per shard
    # load is the plan's teardown: run whatever became of the shards, skipped with the plan
    assert plan.is_setup and load.is_teardown and load.on_failure_fail_dagrun
    assert load.trigger_rule == TriggerRule.ALL_DONE_SETUP_SUCCESS
    assert [o.name for o in load.outlets] == ["storywatch_new_articles"]
    assert plan.outlets == [] and fetch_shard.outlets == []


def test_each_stage_starts_the_next_through_an_asset(dags):
    from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable

    chain = [dags[d] for d in STAGE_DAGS]
    assert isinstance(chain[0].timetable, CronTriggerTimetable)  # cron mode, the default
    assert chain[0].timetable.expression == "*/15 * * * *"
    for upstream, downstream in zip(chain, chain[1:], strict=False):
        (emitted,) = [outlet for task in upstream.tasks for outlet in task.outlets]
        assert isinstance(downstream.timetable, AssetOrTimeSchedule), downstream.dag_id
        assert downstream.timetable.asset_condition == emitted, downstream.dag_id
    assert [sorted(t.task_id for t in d.tasks) for d in chain] == [
        ["poll"],
        ["fetch_shard", "load", "plan"],
        ["match"],
        ["alert"],
    ]


def test_event_mode_watches_the_config_feeds_from_the_triggerer(tmp_path, monkeypatch):
    from airflow._shared.module_loading import import_string  # what the triggerer uses
    from airflow.sdk import AssetOrTimeSchedule

    from tests.conftest import write_config

    feeds = ["https://news.example.org/rss.xml", "https://wire.example.com/feed"]
    config = write_config(tmp_path, feeds=feeds, airflow={"mode": "events", "watch_interval": 7})
    monkeypatch.setenv("STORYWATCH_CONFIG", str(config))
    poll = load_dags()["storywatch_poll"]
    assert isinstance(poll.timetable, AssetOrTimeSchedule)  # the schedule stays as the fallback
    assert poll.timetable.timetable.expression == "*/15 * * * *"
    (watcher,) = poll.timetable.asset_condition.watchers
    classpath, kwargs = watcher.trigger.serialize()
    # the triggerer imports the trigger by this path, without the DAG folder on sys.path
    code = f"from airflow._shared.module_loading import import_string; import_string({classpath!r})"
    subprocess.run([sys.executable, "-c", code], cwd="/", check=True, capture_output=True)
    assert kwargs == {"config": str(config), "feeds": feeds, "interval": 7.0}
    assert import_string(classpath)(**kwargs).serialize() == (classpath, kwargs)


@pytest.fixture(scope="module")
def airflow_db():
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        check=True,
        capture_output=True,
        env=os.environ,
    )


def run_all(dags, runs: dict | None = None) -> list[str]:
    """One dag.test() of each stage's DAG, in order; the state each task ended in. `runs`
    takes each DAG's run."""
    states = []
    for dag_id in STAGE_DAGS:
        run = dags[dag_id].test()
        assert run.state == "success", dag_id
        states += [ti.state for ti in run.get_task_instances()]
        if runs is not None:
            runs[dag_id] = run
    return states


def xcom_values(run) -> dict[tuple[str, int], str]:
    """What the run's tasks returned through XCom, as stored: {(task, map index): value}."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.query(XComModel).filter(
            XComModel.dag_id == run.dag_id, XComModel.run_id == run.run_id
        )
        return {(x.task_id, x.map_index): json.dumps(x.value) for x in rows}


def counts(settings) -> dict:
    with open_store(settings.database, read_only=True) as store:
        return {
            t: store.rows_sql(f"SELECT count(*) AS n FROM {t}")[0]["n"]  # our own table names
            for t in ("polls", "entries", "articles", "matches", "alerts")
        }


def test_dag_runs_end_in_one_email_through_smtp_default_and_run_again_change_nothing(
    airflow_db, make_settings, mail, monkeypatch, tmp_path
):
    # storywatch.toml names a mail server that is not there; Airflow's connection the real one
    settings = make_settings(smtp={"host": "127.0.0.1", "port": 9, "timeout": 5})
    monkeypatch.setenv(
        "STORYWATCH_CONFIG", str(settings.database.parent.parent / "storywatch.toml")
    )
    connection = {
        "conn_type": "smtp",
        "host": "127.0.0.1",
        "port": mail.port,
        "extra": {"disable_ssl": True, "disable_tls": True, "from_email": "news@example.org"},
    }
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(connection))
    dags = load_dags()
    runs: dict = {}
    assert set(run_all(dags, runs)) == {"success"}
    (message,) = mail.messages()
    assert "until 2028" in message.read_text() and "news@example.org" in message.read_text()
    # the fetch went through shards, and no page through XCom: ids, names and counts
    fetched = xcom_values(runs["storywatch_fetch"])
    assert {task for task, _ in fetched} == {"plan", "fetch_shard", "load"}
    assert len([key for key in fetched if key[0] == "fetch_shard"]) == len(
        json.loads(fetched[("plan", -1)])
    )
    assert max(len(value) for value in fetched.values()) < 300, fetched

    # every stage run again (a cleared task, a cleared run): nothing new, nothing sent twice
    before = counts(settings)
    assert set(run_all(dags)) == {"skipped"}
    assert len(mail.messages()) == 1
    assert counts(settings) == before


def test_a_task_that_fails_is_recorded_and_mailed_to_the_operator(
    airflow_db, make_settings, mail, monkeypatch, tmp_path
):
    # a broken story is only recorded (the others go on); a missing stories folder fails the task
    settings = make_settings(
        stories_dir=str(tmp_path / "no-stories"), airflow={"operator_email": ["ops@example.org"]}
    )
    monkeypatch.setenv(
        "STORYWATCH_CONFIG", str(settings.database.parent.parent / "storywatch.toml")
    )
    match = load_dags()["storywatch_match"]
    for task in match.tasks:
        task.retries = 0  # the test needs the final failure, not the retries' waits
    assert match.test().state == "failed"
    with open_store(settings.database, read_only=True) as store:
        (failure,) = store.rows_sql("SELECT dag_id, task_id, try_number, error FROM task_failures")
    assert failure["dag_id"] == "storywatch_match" and failure["task_id"] == "match"
    assert "no-stories" in failure["error"]
    (notice,) = mail.messages()
    text = notice.read_text()
    assert "To: ops@example.org" in text and "storywatch_match.match failed" in text


def test_a_shard_that_overruns_is_recorded_and_load_releases_its_entries_for_the_next_run(
    airflow_db, tmp_path, monkeypatch
):
    from tests.test_fetch import SlowSite

    site = SlowSite(pages=2, delay=3)
    try:
        config = write_config(
            tmp_path, database="var/sw.duckdb", stories_dir=str(SEEDS_DIR),
            feeds=[f"{site.url}/feed.xml"], http=LOOPBACK_HTTP, extraction={"workers": 1},
        )  # fmt: skip
        monkeypatch.setenv("STORYWATCH_CONFIG", str(config))
        settings = load_settings(config)
        stages.poll(settings)
        fetch = load_dags()["storywatch_fetch"]
        shard = fetch.get_task("fetch_shard")
        # its pages take 3 s: the task is stopped at 1 s, as Airflow stops one that overruns
        shard.partial_kwargs |= {"retries": 0, "execution_timeout": timedelta(seconds=1)}
        run = fetch.test()
    finally:
        site.httpd.shutdown()
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    # the load ran though its shard failed; it stored nothing, so emits nothing
    assert states == {"plan": "success", "fetch_shard": "failed", "load": "skipped"}
    with open_store(settings.database, read_only=True) as store:
        (failure,) = store.rows_sql("SELECT task_id, error FROM task_failures")
        claims = store.rows_sql("SELECT * FROM fetch_claims")
    assert failure["task_id"] == "fetch_shard[0]" and "Timeout" in failure["error"]
    assert claims == []  # released by the load: the next run (the sweep) fetches them
    assert fetch_shards.plan_shards(settings) != []
