"""`storywatch alerts`: the outbox, as a reader and an operator look at it."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import click

from .cli_common import echo_json, json_option, with_settings
from .config import Settings
from .errors import RecordedFailures
from .outputs import write_file
from .plural import plural
from .snapshot import open_reader
from .store import open_store


@click.group("alerts")
def alerts_group() -> None:
    """The alert outbox: what was sent, what waits, what was held back and why."""


@alerts_group.command("list")
@click.option(
    "--status", type=click.Choice(["pending", "sent", "failed", "suppressed"]), help="Only these."
)
@click.option("--story", "slug", help="Only this story's alerts.")
@click.option("--limit", default=50, show_default=True, help="Alerts to show, newest first.")
@json_option
@with_settings
def alerts_list(
    settings: Settings, status: str | None, slug: str | None, limit: int, as_json: bool
) -> None:
    """Every alert, newest first: status, recipient, story, and why it failed or was held."""
    from .alert_status import explain, state

    with open_reader(settings) as store:
        rows = store.rows("alert_outbox", {"status": status, "story": slug, "limit": limit})
    now = datetime.now(UTC)
    if as_json:
        echo_json([{**row, "state": state(row), "explanation": explain(row, now)} for row in rows])
        return
    for row in rows:
        what = plural(row["updates"], "update") if row["updates"] > 1 else (row["title"] or "")
        click.echo(
            f"{row['id']:>5}  {state(row):<10} {row['delivery']:<9} {row['story']}  "
            f"{row['recipient']}  {what[:60]}"
        )
        click.echo(f"       {explain(row, now)}")
    if not rows:
        click.echo("no alerts")


@alerts_group.command("preview")
@click.argument("alert_id", type=int)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the HTML part to this file, to open in a browser.",
)
@with_settings
def alerts_preview(settings: Settings, alert_id: int, html_file: Path | None) -> None:
    """Print the email an alert makes (headers and text part), as it would be sent now; for an
    alert to a notification channel, the message posted there."""
    from .alerts import render
    from .stages.alert import load_alert

    with open_reader(settings) as store:
        row, alert = load_alert(store, alert_id)
    if row["channel_id"] is not None:
        from . import channel_message

        post = channel_message.render(alert)
        click.echo(f"To: {row['recipient']}\nTitle: {post.title}\n\n{post.body}")
        return
    message = render(alert, settings.smtp.sender, site_url=settings.site.base_url)
    for key, value in message.items():
        if key.lower() not in ("mime-version", "content-type"):
            click.echo(f"{key}: {value}")
    click.echo("\n" + _part(message, "plain"))
    if html_file:
        write_file(html_file, _part(message, "html"))
        click.echo(f"HTML written to {html_file}", err=True)


def _part(message: EmailMessage, subtype: str) -> str:
    body = message.get_body((subtype,))
    assert body is not None, "an alert's email has a text and an HTML part"
    return body.get_content()


@alerts_group.command("resend")
@click.argument("alert_id", type=int)
@with_settings
def alerts_resend(settings: Settings, alert_id: int) -> None:
    """Send an alert now, whatever its state (sent, failed, held back)."""
    from . import stages
    from .stages.alert import requeue

    requeue(settings, alert_id)
    summary = stages.send_alerts(settings, only=[alert_id])
    with open_store(settings.database, read_only=True) as store:
        after = store.one("alert_by_id", {"id": alert_id})
    if not summary.sent:
        from .alert_status import explain

        raise RecordedFailures(f"alert {alert_id} not sent: {explain(after, datetime.now(UTC))}")
    if after["channel_id"] is not None:
        click.echo(f"alert {alert_id} posted to {after['recipient']}")
    else:
        click.echo(f"alert {alert_id} sent to {after['recipient']} as {after['message_id']}")
