"""Delivery of a batch of alerts to mail servers that hang up, ration or break their sessions.

One update of the seed story, 18 recipients: 18 pending alerts, built once and copied for each
test. Each test sends them to a real aiosmtpd server on 127.0.0.1 that misbehaves in one way,
then reads what the server kept and what the outbox says.
"""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import stages
from pipeline.cli import main
from pipeline.config import Settings, load_settings
from pipeline.demo import demo_pages
from pipeline.demo.site import DemoSite
from pipeline.failures import record_failure
from pipeline.paths import SEEDS_DIR
from pipeline.stages import maintenance
from pipeline.store import open_store
from tests.conftest import LOOPBACK_HTTP, write_config
from tests.smtp_servers import HangingUpHandler, smtp_server

# its module-scoped fixture is built once, on one worker, for all of its tests
pytestmark = pytest.mark.xdist_group("alert-outbox")

T0 = datetime(2026, 3, 2, 10, 20, tzinfo=UTC)
RECIPIENTS = [f"reader{i:02d}@example.org" for i in range(1, 19)]


def settings_for(folder: Path, database: Path, port: int) -> Settings:
    folder.mkdir(parents=True, exist_ok=True)
    return load_settings(
        write_config(
            folder,
            database=str(database),
            stories_dir=str(SEEDS_DIR),
            recipients=RECIPIENTS,
            feeds=[],
            smtp={"host": "127.0.0.1", "port": port, "timeout": 5},
            http=LOOPBACK_HTTP,
        )
    )


@pytest.fixture(scope="module")
def eighteen_pending(tmp_path_factory) -> Path:
    """A database whose outbox holds 18 pending alerts, one per recipient, due at T0."""
    folder = tmp_path_factory.mktemp("outbox")
    with DemoSite(demo_pages()) as site:
        settings = load_settings(
            write_config(
                folder,
                database="var/storywatch.duckdb",
                stories_dir=str(SEEDS_DIR),
                recipients=RECIPIENTS,
                feeds=[{"url": site.feed_url(s), "alert_on_backlog": True} for s in site.sections],
                smtp={"host": "127.0.0.1", "port": 9, "timeout": 2},
                http=LOOPBACK_HTTP,
            )
        )
        stages.poll(settings, force=True)
        stages.fetch_articles(settings)
        assert stages.match(settings, now=T0).alerts_queued == 18
    return settings.database


@pytest.fixture
def database(eighteen_pending, tmp_path) -> Path:
    copy = tmp_path / "var" / "storywatch.duckdb"
    copy.parent.mkdir(parents=True)
    shutil.copy(eighteen_pending, copy)
    return copy


def send(handler: HangingUpHandler, database: Path, folder: Path, now: datetime = T0):
    with smtp_server(handler) as port:
        settings = settings_for(folder, database, port)
        return stages.send_alerts(settings, now=now)


def outbox(database: Path) -> dict[str, dict]:
    with open_store(database, read_only=True) as store:
        rows = store.rows("alert_outbox", {"status": None, "story": None, "limit": None})
    return {r["recipient"]: r for r in rows}


def kept(handler: HangingUpHandler) -> Counter:
    """How many copies of each Message-ID the server kept."""
    return Counter(m["Message-ID"] for m in handler.received())


def test_a_server_that_hangs_up_after_each_accepted_message_gets_each_alert_once(
    database, tmp_path
):
    handler = HangingUpHandler(tmp_path / "mail", hang_up="after_reply")
    summary = send(handler, database, tmp_path)
    assert (summary.sent, summary.failed) == (18, 0)
    rows = outbox(database)
    assert set(kept(handler).values()) == {1}
    assert set(kept(handler)) == {r["message_id"] for r in rows.values()}
    assert {(r["status"], r["attempts"]) for r in rows.values()} == {("sent", 1)}
    assert handler.sessions == 18  # each message on a fresh connection


def test_a_server_that_rations_its_sessions_with_421_gets_every_alert_once(database, tmp_path):
    handler = HangingUpHandler(tmp_path / "mail", per_session=5)
    summary = send(handler, database, tmp_path)
    assert (summary.sent, summary.failed) == (18, 0)
    assert sorted(m["To"] for m in handler.received()) == RECIPIENTS
    assert {(r["status"], r["attempts"]) for r in outbox(database).values()} == {("sent", 1)}


