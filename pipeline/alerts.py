"""Alert emails, rendered (pure); `pipeline.mailer` sends them.

Everything that comes from a feed or a page (titles, sentences, outlet names, links) is
hostile until cleaned: control and bidi-override characters go, HTML is escaped, only http(s)
links are links, and the subject is one capped line that cannot start another header.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from html import escape
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit

from .explanation import Change, stored_facts
from .highlight import value_spans
from .site_urls import story_feed, story_page

MAIL_DOMAIN = "storywatch.invalid"  # Message-IDs must be globally unique, not routable
SUBJECT_MAX = 120
THREAD_REFERENCES = 10  # earlier alerts named in References; a long thread needs only the last
# Bidi embeddings, overrides and isolates: they can make "gpj.exe" read as "exe.jpg".
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


@dataclass(frozen=True)
class Source:
    """An article as the email names it: outlet, title, link, time."""

    outlet: str | None
    title: str | None
    url: str | None
    published_at: datetime | None
    reported_at: datetime | None = None  # when the world saw it: published, or else seen

    @classmethod
    def of(cls, row: dict[str, Any]) -> Source:
        """The source an `article_sources` row describes."""
        return cls(
            row["outlet"], row["title"], row["url"], row["published_at"], row.get("reported_at")
        )


@dataclass(frozen=True)
class Update:
    """One update of the story: the article, what it adds, who else carried it, and why."""

    source: Source
    new_facts: list[str]
    changed: list[Change] = field(default_factory=list)
    also: list[Source] = field(default_factory=list)
    score: float = 0.0
    names: list[str] = field(default_factory=list)  # the story's people and places it names

    @classmethod
    def of(cls, row: dict[str, Any], also: list[Source]) -> Update:
        """The update a `matches` row with its article's source describes (the named queries
        `alert_updates` and `story_timeline_updates`), carried by `also` besides."""
        facts = stored_facts(row)
        return cls(
            source=Source.of(row),
            new_facts=facts.new_facts,
            changed=facts.changed_facts,
            also=also,
            score=row["score"],
            names=row.get("shared_names") or [],
        )


@dataclass(frozen=True)
class Alert:
    """Everything an alert email says: one update, or a digest window's."""

    id: int
    recipient: str
    message_id: str
    story_slug: str
    story_name: str
    updates: list[Update]
    story_description: str = ""
    delivery: str = "immediate"
    thread: list[str] = field(default_factory=list)  # Message-IDs already sent on the story


def message_id(key: str) -> str:
    """The alert's Message-ID, derived from its idempotency key, never random.

    If the process dies after the server accepted a message and before the row is marked
    sent, the next run sends it again, under this same Message-ID: mail systems that keep
    one copy per Message-ID drop it, and a reader who sees both sees the same message twice,
    threaded together. It cannot happen more than once per alert, because the row is marked
    the moment the server accepts it, before the next message goes out. The same holds for a
    server that hangs up after taking a message and before saying so: that alert alone is
    retried later, once per such hang-up.
    """
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{MAIL_DOMAIN}>"


def thread_id(story_slug: str) -> str:
    """Every alert of a story refers to this id, so a mail client shows the story as one thread."""
    return f"<story.{story_slug}@{MAIL_DOMAIN}>"


def unsubscribe_subject(story_slug: str) -> str:
    return f"unsubscribe {story_slug}"


def mute_command(story_slug: str) -> str:
    return f"storywatch story mute {story_slug}"


# -- cleaning what came from outside ----------------------------------------------------------


def inert_text(text: str | None) -> str:
    """Feed text made inert for display: no control, format or bidi-override characters.

    Line and paragraph separators (U+2028, U+2029) and other line breaks become spaces.
    Joiners (ZWJ, ZWNJ) stay: scripts and emoji need them.
    """
    if not text:
        return ""
    out = []
    for ch in text.translate(BIDI_CONTROLS):
        category = unicodedata.category(ch)
        if category in ("Zl", "Zp") or ch in "\r\n\t\v\f\x85":
            out.append(" ")
        elif category == "Cc" or (category == "Cf" and ch not in "\u200c\u200d"):
            continue
        else:
            out.append(ch)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def one_line(text: str | None, limit: int = SUBJECT_MAX) -> str:
    """A header-safe line: clean, no encoded-word opener (`=?`), at most `limit` characters."""
    line = inert_text(text).replace("=?", "= ?").replace("?=", "? =")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def safe_url(url: str | None) -> str | None:
    """The link if it is an absolute http(s) URL with nothing odd in it, else None."""
    if not url:
        return None
    url = url.strip()
    if any(unicodedata.category(ch)[0] in "CZ" for ch in url):
        return None  # spaces, controls, bidi tricks: not a URL we show
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


# -- rendering (pure) ------------------------------------------------------------------------


def subject(alert: Alert) -> str:
    story = one_line(alert.story_name, 60)
    first = (inert_text(alert.updates[0].source.title) if alert.updates else "") or "(untitled)"
    if len(alert.updates) > 1:
        return one_line(f"[{story}] {len(alert.updates)} updates ({alert.delivery}): {first}")
    return one_line(f"[{story}] {first}")


