"""An alert as a notification channel shows it (pure): a title and a few short lines per
update, as a phone's notification or a chat line has room for. The email says the rest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from .alerts import Alert, Update, distinct_changes, inert_text, safe_url, subject

QUOTE_MAX = 200  # characters of a new sentence quoted
FACTS_SHOWN = 2  # new sentences quoted per update; the others are counted
CHANGES_SHOWN = 3
UPDATES_SHOWN = 5  # a digest's updates told; the others are counted


@dataclass(frozen=True)
class Message:
    title: str
    body: str


def render(alert: Alert) -> Message:
    """The update's headline as the title; what is new, what changed, who reported it first
    and the link as the body (each update of a digest in turn)."""
    blocks = [_update(u, headline=len(alert.updates) > 1) for u in alert.updates[:UPDATES_SHOWN]]
    if len(alert.updates) > UPDATES_SHOWN:
        blocks.append(_more(len(alert.updates) - UPDATES_SHOWN, "update"))
    return Message(subject(alert), "\n\n".join(blocks))


def _update(update: Update, *, headline: bool) -> str:
    src = update.source
    lines = [inert_text(src.title) or "(untitled)"] if headline else []
    if update.new_facts:
        quotes = [f"“{_quote(f)}”" for f in update.new_facts[:FACTS_SHOWN]]
        lines += ["New: " + quotes[0], *quotes[1:]]
        if len(update.new_facts) > FACTS_SHOWN:
            lines.append(_more(len(update.new_facts) - FACTS_SHOWN, "new sentence"))
    changes = distinct_changes(update)
    if changes:
        lines.append(
            "Changed: "
            + "; ".join(
                f"{inert_text(c['was'])} -> {inert_text(c['now'])}" for c in changes[:CHANGES_SHOWN]
            )
        )
    first = f"First reported by {inert_text(src.outlet) or 'an unknown outlet'}"
    if src.published_at:
        first += f", {src.published_at.astimezone(UTC):%d %b %Y %H:%M} UTC"
    if n := len(update.also):
        first += f"; {n} {'other outlet' if n == 1 else 'other outlets'} since"
    lines.append(first)
    if url := safe_url(src.url):
        lines.append(url)
    return "\n".join(lines)


def _quote(sentence: str) -> str:
    text = inert_text(sentence)
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1].rstrip() + "…"


def _more(n: int, what: str) -> str:
    return f"+{n} more {what}{'' if n == 1 else 's'}"
