"""An outbox row in words: the state an alert is in and what the sender will do with it (pure).

What `alerts list` and `alerts resend` say must be what happens: an alert given up on is not
"due", and one whose retry time has passed goes out on the next alert run, not at that time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .alert_policy import MUTED, RETIRED
from .plural import plural


def resend_hint(alert_id: int) -> str:
    return f"storywatch alerts resend {alert_id}"


def state(row: Mapping[str, Any]) -> str:
    """pending | sent | failed (will be retried) | gave up | suppressed."""
    return "gave up" if row["status"] == "failed" and row["gave_up"] else row["status"]


def explain(row: Mapping[str, Any], now: datetime) -> str:
    """The line under an alert: when it went out, why it waits, or why it will not go out."""
    kind = state(row)
    if kind == "sent":
        return f"sent {_at(row['sent_at'])} as {row['message_id']}"
    if kind == "suppressed":
        reason = row["suppressed_reason"] or ""
        if reason == RETIRED:
            return f"held back: {reason}"
        when = "once unmuted, " if reason.startswith(MUTED) else ""
        return f"held back: {reason}; {when}to send it anyway: {resend_hint(row['id'])}"
    if kind == "gave up":
        return (
            f"gave up ({row['last_error']}) after {plural(row['attempts'], 'attempt')}: "
            "not retried; "
            f"once that is fixed: {resend_hint(row['id'])}"
        )
    due = row["next_attempt_at"]
    if kind == "failed":
        when = (
            f"next attempt {_at(due)}"
            if due > now
            else f"next attempt on the next alert run (due since {_at(due)})"
        )
        return f"{plural(row['attempts'], 'attempt')}, the last: {row['last_error']}; {when}"
    if due > now:
        return f"due {_at(due)}"
    return f"due since {_at(due)}, goes out on the next alert run"


def _at(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