def render(
    alert: Alert, sender: str, now: datetime | None = None, *, site_url: str | None = None
) -> EmailMessage:
    """The email for an alert: multipart text and HTML, threaded with the story's others,
    with a link to the story's timeline when the site is served at `site_url`."""
    msg = EmailMessage()
    msg["Subject"] = subject(alert)
    msg["From"] = sender
    msg["To"] = alert.recipient
    msg["Date"] = format_datetime(now or datetime.now(UTC))
    msg["Message-ID"] = alert.message_id
    earlier = [m for m in alert.thread if m != alert.message_id][-THREAD_REFERENCES:]
    msg["In-Reply-To"] = earlier[-1] if earlier else thread_id(alert.story_slug)
    msg["References"] = " ".join([thread_id(alert.story_slug), *earlier])
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to alerts
    # RFC 2369: the reader's "unsubscribe" writes to the operator, naming the story; no
    # one-click URL (RFC 8058), as storywatch serves nothing
    if address := parseaddr(sender)[1]:
        about = quote(unsubscribe_subject(alert.story_slug))
        msg["List-Unsubscribe"] = f"<mailto:{address}?subject={about}>"
    links = _Links(story_page(site_url, alert.story_slug), story_feed(site_url, alert.story_slug))
    msg.set_content(render_text(alert, links, address))
    msg.add_alternative(render_html(alert, links, address), subtype="html")
    return msg


def when(at: datetime | None) -> str:
    return f"{at.astimezone(UTC):%d %b %Y %H:%M} UTC" if at else "date unknown"


def source_line(source: Source) -> str:
    return f"{inert_text(source.outlet) or 'unknown outlet'}, {when(source.published_at)}"


def distinct_changes(update: Update) -> list[Change]:
    """A change said twice (in the title and the text) is one change."""
    seen: dict[tuple[str, str], Change] = {}
    for c in update.changed:
        seen.setdefault((inert_text(c["was"]), inert_text(c["now"])), c)
    return list(seen.values())


def _why(update: Update) -> str:
    """Why it alerted, in the reader's words: how close it is to the story, and what it adds."""
    parts = []
    if update.new_facts:
        n = len(update.new_facts)
        parts.append(f"{n} {'sentence' if n == 1 else 'sentences'} the story did not have")
    if update.changed:
        n = len(distinct_changes(update))
        parts.append(f"{n} {'fact' if n == 1 else 'facts'} with a new value")
    names = [inert_text(n) for n in update.names if inert_text(n)][:4]
    named = f"; it names {_and(names)}" if names else ""
    return (
        f"it tells the story (how close to the story: {round(update.score * 100)} out of "
        f"100{named}) and brings {' and '.join(parts) or 'something new'}."
    )


def _and(words: list[str]) -> str:
    return ", ".join(words[:-1]) + f" and {words[-1]}" if len(words) > 1 else "".join(words)


def _footer(alert: Alert, address: str) -> list[str]:
    """Why the reader gets this, and how to stop it: the lines the text and HTML parts end with."""
    how = "one email per update" if alert.delivery == "immediate" else f"{alert.delivery} digest"
    lines = [
        f'You receive this because you follow "{inert_text(alert.story_name)}" with storywatch '
        f"({how})."
    ]
    if address:
        lines.append(
            f"To unsubscribe, write to {address} with the subject "
            f'"{unsubscribe_subject(alert.story_slug)}" (your mail program\'s Unsubscribe '
            "button does it)."
        )
    lines.append(
        f"To pause the story for everyone, whoever runs storywatch types: "
        f"{mute_command(alert.story_slug)}"
    )
    return lines


class _Links(NamedTuple):
    page: str | None  # the story's timeline, when the site is served
    feed: str | None


NO_LINKS = _Links(None, None)


def render_text(alert: Alert, links: _Links = NO_LINKS, address: str = "") -> str:
    out = [f'New in "{inert_text(alert.story_name)}"']
    if alert.story_description:
        out.append(inert_text(alert.story_description))
    if links.page:
        out += [f"The story so far: {links.page}", f"Its feed, for a feed reader: {links.feed}"]
    for update in alert.updates:
        src = update.source
        out += ["", "-" * 70, inert_text(src.title) or "(untitled)", source_line(src)]
        if url := safe_url(src.url):
            out.append(url)
        if update.new_facts:
            out += ["", "What is new:"] + [f'  - "{inert_text(f)}"' for f in update.new_facts]
        if update.changed:
            out += ["", "What changed:"]
            for c in distinct_changes(update):
                was, now = inert_text(c["was"]), inert_text(c["now"])
                out += [f"  - {was} -> {now}", f'    "{inert_text(c["sentence"])}"']
                if known := c.get("known"):
                    out.append(f'    the story had: "{inert_text(known)}"')
        if update.also:
            out += ["", "Also reported by:"]
            for other in update.also:
                line = f"  - {source_line(other)}: {inert_text(other.title) or '(untitled)'}"
                out += [line] + ([f"    {safe_url(other.url)}"] if safe_url(other.url) else [])
        out += ["", f"Why this alert: {_why(update)}"]
    out += ["", "-- ", *_footer(alert, address), ""]
    return "\n".join(out)


