"""Messages for the operator: the daily feed-health report and a failed task's notice. Pure."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

# the order feed_health_report.sql sorts by: what needs the operator first
ATTENTION = ("disabled", "failing", "degraded")


def feed_health_report(
    rows: list[dict], since: datetime, now: datetime, sender: str, recipients: list[str]
) -> EmailMessage:
    """One email on every feed: status, polls and failures since `since`, new entries."""
    bad = [r for r in rows if r["status"] in ATTENTION]
    new_entries = sum(r["new_entries"] for r in rows)
    headline = f"{len(bad)} of {len(rows)} feeds need attention" if bad else "all feeds ok"
    lines = [
        f"storywatch feed health, {since:%d %b %Y %H:%M} to {now:%d %b %Y %H:%M} UTC",
        f"{headline}; {new_entries} new entries.",
        "",
    ]
    for r in rows:
        lines.append(
            f"{r['status']:<9} {r['url']}"
            + (f" ({r['title']})" if r["title"] else "")
            + f"\n          {r['polls']} polls, {r['errors']} failed, {r['new_entries']} new"
            + (
                f"; failing {r['consecutive_failures']} times in a row: {r['last_error']}"
                if r["consecutive_failures"]
                else ""
            )
        )
    if not rows:
        lines.append("No feeds are configured.")
    body = "\n".join(lines) + "\n"
    return _message(f"storywatch feed health: {headline}", body, sender, recipients, now)


def failure_notice(failure: dict, sender: str, recipients: list[str], now: datetime):
    """An email saying which task failed, in which run and try, and why."""
    subject = f"storywatch: {failure['dag_id']}.{failure['task_id']} failed"
    text = (
        f"Task {failure['task_id']} of {failure['dag_id']} failed on try "
        f"{failure['try_number']} of run {failure['run_id']}.\n\n{failure['error']}\n\n"
        "The failure is recorded in the task_failures table. Airflow retries the task if it "
        "has tries left; clearing it runs it again without doing anything twice.\n"
    )
    return _message(subject, text, sender, recipients, now)


def _message(subject: str, text: str, sender: str, recipients: list[str], now: datetime):
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(now)
    msg.set_content(text)
    return msg