def fails_alone(handler: HangingUpHandler, database: Path, folder: Path, unlucky: str) -> dict:
    """Send the 18 alerts: `unlucky`'s fails after one try, the others are sent once each.
    Returns its outbox row."""
    summary = send(handler, database, folder)
    assert (summary.sent, summary.failed) == (17, 1)
    rows = outbox(database)
    row = rows.pop(unlucky)
    assert (row["status"], row["attempts"]) == ("failed", 1) and row["next_attempt_at"] > T0
    assert {(r["status"], r["attempts"]) for r in rows.values()} == {("sent", 1)}
    return row


def test_a_hang_up_before_the_answer_costs_at_most_one_duplicate_of_that_alert(database, tmp_path):
    """The server kept the message but the client never heard so: it cannot be marked sent.
    It is retried later, once, under the same Message-ID; the others go out at once."""
    unlucky = RECIPIENTS[3]
    handler = HangingUpHandler(tmp_path / "mail", hang_up="before_reply", hang_up_for={unlucky})
    row = fails_alone(handler, database, tmp_path, unlucky)
    assert "may have arrived" in row["last_error"]

    healthy = HangingUpHandler(tmp_path / "mail")  # same folder: what both servers kept
    later = send(healthy, database, tmp_path, now=T0 + timedelta(minutes=5))
    assert (later.sent, later.failed) == (1, 0)
    assert send(healthy, database, tmp_path, now=T0 + timedelta(hours=5)).sent == 0
    copies = kept(healthy)
    assert copies[row["message_id"]] == 2
    assert set(copies.values()) == {1, 2} and len(copies) == 18
    after = outbox(database)[unlucky]
    assert (after["status"], after["attempts"]) == ("sent", 2)


def test_a_hang_up_during_data_fails_that_alert_alone(database, tmp_path):
    unlucky = RECIPIENTS[0]
    handler = HangingUpHandler(tmp_path / "mail", hang_up="during_data", hang_up_for={unlucky})
    fails_alone(handler, database, tmp_path, unlucky)
    assert sorted(m["To"] for m in handler.received()) == RECIPIENTS[1:]


def test_a_421_at_the_end_of_data_is_a_temporary_failure_of_that_alert(database, tmp_path):
    busy = RECIPIENTS[5]
    handler = HangingUpHandler(tmp_path / "mail", busy_for={busy})
    row = fails_alone(handler, database, tmp_path, busy)
    assert "421 4.3.2" in row["last_error"]
    assert busy not in {m["To"] for m in handler.received()}


def test_a_server_that_breaks_every_session_is_tried_once_and_the_rest_wait_untouched(
    database, tmp_path
):
    handler = HangingUpHandler(tmp_path / "mail", hang_up="at_mail")
    summary = send(handler, database, tmp_path)
    assert (summary.sent, summary.failed, summary.not_tried) == (0, 1, 17)
    assert "17 not tried" in str(summary)
    rows = outbox(database)
    first, *rest = (rows[r] for r in RECIPIENTS)
    assert (first["status"], first["attempts"]) == ("failed", 1)
    assert first["next_attempt_at"] > T0
    assert {(r["status"], r["attempts"], r["next_attempt_at"]) for r in rest} == {
        ("pending", 0, T0)
    }
    assert handler.sessions <= 2
    assert handler.received() == []


def alerts_cli(folder: Path, *args: str):
    return CliRunner().invoke(main, ["alerts", *args, "--config", str(folder / "storywatch.toml")])


def listing(folder: Path) -> dict[int, str]:
    """`alerts list` as {alert id: its lines}."""
    result = alerts_cli(folder, "list", "--limit", "100")
    assert result.exit_code == 0, result.output
    blocks: dict[int, str] = {}
    current = -1
    for line in result.output.splitlines():
        if line.startswith(" " * 7):  # the lines under an alert's own
            blocks[current] += "\n" + line
        else:
            current = int(line.split()[0])
            blocks[current] = line
    return blocks