STYLE = {
    "body": "margin:0;padding:24px;background:#f4f5f7;font-family:Helvetica,Arial,sans-serif;"
    "color:#1d2330;line-height:1.45",
    "card": "max-width:640px;margin:0 auto 16px;background:#fff;border-radius:8px;"
    "padding:20px 24px;border:1px solid #dde1e8",
    "story": "margin:0 0 4px;font-size:13px;text-transform:uppercase;letter-spacing:.06em;"
    "color:#5b6475",
    "intro": "max-width:640px;margin:0 auto 16px;font-size:14px;color:#3a4252",
    "title": "margin:4px 0 6px;font-size:21px;line-height:1.25",
    "link": "color:#1552b8;text-decoration:none",
    "meta": "margin:0 0 14px;font-size:13px;color:#5b6475",
    "h": "margin:16px 0 6px;font-size:15px",
    "quote": "margin:6px 0;padding:4px 0 4px 12px;border-left:3px solid #2e7d32",
    "was": "color:#9b1c1c;text-decoration:line-through",
    "now": "color:#1b5e20;font-weight:bold",
    "why": "margin:16px 0 0;font-size:12px;color:#5b6475",
    "mark": "background:#fff2a8;color:inherit;padding:0 2px",
    "foot": "max-width:640px;margin:0 auto;font-size:12px;color:#5b6475",
}


def _h(text: str | None) -> str:
    """Escaped, cleaned feed text, isolated so that right-to-left text cannot reorder ours."""
    return f"<bdi>{escape(inert_text(text))}</bdi>"


def _link(text: str | None, url: str | None) -> str:
    href = safe_url(url)
    label = _h(text) if inert_text(text) else "(untitled)"
    if not href:
        return label
    return f'<a href="{escape(href)}" style="{STYLE["link"]}" rel="noopener noreferrer">{label}</a>'


def _marked(text: str | None, values: list[str]) -> str:
    """Like `_h`, with the values that changed marked."""
    pieces = value_spans(inert_text(text), [inert_text(v) for v in values])
    return "<bdi>" + "".join(
        f'<mark style="{STYLE["mark"]}">{escape(p)}</mark>' if hit else escape(p)
        for p, hit in pieces
    ) + "</bdi>"  # fmt: skip


def _had(change: Change) -> str:
    """The known sentence the change is measured from (changes stored before it was kept have
    none)."""
    known = change.get("known")
    return f"<br>the story had: &ldquo;{_marked(known, [change['was']])}&rdquo;" if known else ""


def _intro(alert: Alert, links: _Links) -> str:
    """The story the email is about: its name, what it is, where its timeline is."""
    parts = [f"<strong>{_h(alert.story_name)}</strong>"]
    if alert.story_description:
        parts.append(_h(alert.story_description))
    if links.page:
        page, feed = _link(links.page, links.page), _link("its feed", links.feed)
        parts.append(f"The story so far: {page} (and {feed}, for a feed reader)")
    return f'<p style="{STYLE["intro"]}">{"<br>".join(parts)}</p>'


def render_html(alert: Alert, links: _Links = NO_LINKS, address: str = "") -> str:
    s = STYLE
    cards = []
    for update in alert.updates:
        src = update.source
        parts = [
            f'<p style="{s["story"]}">New in {_h(alert.story_name)}</p>',
            f'<h1 style="{s["title"]}">{_link(src.title, src.url)}</h1>',
            f'<p style="{s["meta"]}">{_h(source_line(src))}</p>',
        ]
        values = [c["now"] for c in update.changed]
        if update.new_facts:
            quotes = "".join(
                f'<blockquote style="{s["quote"]}">{_marked(f, values)}</blockquote>'
                for f in update.new_facts
            )
            parts.append(f'<h2 style="{s["h"]}">What is new</h2>{quotes}')
        if update.changed:
            items = "".join(
                f'<li><span style="{s["was"]}">{_h(c["was"])}</span> &rarr; '
                f'<span style="{s["now"]}">{_h(c["now"])}</span><br>'
                f"<small>&ldquo;{_marked(c['sentence'], [c['now']])}&rdquo;{_had(c)}</small></li>"
                for c in distinct_changes(update)
            )
            parts.append(f'<h2 style="{s["h"]}">What changed</h2><ul>{items}</ul>')
        if update.also:
            items = "".join(
                f"<li>{_link(o.title, o.url)} &mdash; {_h(source_line(o))}</li>"
                for o in update.also
            )
            parts.append(f'<h2 style="{s["h"]}">Also reported by</h2><ul>{items}</ul>')
        parts.append(f'<p style="{s["why"]}">Why this alert: {_h(_why(update))}</p>')
        cards.append(f'<div style="{s["card"]}">{"".join(parts)}</div>')
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{escape(subject(alert))}</title></head>"
        f'<body style="{s["body"]}">{_intro(alert, links)}{"".join(cards)}'
        f'<p style="{s["foot"]}">{"<br>".join(map(escape, _footer(alert, address)))}</p>'
        "</body></html>"
    )
