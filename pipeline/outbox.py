"""The alert outbox, written by the match stage in the match's own transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from . import alert_policy, alerts
from .explanation import Change, stored_facts
from .matching import Decision
from .store import Store
from .stories import Story


def enqueue_update(
    store: Store,
    *,
    story_id: int,
    story: Story,
    article: dict,
    match_id: int,
    new_facts: list[str],
    changed_facts: list[Change],
    now: datetime,
    hold: str | None = None,
) -> int:
    """An update's alert for each recipient and each channel: pending, part of a digest, or
    suppressed with the reason (`hold`: why the story's alerts are held back now, as `holds_at`
    says). Returns how many recipients and channels will hear of it."""
    facts = alert_policy.fact_keys(new_facts, changed_facts)
    queued = 0
    # a channel is one more recipient, known by its URL's hash: its label is no unique name
    addressees = [(r, r, None) for r in story.recipients] + [
        (f"channel:{c.id}", c.label, c.id) for c in story.channels
    ]
    for addressee, recipient, channel_id in addressees:
        outcome = alert_policy.decide(
            story_slug=story.slug,
            article_id=article["id"],
            recipient=addressee,
            policy=story.alerts,
            baseline=bool(article["baseline"]),
            facts=facts,
            history=_history(store, story_id, recipient, channel_id),
            now=now,
            hold=hold,
        )
        store.execute(
            "insert_alert",
            {
                "idempotency_key": outcome.key,
                "story_id": story_id,
                "match_id": match_id,
                "recipient": recipient,
                "channel_id": channel_id,
                "message_id": alerts.message_id(outcome.key),
                "status": outcome.status,
                "suppressed_reason": outcome.reason,
                "delivery": outcome.delivery,
                "next_attempt_at": outcome.due_at,
            },
        )
        alert_id = store.scalar("alert_id_by_key", {"idempotency_key": outcome.key})
        store.execute("link_alert_match", {"alert_id": alert_id, "match_id": match_id})
        queued += outcome.status == "pending"
    return queued


def holds_at(store: Store, now: datetime) -> dict[int, str]:
    """Why each story whose alerts are held back at `now` is held: retired, or muted."""
    rows = store.rows("story_holds", {"now": now})
    return {row["story_id"]: alert_policy.hold_reason(row) for row in rows}


def hold_due_alerts(store: Store, now: datetime) -> int:
    """The due alerts of the stories held back at `now`, suppressed with the reason; returns
    how many stories were held."""
    held = holds_at(store, now)
    for story_id, reason in held.items():
        store.execute("suppress_story_alerts", {"story_id": story_id, "reason": reason, "due": now})
    return len(held)


def known_updates(store: Store, story_id: int) -> list[alert_policy.KnownUpdate]:
    """The story's updates so far, each with the articles that carry it, in the order found."""
    return [
        alert_policy.KnownUpdate(
            match_id=row["match_id"],
            article_ids=frozenset(row["article_ids"]),
            sentences=_sentences(*stored_facts(row)),
        )
        for row in store.rows("story_updates", {"story_id": story_id})
    ]


def corroborations(
    updates: list[alert_policy.KnownUpdate],
    *,
    match_id: int,
    article_id: int,
    decision: Decision,
    sentence_known: float,
) -> list[tuple[int, int]]:
    """The (update's match, this match) pairs a story's next decision adds, in the order the
    story made them: a rehash or a copy of a known update is another outlet carrying it. Keeps
    `updates` as `known_updates` would read it back: an update joins it, and a carrier joins
    the articles of the updates it carries (so that a copy of the carrier carries them too)."""
    if decision.verdict == "update":
        updates.append(
            alert_policy.KnownUpdate(
                match_id, frozenset({article_id}),
                _sentences(decision.new_facts, decision.changed_facts),
            )
        )  # fmt: skip
        return []
    found = alert_policy.corroborated(
        verdict=decision.verdict,
        duplicate_of=decision.duplicate_of,
        reasons=decision.reasons,
        updates=updates,
        sentence_known=sentence_known,
    )
    for n, update in enumerate(updates):
        if update.match_id in found:
            updates[n] = replace(update, article_ids=update.article_ids | {article_id})
    return [(update_match_id, match_id) for update_match_id in found]


def _sentences(new_facts: list[str], changed_facts: list[Change]) -> frozenset[str]:
    return frozenset(new_facts + [c["sentence"] for c in changed_facts])


def _history(
    store: Store, story_id: int, recipient: str, channel_id: str | None
) -> alert_policy.History:
    rows = store.rows(
        "alert_history", {"story_id": story_id, "recipient": recipient, "channel_id": channel_id}
    )
    if not rows:
        return alert_policy.History()
    facts: set[str] = set()
    for row in rows:
        facts |= alert_policy.fact_keys(*stored_facts(row))
    return alert_policy.History(frozenset(facts), rows[0]["last_alert_at"])
