"""Alert emails: render (pure) and send (the only SMTP caller)."""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape

from .config import SmtpConfig

MAIL_DOMAIN = "storywatch.invalid"  # Message-IDs must be globally unique, not routable


@dataclass(frozen=True)
class Alert:
    """Everything an alert email says; built from one row of `alerts_due`."""

    id: int
    recipient: str
    message_id: str
    story_slug: str
    story_name: str
    title: str
    url: str | None
    outlet: str | None
    published_at: datetime | None
    new_facts: list[str]
    score: float


def idempotency_key(story_slug: str, article_id: int, recipient: str) -> str:
    """One alert per story, article and recipient, however often the match is re-run."""
    return f"update:{story_slug}:{article_id}:{recipient.lower()}"


def message_id(key: str) -> str:
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{MAIL_DOMAIN}>"


def thread_id(story_slug: str) -> str:
    """Every alert of a story refers to this id, so a mail client shows the story as one thread."""
    return f"<story.{story_slug}@{MAIL_DOMAIN}>"


def render(alert: Alert, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = f"[{alert.story_name}] {alert.title}"
    msg["From"] = sender
    msg["To"] = alert.recipient
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = alert.message_id
    msg["In-Reply-To"] = thread_id(alert.story_slug)
    msg["References"] = thread_id(alert.story_slug)
    msg.set_content(_text(alert))
    msg.add_alternative(_html(alert), subtype="html")
    return msg


def _source_line(alert: Alert) -> str:
    when = f"{alert.published_at:%d %b %Y %H:%M} UTC" if alert.published_at else "date unknown"
    return f"{alert.outlet or 'unknown outlet'}, {when}"


def _text(alert: Alert) -> str:
    facts = "\n".join(f"  - {fact}" for fact in alert.new_facts)
    return (
        f'New in "{alert.story_name}":\n\n'
        f"{alert.title}\n{_source_line(alert)}\n{alert.url or ''}\n\n"
        f"What is new:\n{facts}\n\n"
        f"Match score {alert.score:.2f}. You receive this because you follow "
        f'"{alert.story_name}" with storywatch.\n'
    )


def _html(alert: Alert) -> str:
    e = escape
    facts = "".join(f"<li>{e(fact)}</li>" for fact in alert.new_facts)
    link = f'<a href="{e(alert.url)}">{e(alert.title)}</a>' if alert.url else e(alert.title)
    return (
        "<!DOCTYPE html><html><body>"
        f"<p>New in <strong>{e(alert.story_name)}</strong>:</p>"
        f"<h2>{link}</h2><p>{e(_source_line(alert))}</p>"
        f"<h3>What is new</h3><ul>{facts}</ul>"
        f"<p><small>Match score {alert.score:.2f}. You receive this because you follow "
        f"&ldquo;{e(alert.story_name)}&rdquo; with storywatch.</small></p>"
        "</body></html>"
    )


def send(config: SmtpConfig, messages: Iterable[tuple[int, EmailMessage]]):
    """Deliver messages over one SMTP session; yield (id, None) on success, (id, error) if not.

    A connection failure is reported for every message, so each is retried later.
    """
    pending = list(messages)
    if not pending:
        return
    try:
        smtp = _connect(config)
    except (OSError, smtplib.SMTPException) as exc:
        for ident, _ in pending:
            yield ident, f"cannot reach {config.host}:{config.port}: {exc}"
        return
    with smtp:
        for ident, msg in pending:
            try:
                smtp.send_message(msg)
            except (OSError, smtplib.SMTPException) as exc:
                yield ident, f"{type(exc).__name__}: {exc}"
            else:
                yield ident, None


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if config.security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        if config.security == "starttls":
            smtp.starttls(context=context)
    if config.username:
        password = config.password.get_secret_value() if config.password else ""
        smtp.login(config.username, password)
    return smtp
