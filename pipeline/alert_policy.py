"""Who hears of an update, when, and why not: the outbox's decisions, pure.

An update becomes, per recipient, either a pending alert (now, or when its digest window
closes) or a suppressed one with the reason: the feed's backlog, a cooldown, or facts the
recipient was already told. Another outlet's report of a known update is no alert: it is
listed in that update's email.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from .explanation import Change, Reasons

Delivery = Literal["immediate", "hourly", "daily"]
DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d)?\s*$")
UNIT_SECONDS = {None: 1, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
FIRST_RETRY = timedelta(minutes=1)
MUTED, RETIRED = "muted", "story retired"  # how a held story's suppressed alerts begin
# A mail server down for a day must not lose its alerts: retries go on, at most this far apart.
MAX_RETRY = timedelta(hours=1)


@dataclass(frozen=True)
class AlertPolicy:
    """A story's `[alerts]` in its story.toml."""

    delivery: Delivery = "immediate"
    cooldown: timedelta = timedelta(0)  # immediate only: quiet time after an email


@dataclass(frozen=True)
class Outcome:
    """What the outbox records for one update and one recipient."""

    key: str  # the idempotency key: digests of one window share it
    status: Literal["pending", "suppressed"]
    due_at: datetime
    delivery: Delivery
    reason: str | None = None


@dataclass(frozen=True)
class History:
    """What a recipient was already sent (or will be) about a story."""

    facts: frozenset[str] = frozenset()
    last_alert_at: datetime | None = None


@dataclass(frozen=True)
class KnownUpdate:
    """An update of the story, the articles that carry it, and the sentences of its facts."""

    match_id: int
    article_ids: frozenset[int]
    sentences: frozenset[str]


def parse_duration(value: str | float | int) -> timedelta:
    """`90`, `"90s"`, `"15m"`, `"2h"`, `"1d"` -> a timedelta; bare numbers are seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        found = DURATION.match(str(value))
        if not found:
            raise ValueError(f"not a duration: {value!r} (use seconds, or 90s, 15m, 2h, 1d)")
        seconds = float(found[1]) * UNIT_SECONDS[found[2]]
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    return timedelta(seconds=seconds)


def digest_window(now: datetime, delivery: Delivery) -> tuple[datetime, datetime]:
    """The hour or the (UTC) day that `now` falls in."""
    if delivery == "hourly":
        start = now.replace(minute=0, second=0, microsecond=0)
        return start, start + timedelta(hours=1)
    if delivery == "daily":
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return start, start + timedelta(days=1)
    raise ValueError(f"{delivery!r} is not a digest")


def fact_key(fact: str) -> str:
    """A fact's identity: the same sentence with other spacing, case or quotes is the same."""
    return " ".join(re.findall(r"\w+", fact.casefold()))


def fact_keys(new_facts: Iterable[str], changed_facts: Iterable[Change]) -> frozenset[str]:
    keys = {fact_key(f) for f in new_facts}
    keys |= {fact_key(f"{c['was']} -> {c['now']}") for c in changed_facts}
    return frozenset(k for k in keys if k)


def update_key(story_slug: str, article_id: int, recipient: str) -> str:
    """One alert per story, article and recipient, however often the match is re-run."""
    return f"update:{story_slug}:{article_id}:{recipient.lower()}"


def decide(
    *,
    story_slug: str,
    article_id: int,
    recipient: str,
    policy: AlertPolicy,
    baseline: bool,
    facts: frozenset[str],
    history: History,
    now: datetime,
    hold: str | None = None,
) -> Outcome:
    """The outbox's row for one update and one recipient; `hold`: why the story's alerts are
    held back now (it is muted), if they are."""
    own = update_key(story_slug, article_id, recipient)

    def suppressed(reason: str) -> Outcome:
        return Outcome(own, "suppressed", now, policy.delivery, reason)

    if hold:
        return suppressed(hold)
    if baseline:
        return suppressed("baseline: in the feed's backlog at its first poll")
    if facts and facts <= history.facts:
        return suppressed("already alerted: every fact of this update was in an earlier alert")
    if policy.delivery != "immediate":
        start, end = digest_window(now, policy.delivery)
        key = f"digest:{story_slug}:{start:%Y-%m-%dT%H}:{recipient.lower()}"
        return Outcome(key, "pending", end, policy.delivery)
    last = history.last_alert_at
    if policy.cooldown and last is not None and now - last < policy.cooldown:
        until = last + policy.cooldown
        return suppressed(
            f"cooldown: an alert of this story went out at {last:%Y-%m-%d %H:%M}"
            f" UTC; quiet until {until:%H:%M}"
        )
    return Outcome(own, "pending", now, "immediate")


def corroborated(
    *,
    verdict: str,
    duplicate_of: int | None,
    reasons: Reasons,
    updates: Iterable[KnownUpdate],
    sentence_known: float,
) -> list[int]:
    """The updates that a rehash or a copy reports again: another outlet carrying the news.

    A copy (`duplicate_of`) of an update's article carries that update. A rehash carries it
    when one of its sentences is covered, as the matcher measured, by one of the update's new
    sentences (the matcher keeps, for the sentences that are not new, the nearest known one).
    """
    if verdict not in ("rehash", "duplicate"):
        return []
    covered = {
        n["known_as"] for n in reasons.get("nearest_sentences", []) if n["cover"] >= sentence_known
    }
    return [
        u.match_id
        for u in updates
        if (duplicate_of is not None and duplicate_of in u.article_ids) or covered & u.sentences
    ]


def hold_reason(hold: Mapping[str, Any]) -> str:
    """Why a story's alerts are held back, from its `story_holds` row: the
    `suppressed_reason` of each."""
    if hold["retired_at"] is not None:
        return RETIRED
    if hold["muted_until"] is None:
        return f"{MUTED}: the story is muted until unmuted"
    until = hold["muted_until"].astimezone(UTC)
    return f"{MUTED}: the story is muted until {until:%Y-%m-%d %H:%M} UTC"


def retry_delay(attempts: int) -> timedelta:
    """Back off after the n-th failed attempt: 1, 2, 4... minutes, at most MAX_RETRY."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY)
