"""A real Airflow scheduler on the demo site: an article published on the loopback feed ends as
an alert email at the loopback SMTP sink, with SQLite and with PostgreSQL as Airflow's database.
"""

from __future__ import annotations

import math
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from pipeline import stages
from pipeline.config import load_settings
from pipeline.demo import FOLLOW_UP, demo_pages
from pipeline.demo.mailsink import MailSink
from pipeline.demo.site import DemoSite
from pipeline.paths import SEEDS_DIR
from pipeline.store import open_store
from tests.conftest import LOOPBACK_HTTP, alone, write_config

pytest.importorskip("airflow", reason="Airflow is the `airflow` extra")
# each test asserts a latency: never two real schedulers at once, on one worker one after the other
pytestmark = [pytest.mark.airflow, pytest.mark.scheduler, pytest.mark.xdist_group("scheduler")]

from storywatch_airflow.standalone import (  # noqa: E402
    Standalone,
    environment,
    free_port,
    postgres_database,
)


@pytest.fixture
def newsroom(tmp_path):
    """The demo site with the follow-up held back, the mail sink, and a storywatch.toml for them
    whose database already holds the feeds' backlog (as after `storywatch run`)."""
    pages = demo_pages()
    with (
        DemoSite(pages, published={p.slug for p in pages} - {FOLLOW_UP}) as site,
        MailSink(tmp_path / "mail") as mail,
    ):
        yield site, mail, tmp_path


def configure(tmp_path: Path, site: DemoSite, mail: MailSink, **airflow) -> Path:
    config = write_config(
        tmp_path,
        database="var/storywatch.duckdb",
        stories_dir=str(SEEDS_DIR),
        recipients=["desk@example.org"],
        feeds=[site.feed_url(s) for s in site.sections],
        smtp={"host": "127.0.0.1", "port": mail.port, "timeout": 5},
        http=LOOPBACK_HTTP,
        # every poll finds the feeds due: the schedule, not the politeness floor, decides
        polling={"interval": 1, "min_interval": 0},
        airflow=airflow,
    )
    for summary in stages.run(load_settings(config)):
        assert "failed" not in str(summary) or " 0 failed" in str(summary), summary
    return config


def publish_and_wait_for_the_email(
    site, mail, airflow: Standalone, timeout: float, measured_from: float = 0
) -> float:
    """Publish the follow-up; return the seconds until its alert email arrived. From the epoch
    time `measured_from` (or at once) no other test runs: the latency is Airflow's alone."""
    with ExitStack() as quiet:
        alone_yet = measured_from == 0
        if alone_yet:
            quiet.enter_context(alone())  # before the clock starts: the others finish first
        published, published_at = time.monotonic(), time.time()
        site.publish(FOLLOW_UP)
        while not mail.messages():
            if not alone_yet and time.time() >= measured_from:
                quiet.enter_context(alone())
                alone_yet = True
            check_still_waiting(airflow, published, timeout)
            time.sleep(0.5)
    (message,) = mail.messages()
    latency = message.stat().st_mtime - published_at
    assert "until 2028" in message.read_text()
    return latency


def check_still_waiting(airflow: Standalone, published: float, timeout: float) -> None:
    if airflow.process.poll() is not None or time.monotonic() - published > timeout:
        pytest.fail(
            f"no alert email {time.monotonic() - published:.0f}s after publishing; "
            f"airflow standalone's log ends with:\n{airflow.tail()}"
        )


def assert_pages_were_extracted(config: Path) -> None:
    """Extraction's worker processes work inside Airflow's tasks (no fallback to summaries)."""
    with open_store(load_settings(config).database, read_only=True) as store:
        statuses = store.rows_sql("SELECT DISTINCT status FROM articles WHERE entry_id IS NOT NULL")
    assert statuses == [{"status": "extracted"}]


def wait_for_watcher(site, feeds: int, looks: int, timeout: float, airflow: Standalone) -> None:
    """Until the watcher has read every feed `looks` times: its first look is behind it."""
    deadline = time.monotonic() + timeout
    while sum(p.startswith("/feeds/") for p in site.requests) < feeds * looks:
        if time.monotonic() > deadline:
            pytest.fail(f"the feed watcher never looked at the feeds:\n{airflow.tail()}")
        time.sleep(0.5)


def test_cron_mode_on_sqlite_emails_the_follow_up(newsroom):
    site, mail, tmp_path = newsroom
    config = configure(tmp_path, site, mail, mode="cron", schedule="* * * * *")
    env = environment(tmp_path / "airflow", free_port(), config)
    with Standalone(env, tmp_path / "airflow.log") as airflow:
        airflow.wait_ready(timeout=180)
        published_at = time.time()
        # the others run until shortly before the tick: the wait for it is the schedule's
        tick = math.ceil(published_at / 60) * 60
        latency = publish_and_wait_for_the_email(
            site, mail, airflow, timeout=240, measured_from=tick - 15
        )
    assert_pages_were_extracted(config)
    # the wait for the next minute is the schedule's; what follows the tick is the pipeline's
    after_tick = latency - (math.ceil(published_at / 60) * 60 - published_at)
    print(
        f"\ncron mode (every minute), SQLite: published -> email in {latency:.1f}s, "
        f"{after_tick:.1f}s of it after the cron tick"
    )
    assert after_tick < 60


def test_event_mode_on_postgres_emails_the_follow_up_within_a_minute(newsroom):
    psycopg2 = pytest.importorskip("psycopg2")
    with ExitStack() as stack:
        try:
            url = stack.enter_context(postgres_database())
        except psycopg2.OperationalError as exc:
            pytest.skip(f"no PostgreSQL on 127.0.0.1:5432: {exc}")
        site, mail, tmp_path = newsroom
        # the schedule is the fallback only: a day away, so that the watcher alone can start it
        config = configure(tmp_path, site, mail, mode="events", schedule="0 0 * * *",
                           watch_interval=2)  # fmt: skip
        env = environment(
            tmp_path / "airflow", free_port(), config, {"AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": url}
        )
        with Standalone(env, tmp_path / "airflow.log") as airflow:
            airflow.wait_ready(timeout=180)
            wait_for_watcher(site, len(site.sections), looks=2, timeout=120, airflow=airflow)
            latency = publish_and_wait_for_the_email(site, mail, airflow, timeout=120)
        assert_pages_were_extracted(config)
        print(f"\nevent mode (watcher every 2s), PostgreSQL: published -> email in {latency:.1f}s")
        assert latency < 60
