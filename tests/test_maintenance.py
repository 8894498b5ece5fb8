"""Maintenance: old raw pages and polls go, feed health does not change, the operator's report
arrives once per key, a failure is recorded once."""

from datetime import UTC, datetime

from click.testing import CliRunner

from pipeline import rawpages, stages
from pipeline.cli import main
from pipeline.failures import record_failure
from pipeline.stages import maintenance
from pipeline.store import open_store


def age_everything(settings, days: int) -> None:
    with open_store(settings.database) as store:
        store.con.execute(f"UPDATE raw_pages SET stored_at = stored_at - INTERVAL {days} DAY")
        store.con.execute(
            f"UPDATE polls SET started_at = started_at - INTERVAL {days} DAY, "
            f"finished_at = finished_at - INTERVAL {days} DAY"
        )


def health(settings):
    with open_store(settings.database, read_only=True) as store:
        return store.rows_sql("SELECT * EXCLUDE (next_poll_at) FROM feed_health ORDER BY url")


def test_prune_deletes_old_pages_and_polls_but_not_what_feed_health_reads(make_settings):
    settings = make_settings()
    stages.run(settings)
    age_everything(settings, 400)
    stages.poll(settings, force=True)  # nothing new: polls that stored no entries
    age_everything(settings, 400)
    stages.fetch_articles(settings)  # retention is the maintenance's alone
    before = health(settings)
    kept = rawpages.folder(settings.database)
    assert len(list(kept.glob("*/*.html.gz"))) == 10
    pruned = maintenance.prune(settings)
    assert pruned.raw_pages == 10  # every page the site serves
    assert not list(kept.glob("*/*"))  # their files too
    assert pruned.polls == 0  # the polls left are the last of each feed or stored entries
    assert health(settings) == before
    assert maintenance.prune(settings) == maintenance.PruneSummary()  # again: nothing more

    for _ in range(2):
        stages.poll(settings, force=True)
    age_everything(settings, 400)
    assert maintenance.prune(settings).polls == len(settings.feeds) * 2
    state = ("status", "consecutive_failures", "entries", "ever_ok", "etag", "last_error")
    assert [[r[k] for k in state] for r in health(settings)] == [
        [r[k] for k in state] for r in before
    ]
    assert maintenance.checkpoint(settings)["database_bytes"] > 0


def test_the_feed_health_report_reaches_the_operator_once_per_key(make_settings, mail):
    settings = make_settings(airflow={"operator_email": ["ops@example.org"]})
    stages.poll(settings)
    now = datetime.now(UTC)
    sent = maintenance.report_feed_health(settings, key="run-1", now=now)
    assert sent.sent_to == 1 and sent.feeds == 2 and sent.attention == 0
    assert maintenance.report_feed_health(settings, key="run-1", now=now).sent_to == 0
    (report,) = mail.messages()
    text = report.read_text()
    assert "To: ops@example.org" in text and "all feeds ok" in text and "10 new entries" in text


def test_a_failure_is_recorded_and_told_once(make_settings, mail):
    settings = make_settings(airflow={"operator_email": ["ops@example.org"]})
    failure = {"dag_id": "d", "task_id": "t", "run_id": "r", "try_number": 1, "error": "boom"}
    assert record_failure(settings, failure) is True
    assert record_failure(settings, failure) is False
    assert len(mail.messages()) == 1 and "boom" in mail.messages()[0].read_text()


def test_storywatch_prune_does_the_maintenance_retention_without_airflow(make_settings, tmp_path):
    settings = make_settings()
    stages.run(settings)
    age_everything(settings, 400)
    config = str(tmp_path / "storywatch.toml")  # where make_settings wrote it
    result = CliRunner().invoke(main, ["prune", "--config", config])
    assert result.exit_code == 0, result.output
    assert "prune   10 raw pages, 0 polls deleted" in result.output
    assert not list(rawpages.folder(settings.database).glob("*/*"))
