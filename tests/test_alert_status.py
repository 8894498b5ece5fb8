"""What `alerts list` says of an alert whose time has not come, or that was held back: the
states a sending run cannot put a row in on the test's clock (the CLI test reads the others)."""

from datetime import UTC, datetime, timedelta, timezone

from pipeline.alert_status import explain, state

NOW = datetime(2026, 3, 2, 10, 20, tzinfo=UTC)
ROW = {
    "id": 7, "status": "pending", "gave_up": False, "attempts": 0, "last_error": None,
    "next_attempt_at": NOW, "sent_at": None, "message_id": "<m@x>", "suppressed_reason": None,
}  # fmt: skip


def test_a_digest_not_yet_due_says_when_it_goes_out():
    row = {**ROW, "next_attempt_at": NOW + timedelta(minutes=40)}
    assert (state(row), explain(row, NOW)) == ("pending", "due 2026-03-02 11:00 UTC")


def test_a_failed_alert_in_its_backoff_says_when_it_is_tried_again():
    later = NOW + timedelta(minutes=4)
    row = {
        **ROW,
        "status": "failed",
        "attempts": 3,
        "last_error": "421 busy",
        "next_attempt_at": later,
    }
    assert state(row) == "failed"
    assert explain(row, NOW) == "3 attempts, the last: 421 busy; next attempt 2026-03-02 10:24 UTC"


def test_a_held_back_alert_gives_the_reason_and_how_to_send_it_anyway():
    row = {**ROW, "status": "suppressed", "suppressed_reason": "cooldown: an alert went out"}
    assert explain(row, NOW) == (
        "held back: cooldown: an alert went out; to send it anyway: storywatch alerts resend 7"
    )


def test_times_are_told_in_utc_whatever_zone_the_database_hands_back():
    paris = datetime(2026, 3, 2, 12, 5, tzinfo=UTC).astimezone(timezone(timedelta(hours=1)))
    row = {**ROW, "status": "sent", "sent_at": paris}
    assert explain(row, NOW) == "sent 2026-03-02 12:05 UTC as <m@x>"
