"""Airflow on the CeleryExecutor, for real: two Celery workers, Redis as the broker, PostgreSQL
as the metadata database and the result backend, a loopback site of 200 feeds and 2,000
articles. One worker is killed (SIGKILL, with everything it runs) in the middle of the fetch:
the fetch is retried on the other, and nothing is lost or doubled, down to the alert emails.
"""

from __future__ import annotations

import time

import pytest

from pipeline.config import load_settings
from pipeline.demo.mailsink import MailSink
from pipeline.store import open_store

pytest.importorskip("airflow.providers.celery", reason="the Celery provider: `airflow` extra")
redis = pytest.importorskip("redis", reason="the redis client: `airflow` extra")
psycopg2 = pytest.importorskip("psycopg2", reason="the `airflow` extra")
# one real Airflow at a time: beside the scheduler tests, on their worker, one after the other
pytestmark = [pytest.mark.airflow, pytest.mark.celery, pytest.mark.xdist_group("scheduler")]

from bench.workers import (  # noqa: E402
    NewsSite,
    celery_airflow,
    start_pass,
    wait_for_pass,
    write_config,
)
from storywatch_airflow.standalone import CeleryAirflow  # noqa: E402

FEEDS, ARTICLES = 200, 2000
FETCH = "storywatch_fetch"  # the DAG whose task (or tasks) download the pages


@pytest.fixture
def services():
    """Skip, rather than fail, on a machine without Redis or PostgreSQL on loopback."""
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_timeout=3).ping()
        psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres").close()
    except (redis.RedisError, psycopg2.OperationalError) as exc:
        pytest.skip(f"no Redis or PostgreSQL on 127.0.0.1: {exc}")


def running_task_pid(airflow: CeleryAirflow, dag_id: str) -> int | None:
    """The process of the task of `dag_id` that started last of those running now: a shard
    takes a few seconds, and one about to report its success when killed would not be tried
    again, which is no test of recovery."""
    rows = airflow.query(
        "SELECT pid FROM task_instance WHERE dag_id = %s AND state = 'running' AND pid IS NOT NULL"
        " ORDER BY start_date DESC LIMIT 1",
        [dag_id],
    )
    return rows[0]["pid"] if rows else None


def kill_the_worker_mid_fetch(airflow: CeleryAirflow, site: NewsSite, timeout: float) -> dict:
    """Once a fetch task runs and a fifth of the pages were asked for, SIGKILL the worker that
    runs it; returns the worker's name and the killed task instance, with when it was killed
    by the metadata database's clock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fetched = sum(site.requests.values())
        if fetched >= ARTICLES // 5 and (pid := running_task_pid(airflow, FETCH)):
            assert fetched < ARTICLES * 0.9, "the fetch was nearly done before the kill"
            worker = airflow.worker_of(pid)
            assert worker, f"no worker runs the task's process {pid}"
            (task,) = airflow.query(
                "SELECT task_id, map_index, run_id, try_number FROM task_instance"
                " WHERE dag_id = %s AND pid = %s",
                [FETCH, pid],
            )
            airflow.kill(worker)
            (clock,) = airflow.query("SELECT now() AS killed_at")
            return task | clock | {"worker": worker}
        time.sleep(0.2)
    pytest.fail(f"no fetch task ran with a fifth of the pages fetched:\n{airflow.tail()}")


def test_a_worker_killed_mid_fetch_loses_nothing_and_doubles_nothing(tmp_path, services):
    site = NewsSite(FEEDS, ARTICLES, hosts=20, delay=0.02)
    with site, MailSink(tmp_path / "mail") as mail:
        config = write_config(tmp_path, site, mail.port)
        began = time.monotonic()
        with celery_airflow(tmp_path, config, workers=2, broker_db=1) as airflow:
            started = time.monotonic()
            start_pass(airflow)
            killed = kill_the_worker_mid_fetch(airflow, site, timeout=300)
            at = time.monotonic()
            wait_for_pass(airflow, timeout=600)
            ended = time.monotonic()
            print(
                f"\nAirflow ready in {started - began:.0f}s; {killed['worker']} killed "
                f"{at - started:.0f}s later, mid-fetch; the pass ended {ended - at:.0f}s after that"
            )
            (again,) = airflow.query(
                "SELECT state, try_number, start_date FROM task_instance"
                " WHERE dag_id = %s AND task_id = %s AND map_index = %s AND run_id = %s",
                [FETCH, killed["task_id"], killed["map_index"], killed["run_id"]],
            )
            print(f"killed {killed}; at the end {again}")
            states = airflow.query("SELECT DISTINCT state FROM task_instance")
        emails = mail.messages()

    # the killed task ran again after the kill, to success: a retry, or its Celery message
    # handed to the other worker (the same try, started anew)
    assert again["state"] == "success", again
    assert again["try_number"] > killed["try_number"] or again["start_date"] > killed["killed_at"]
    assert {s["state"] for s in states} <= {"success", "skipped"}, states
    # every page was asked for; again only if the kill took it before it was stored
    assert set(site.requests) == {p.slug for p in site.pages}
    with open_store(load_settings(config).database, read_only=True) as store:
        one = store.rows_sql(
            "SELECT count(*) AS entries, count(a.id) AS articles, "
            "count(DISTINCT a.entry_id) AS entries_with_one, max(a.attempts) AS attempts, "
            "list(DISTINCT a.status) AS statuses "
            "FROM entries e LEFT JOIN articles a ON a.entry_id = e.id"
        )[0]
        matched = store.rows_sql(
            "SELECT count(*) AS pairs, count(m.id) AS matches, "
            "count(DISTINCT (m.article_id, m.story_id)) AS once "
            "FROM articles a CROSS JOIN stories s "
            "LEFT JOIN matches m ON m.article_id = a.id AND m.story_id = s.id "
            "WHERE a.entry_id IS NOT NULL"
        )[0]
        alerts = store.rows_sql(
            "SELECT count(DISTINCT m.id) AS updates, "
            "count(al.id) FILTER (WHERE al.status = 'sent') AS sent, "
            "count(al.id) FILTER (WHERE al.status IN ('pending', 'failed')) AS unsent, "
            "list(al.message_id) FILTER (WHERE al.status = 'sent') AS message_ids "
            "FROM matches m LEFT JOIN alerts al ON al.match_id = m.id "
            "WHERE m.verdict = 'update'"
        )[0]
    # every entry has exactly one article, its page fetched once as far as DuckDB knows
    assert one["entries"] == one["articles"] == one["entries_with_one"] == ARTICLES, one
    assert one["statuses"] == ["extracted"] and one["attempts"] == 1, one
    # every article judged exactly once against every story
    assert matched["pairs"] == matched["matches"] == matched["once"], matched
    # one email per update told, none twice, none left behind
    assert alerts["updates"] >= 1 and alerts["unsent"] == 0, alerts
    assert len(emails) == alerts["sent"] >= 1, (len(emails), alerts)
    received = [
        line.split(":", 1)[1].strip()
        for email in emails
        for line in email.read_text().splitlines()
        if line.lower().startswith("message-id:")
    ]
    assert sorted(received) == sorted(alerts["message_ids"])
    assert any("until 2028" in email.read_text() for email in emails)
