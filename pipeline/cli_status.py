"""`storywatch status`: what waits in each stage, when the next feed is due, the last errors.
Read-only: it changes nothing, and runs beside a pass or a reader."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from .cli_common import echo_json, json_option, with_settings
from .config import Settings
from .plural import duration, plural
from .snapshot import open_reader, taken_at
from .store import Store

# errors of each kind listed (feeds, pages, matches, stories, alerts)
LAST_ERRORS = 5
KINDS = {"feed": "feed", "article": "page", "match": "match", "story": "story", "alert": "alert"}


def next_poll(store: Store, now: datetime) -> dict[str, Any]:
    """How many feeds are active and due now, and the one due next (`next_url`, `next_at`)."""
    found = store.one("next_poll", {"now": now})
    assert found is not None, "an aggregate gives one row"
    return found


def next_poll_line(due: dict[str, Any], now: datetime) -> str:
    """When the next feed is due, in words, and how to poll at once."""
    if not due["feeds"]:
        return "no feed to poll: add one with `storywatch feed add URL` or in the config file"
    if due["due_now"]:
        return f"{plural(due['due_now'], 'feed')} due now: the next `storywatch run` polls them"
    wait = duration((due["next_at"] - now).total_seconds())
    return (
        f"next feed due at {_at(due['next_at'])}, in {wait} "
        f"({due['next_url']}); `storywatch run --force` polls every feed now"
    )


@click.command("status")
@json_option
@with_settings
def status(settings: Settings, as_json: bool) -> None:
    """What waits in each stage (entries to fetch, articles to match, alerts to send), when
    the next feed is due, and the last errors (feeds, pages, matches, stories, alerts)."""
    from .fetched_pages import FETCH_ATTEMPTS

    now = datetime.now(UTC)
    as_of = taken_at(settings)
    with open_reader(settings) as store:
        from .matching import MATCHER_VERSION  # the matcher's imports only when it is asked

        params = {"now": now, "max_attempts": FETCH_ATTEMPTS, "matcher_version": MATCHER_VERSION}
        waiting = store.one("status_waiting", params)
        due = next_poll(store, now)
        errors = store.rows("status_errors", {"limit": LAST_ERRORS})
    assert waiting is not None, "an aggregate gives one row"
    if as_json:
        echo_json({"waiting": waiting, "next_poll": due, "errors": errors, "snapshot_at": as_of})
        return
    click.echo(f"database {settings.database}")
    if as_of:
        click.echo(f"as of    {_at(as_of)}, the end of the last write (its snapshot)")
    click.echo("waiting")
    for line in [*_waiting_lines(waiting), f"poll    {next_poll_line(due, now)}"]:
        click.echo(f"  {line}")
    click.echo("last errors" if errors else "no errors")
    for error in errors:
        when = f" ({_at(error['happened_at'])})" if error["happened_at"] else ""
        again = f"; tried again at {_at(error['retry_at'])}" if error["retry_at"] else ""
        click.echo(f"  {KINDS[error['kind']]:<7} {error['subject']}{when}: {error['error']}{again}")


def _at(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _waiting_lines(w: dict[str, Any]) -> list[str]:
    fetching = w["entries_being_fetched"]
    fetch = plural(w["entries_to_fetch"], "entry") + " to fetch"
    if fetching:
        fetch += f" ({fetching:,} being fetched now)"
    match = plural(w["articles_to_match"], "article") + " to match"
    if w["articles_to_match"]:
        match += f" against {plural(w['stories_to_match'], 'story')}"
    alert = plural(w["alerts_due"], "alert") + " to send now"
    if w["alerts_held"]:
        held = f"{w['alerts_held']:,} held (digest or cooldown)"
        alert += f", {held} until {_at(w['alerts_held_until'])}"
    if w["alerts_retrying"]:
        alert += f", {w['alerts_retrying']:,} failed and to be retried"
    if w["alerts_gave_up"]:
        alert += f", {w['alerts_gave_up']:,} refused for good (`storywatch alerts list`)"
    return [f"fetch   {fetch}", f"match   {match}", f"alert   {alert}"]
