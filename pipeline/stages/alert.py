"""Alert: the outbox's due alerts sent over SMTP; failures retried with backoff."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .. import alerts
from ..config import Settings
from ..store import open_store

SEND_ATTEMPTS = 5


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"alert   {self.sent} sent, {self.failed} failed"


def send_alerts(settings: Settings) -> SendSummary:
    """Send every due alert of the outbox; a failure is recorded and retried with backoff."""
    with open_store(settings.database) as store:
        due = store.rows("alerts_due", {"max_attempts": SEND_ATTEMPTS})
    messages = {row["id"]: (row, alerts.render(_alert(row), settings.smtp.sender)) for row in due}
    results = list(alerts.send(settings.smtp, ((i, m) for i, (_, m) in messages.items())))
    summary = SendSummary()
    with open_store(settings.database) as store:
        for ident, error in results:
            if error is None:
                summary.sent += 1
                store.execute("mark_alert_sent", {"id": ident})
            else:
                summary.failed += 1
                attempts = messages[ident][0]["attempts"] + 1
                store.execute(
                    "mark_alert_failed",
                    {"id": ident, "error": error, "retry_in_seconds": 60 * 2**attempts},
                )
    return summary


def _alert(row: dict) -> alerts.Alert:
    return alerts.Alert(
        id=row["id"],
        recipient=row["recipient"],
        message_id=row["message_id"],
        story_slug=row["story_slug"],
        story_name=row["story_name"],
        title=row["title"] or "(untitled)",
        url=row["url"],
        outlet=row["outlet"],
        published_at=row["published_at"],
        new_facts=json.loads(row["new_facts"]),
        score=row["score"],
    )
