"""Alert: the outbox's due alerts sent over SMTP; failures retried with backoff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from .. import alert_policy, alerts, interrupt, mailer
from ..config import Settings
from ..errors import UsageError
from ..explanation import stored_facts
from ..outbox import hold_due_alerts, holds_at
from ..store import Store, open_store
from ..sync import sync_stories


class NoSuchAlert(UsageError):
    """An alert id that is not in the outbox."""


class StoryHeld(UsageError):
    """An alert asked for of a story that is muted or retired."""


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0
    not_tried: int = 0  # the sender gave up on the server first: due as they were
    why_not_tried: str | None = None

    def __str__(self) -> str:
        line = f"alert   {self.sent} sent, {self.failed} failed"
        if self.not_tried:
            line += f", {self.not_tried} not tried, left for the next run ({self.why_not_tried})"
        return line


def send_alerts(
    settings: Settings, *, only: list[int] | None = None, now: datetime | None = None
) -> SendSummary:
    """Send every due alert of the outbox (or the alerts `only` names, due or not); a failure
    is recorded and retried with backoff, a permanent refusal is recorded and not retried, and
    an alert the sender did not get to (it gave up on the server first) is left as it was.

    The database stays open while mail goes out, unlike other stages' network work: each
    alert is marked the moment the server accepts it, so that a crash can cost at most one
    duplicate (see `alerts.message_id`), never a batch of them.
    """
    now = now or datetime.now(UTC)
    summary = SendSummary()
    with open_store(settings.database) as store:
        # the stories as they are now: a recipient removed since the match gets nothing,
        # and a story muted or retired since holds its alerts back
        sync_stories(store, settings)
        hold_due_alerts(store, now)
        ids = (
            only if only is not None else [r["id"] for r in store.rows("alerts_due", {"now": now})]
        )
        loaded = {i: load_alert(store, i) for i in ids}
        attempts = {i: row["attempts"] for i, (row, _) in loaded.items()}
        messages = (
            (i, alerts.render(alert, settings.smtp.sender)) for i, (_, alert) in loaded.items()
        )
        for ident, result in mailer.send(settings.smtp, messages):
            _record(
                store, summary, ident, result, now + alert_policy.retry_delay(attempts[ident] + 1)
            )
            if interrupt.requested():
                break  # the alerts not yet sent stay due as they were
    interrupt.check(f"{summary.sent} alerts sent")
    return summary


def _record(
    store: Store, summary: SendSummary, ident: int, result: mailer.SendResult, retry: datetime
) -> None:
    """What the server said about one alert, on its row and in the summary."""
    if not result.tried:  # no attempt of its own: its row stays as it was
        summary.not_tried += 1
        summary.why_not_tried = result.error
    elif result.ok:
        summary.sent += 1
        store.execute("mark_alert_sent", {"id": ident})
    else:
        summary.failed += 1
        store.execute(
            "mark_alert_failed",
            {
                "id": ident,
                "error": result.error,
                "next_attempt_at": retry,
                "gave_up": result.permanent,
            },
        )


def load_alert(store: Store, alert_id: int) -> tuple[dict, alerts.Alert]:
    """An outbox row and the alert it makes, with its updates, their other outlets and the
    story's thread. Raises NoSuchAlert for an unknown id."""
    row = store.one("alert_by_id", {"id": alert_id})
    if row is None:
        raise NoSuchAlert(f"no alert {alert_id}: `storywatch alerts list` shows them")
    sources: dict[int, list[alerts.Source]] = {}
    for s in store.rows("alert_sources", {"alert_id": alert_id}):
        sources.setdefault(s["update_match_id"], []).append(_source(s))
    updates = []
    for u in store.rows("alert_updates", {"alert_id": alert_id}):
        facts = stored_facts(u)
        updates.append(
            alerts.Update(
                source=_source(u),
                new_facts=facts.new_facts,
                changed=facts.changed_facts,
                also=sources.get(u["match_id"], []),
                score=u["score"],
            )
        )
    thread = store.rows(
        "alert_thread", {"story_id": row["story_id"], "recipient": row["recipient"], "id": alert_id}
    )
    alert = alerts.Alert(
        id=row["id"],
        recipient=row["recipient"],
        message_id=row["message_id"],
        story_slug=row["story_slug"],
        story_name=row["story_name"],
        story_description=row["story_description"] or "",
        delivery=row["delivery"],
        updates=updates,
        thread=[t["message_id"] for t in thread],
    )
    return row, alert


def requeue(settings: Settings, alert_id: int) -> dict:
    """Put an alert back in the outbox, due now, whatever its state. One already delivered
    gets a new Message-ID: mail systems drop a second message under the same one."""
    with open_store(settings.database) as store:
        row = store.one("alert_by_id", {"id": alert_id})
        if row is None:
            raise NoSuchAlert(f"no alert {alert_id}: `storywatch alerts list` shows them")
        if hold := holds_at(store, datetime.now(UTC)).get(row["story_id"]):
            slug = row["story_slug"]
            fix = (
                f"; `storywatch story unmute {slug}` first" if hold != alert_policy.RETIRED else ""
            )
            raise StoryHeld(f"alert {alert_id} not sent: {slug} is held back ({hold}){fix}")
        message_id = row["message_id"]
        if row["status"] == "sent":
            message_id = alerts.message_id(f"{row['idempotency_key']}#resend{row['attempts']}")
        store.execute("resend_alert", {"id": alert_id, "message_id": message_id})
        return store.one("alert_by_id", {"id": alert_id})


def _source(row: dict) -> alerts.Source:
    return alerts.Source(row["outlet"], row["title"], row["url"], row["published_at"])
