"""Alert: the outbox's due alerts sent over SMTP and posted to notification channels; failures
retried with backoff; then each story's timeline page and Atom feed rebuilt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from .. import alert_policy, alerts, channel_message, channels, interrupt, mailer, site_files
from ..config import Settings
from ..errors import UsageError
from ..outbox import hold_due_alerts, holds_at
from ..snapshot import publishes
from ..store import Store, open_store
from ..sync import SyncedStories, sync_stories
from ..timeline import read_timelines

CHANNEL_REMOVED = "channel removed: no longer among the story's channels"


class NoSuchAlert(UsageError):
    """An alert id that is not in the outbox."""


class StoryHeld(UsageError):
    """An alert asked for of a story that is muted or retired."""


@dataclass
class SendSummary:
    sent: int = 0  # emails and channel posts
    failed: int = 0
    not_tried: int = 0  # the sender gave up on the server first: due as they were
    why_not_tried: str | None = None
    channels_sent: int = 0  # of `sent` and `failed`, those to notification channels
    channels_failed: int = 0
    timelines: int = 0  # stories whose timeline page or feed changed, and was written
    timelines_failed: int = 0  # stories whose files could not be written (tried next run)
    why_timelines_failed: str | None = None

    @property
    def errors(self) -> int:
        """Failures besides the alerts' own: the run exits 1 for them too."""
        return self.timelines_failed

    def __str__(self) -> str:
        line = f"alert   {self.sent} sent, {self.failed} failed"
        if self.channels_sent or self.channels_failed:
            line += f" (channels: {self.channels_sent} sent, {self.channels_failed} failed)"
        if self.not_tried:
            line += f", {self.not_tried} not tried, left for the next run ({self.why_not_tried})"
        if self.timelines:
            line += f"; timeline and feed of {self.timelines} {_stories(self.timelines)} written"
        if self.timelines_failed:
            line += (
                f"; timeline of {self.timelines_failed} {_stories(self.timelines_failed)} not "
                f"written ({self.why_timelines_failed})"
            )
        return line


def _stories(n: int) -> str:
    return "story" if n == 1 else "stories"


@publishes
def send_alerts(
    settings: Settings, *, only: list[int] | None = None, now: datetime | None = None
) -> SendSummary:
    """Send every due alert of the outbox (or the alerts `only` names, due or not): emails
    over SMTP, then posts to notification channels, each channel on its own (one that fails
    holds up no email and no other channel). A failure is recorded and retried with backoff, a
    permanent refusal is recorded and not retried, and an alert the sender did not get to (it
    gave up on the server first) is left as it was.

    The database stays open while mail goes out, unlike other stages' network work: each
    alert is marked the moment the server accepts it, so that a crash can cost at most one
    duplicate (see `alerts.message_id`), never a batch of them. The same holds for a channel.
    """
    now = now or datetime.now(UTC)
    summary = SendSummary()
    with open_store(settings.database) as store:
        # the stories as they are now: a recipient removed since the match gets nothing,
        # and a story muted or retired since holds its alerts back
        synced = sync_stories(store, settings)
        hold_due_alerts(store, now)
        ids = (
            only if only is not None else [r["id"] for r in store.rows("alerts_due", {"now": now})]
        )
        loaded = {i: load_alert(store, i) for i in ids}
        retry = {
            i: now + alert_policy.retry_delay(row["attempts"] + 1) for i, (row, _) in loaded.items()
        }
        messages = (
            (i, alerts.render(alert, settings.smtp.sender, site_url=settings.site.base_url))
            for i, (row, alert) in loaded.items()
            if row["channel_id"] is None
        )
        for ident, result in mailer.send(settings.smtp, messages):
            _record(store, summary, ident, result, retry[ident])
            if interrupt.requested():
                break  # the alerts not yet sent stay due as they were
        posts = [(row, alert) for row, alert in loaded.values() if row["channel_id"] is not None]
        if posts and not interrupt.requested():
            _post(store, summary, synced, posts, retry)
        if not interrupt.requested():  # else the next run rebuilds them, with what it sends
            _publish(settings, store, summary)
    interrupt.check(f"{summary.sent} alerts sent")
    return summary


def _publish(settings: Settings, store: Store, summary: SendSummary) -> None:
    """Every story's timeline and feed, written where they changed."""
    done = site_files.publish(settings.site, read_timelines(store))
    summary.timelines = len(done.written)
    summary.timelines_failed = len(done.failed)
    summary.why_timelines_failed = next(iter(done.failed.values()), None)


def _post(
    store: Store,
    summary: SendSummary,
    synced: SyncedStories,
    posts: list[tuple[dict, alerts.Alert]],
    retry: dict[int, datetime],
) -> None:
    """Each alert for a channel posted, one at a time, and recorded before the next. The URL
    comes from the configuration as it is now: the database never holds it."""
    current = {(story.slug, c.id): c for _, story in synced.stories for c in story.channels}
    paused = {broken.slug for broken in synced.broken}
    for row, alert in posts:
        channel = current.get((row["story_slug"], row["channel_id"]))
        if channel is None and row["story_slug"] in paused:
            # its channels are in the story.toml that does not load: they wait for the fix
            waiting = mailer.SendResult(f"story {row['story_slug']} does not load", tried=False)
            _record(store, summary, row["id"], waiting, retry[row["id"]])
        elif channel is None:
            store.execute("suppress_alert", {"id": row["id"], "reason": CHANNEL_REMOVED})
        else:
            message = channel_message.render(alert)
            error = channels.send(channel.url.get_secret_value(), message.title, message.body)
            _record(store, summary, row["id"], mailer.SendResult(error), retry[row["id"]], True)
        if interrupt.requested():
            break  # the posts not yet made stay due as they were


def _record(
    store: Store,
    summary: SendSummary,
    ident: int,
    result: mailer.SendResult,
    retry: datetime,
    channel: bool = False,
) -> None:
    """What the server said about one alert, on its row and in the summary."""
    if not result.tried:  # no attempt of its own: its row stays as it was
        summary.not_tried += 1
        summary.why_not_tried = result.error
    elif result.ok:
        summary.sent += 1
        summary.channels_sent += channel
        store.execute("mark_alert_sent", {"id": ident})
    else:
        summary.failed += 1
        summary.channels_failed += channel
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
        sources.setdefault(s["update_match_id"], []).append(alerts.Source.of(s))
    updates = [
        alerts.Update.of(u, sources.get(u["match_id"], []))
        for u in store.rows("alert_updates", {"alert_id": alert_id})
    ]
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