def test_alerts_list_says_what_each_alert_waits_for_and_a_gave_up_one_is_not_retryable(
    database, tmp_path
):
    gone, busy, fine = RECIPIENTS[:3]
    handler = HangingUpHandler(tmp_path / "mail", refuse={gone}, busy_for={busy})
    ids = {k: r["id"] for k, r in outbox(database).items()}
    with smtp_server(handler) as port:
        settings = settings_for(tmp_path, database, port)
        stages.send_alerts(settings, only=[ids[gone], ids[busy], ids[fine]], now=T0)
    rows = outbox(database)
    shown = listing(tmp_path)
    assert len(shown) == 18

    refused = shown[ids[gone]]
    assert refused.split()[1:3] == ["gave", "up"]
    assert f"gave up ({gone} refused: 550 5.1.1 No such user here)" in refused
    assert "not retried" in refused and f"storywatch alerts resend {ids[gone]}" in refused
    assert "due" not in refused and "next attempt" not in refused

    retrying = shown[ids[busy]]
    assert retrying.split()[1] == "failed"
    assert "421 4.3.2 Service shutting down" in retrying
    assert "1 attempt," in retrying
    assert "next attempt on the next alert run (due since 2026-03-02 10:21 UTC)" in retrying

    sent = shown[ids[fine]]
    at = rows[fine]["sent_at"].astimezone(UTC)
    assert sent.split()[1] == "sent"
    assert f"sent {at:%Y-%m-%d %H:%M} UTC as {rows[fine]['message_id']}" in sent

    waiting = shown[ids[RECIPIENTS[3]]]
    assert waiting.split()[1] == "pending"
    assert "due since 2026-03-02 10:20 UTC, goes out on the next alert run" in waiting


def test_resend_of_a_gave_up_alert_says_whether_it_went_out(database, tmp_path):
    gone = RECIPIENTS[0]
    refusing = HangingUpHandler(tmp_path / "mail", refuse={gone})
    alert_id = outbox(database)[gone]["id"]
    with smtp_server(refusing) as port:
        settings_for(tmp_path, database, port)
        first = alerts_cli(tmp_path, "resend", str(alert_id))
        assert first.exit_code == 1
        assert f"alert {alert_id} not sent: gave up ({gone} refused: 550 5.1.1" in first.output
        assert f"not retried; once that is fixed: storywatch alerts resend {alert_id}" in (
            first.output
        )
    row = outbox(database)[gone]
    assert (row["status"], row["gave_up"], row["attempts"]) == ("failed", True, 1)

    healthy = HangingUpHandler(tmp_path / "mail")
    with smtp_server(healthy) as port:
        settings_for(tmp_path, database, port)
        again = alerts_cli(tmp_path, "resend", str(alert_id))
    assert again.exit_code == 0, again.output
    assert f"alert {alert_id} sent to {gone}" in again.output
    assert [m["To"] for m in healthy.received()] == [gone]
    assert listing(tmp_path)[alert_id].split()[1] == "sent"


OPERATORS = ["ops@example.org", "night-desk@example.org"]


def test_the_feed_health_report_reaches_every_operator(make_settings, tmp_path):
    handler = HangingUpHandler(tmp_path / "ops-mail", hang_up="after_reply")
    with smtp_server(handler) as port:
        settings = make_settings(
            airflow={"operator_email": OPERATORS},
            smtp={"host": "127.0.0.1", "port": port, "timeout": 5},
        )
        stages.poll(settings)
        sent = maintenance.report_feed_health(settings, key="run-1")
    assert sent.sent_to == 2
    assert handler.envelopes == [OPERATORS]  # one message, both on its envelope
    (report,) = handler.received()
    assert report["To"] == ", ".join(OPERATORS)


def test_a_failure_notice_to_a_server_that_breaks_every_session_is_recorded_all_the_same(
    make_settings, tmp_path, caplog
):
    handler = HangingUpHandler(tmp_path / "ops-mail", hang_up="at_mail")
    failure = {"dag_id": "d", "task_id": "t", "run_id": "r", "try_number": 1, "error": "boom"}
    with smtp_server(handler) as port:
        settings = make_settings(
            airflow={"operator_email": OPERATORS},
            smtp={"host": "127.0.0.1", "port": port, "timeout": 5},
        )
        assert record_failure(settings, failure) is True
        assert record_failure(settings, failure) is False  # recorded: not told twice
    assert handler.received() == [] and handler.sessions == 1
    assert "could not email the operator about the failure" in caplog.text


def test_a_server_that_never_answers_after_taking_a_message_is_given_up_after_two(
    database, tmp_path
):
    """Each hang-up may hide a delivery: two in a row without one answer, and the sender
    stops rather than hand the server every alert of the batch to lose or to duplicate."""
    handler = HangingUpHandler(tmp_path / "mail", hang_up="before_reply")
    summary = send(handler, database, tmp_path)
    assert (summary.sent, summary.failed, summary.not_tried) == (0, 2, 16)
    rows = [outbox(database)[r] for r in RECIPIENTS]
    assert [(r["status"], r["attempts"]) for r in rows[:2]] == [("failed", 1)] * 2
    assert {(r["status"], r["attempts"]) for r in rows[2:]} == {("pending", 0)}
    assert handler.sessions == 2 and len(handler.received()) == 2
