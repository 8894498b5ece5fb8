"""The Airflow DAG: imports cleanly, wires the stages as asked, and a real run ends in an email."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest

from pipeline.paths import PROJECT_ROOT

pytest.importorskip("airflow", reason="Airflow is the `airflow` extra")
pytestmark = pytest.mark.airflow


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(PROJECT_ROOT / "dags"))


def test_the_dag_folder_imports_without_errors_or_heavy_imports(dagbag):
    assert dagbag.import_errors == {}
    assert list(dagbag.dag_ids) == ["storywatch"]
    heavy = ("duckdb", "trafilatura", "feedparser", "pipeline")
    code = (
        "import sys; sys.path.insert(0, 'dags'); import storywatch; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_the_dag_runs_the_stages_in_order_with_retries_and_one_writer(dagbag):
    dag = dagbag.dags["storywatch"]
    assert dag.catchup is False and dag.max_active_runs == 1
    assert dag.timetable.expression == "*/15 * * * *"
    assert dag.tags == {"storywatch", "news"} and dag.doc_md
    assert [t.task_id for t in dag.topological_sort()] == ["poll", "fetch", "match", "alert"]
    for task in dag.tasks:
        assert task.retries >= 1, task.task_id
        assert task.execution_timeout and task.execution_timeout <= timedelta(hours=1)
        assert task.pool == "storywatch_duckdb"
        assert task.doc_md


@pytest.fixture(scope="module")
def airflow_db():
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        check=True,
        capture_output=True,
        env=os.environ,
    )


def test_dag_test_against_the_loopback_servers_ends_with_an_email(
    airflow_db, dagbag, make_settings, mail, monkeypatch
):
    settings = make_settings()
    monkeypatch.setenv(
        "STORYWATCH_CONFIG", str(settings.database.parent.parent / "storywatch.toml")
    )
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(dag_folder=str(PROJECT_ROOT / "dags")).dags["storywatch"]  # reads the config
    run = dag.test()
    assert run.state == "success"
    (message,) = mail.messages()
    assert "until 2028" in message.read_text()
