"""The `storywatch` command: a thin shell over the stages and the store."""

from __future__ import annotations

import functools
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
import duckdb

from . import stages
from .config import ConfigError, Settings, load_settings
from .store import StoreError, open_store
from .stories import StoryError, write_story


class ConfigProblem(click.ClickException):
    exit_code = 2


def with_settings(command):
    """Give the command `--config PATH` and call it with the loaded Settings."""

    @click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Config file (default: $STORYWATCH_CONFIG or ./storywatch.toml).",
    )
    @functools.wraps(command)
    def wrapper(config_path: Path | None, **kwargs):
        try:
            settings = load_settings(config_path)
        except ConfigError as exc:
            raise ConfigProblem(str(exc)) from None
        try:
            return command(settings, **kwargs)
        except (StoreError, StoryError, duckdb.Error) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="storywatch")
def main() -> None:
    """Follow news stories: poll feeds, find what is new, email it."""


@main.command()
@with_settings
def init(settings: Settings) -> None:
    """Create or migrate the database and load the feeds and stories; safe to repeat."""
    with open_store(settings.database, migrate=False) as store:
        applied = store.migrate()
        stages.sync_feeds(store, settings)
        synced = stages.sync_stories(store, settings)
    click.echo(
        f"database {settings.database}: "
        + (f"applied {', '.join(applied)}" if applied else "up to date")
    )
    click.echo(f"{len(settings.feeds)} feeds, {len(synced)} stories")


STAGES = {
    "poll": stages.poll,
    "fetch": stages.fetch_articles,
    "match": stages.match,
    "alert": stages.send_alerts,
}


@main.command()
@click.option("--stage", type=click.Choice(list(STAGES)), help="Run only this stage.")
@click.option("--force", is_flag=True, help="Poll every active feed now, due or not.")
@with_settings
def run(settings: Settings, stage: str | None, force: bool) -> None:
    """One pass over all stages (poll, fetch, match, alert), then a summary of each."""
    for name, function in STAGES.items():
        if stage in (None, name):
            summary = function(settings, force=force) if name == "poll" else function(settings)
            click.echo(str(summary))


@main.command()
@click.option("--serve", is_flag=True, help="Keep the site and mail server running, publishing.")
@click.option("--every", default=180.0, show_default=True, help="--serve: seconds per article.")
@click.option(
    "--write-config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("var/airflow-demo.toml"),
    show_default=True,
    help="--serve: where to write the storywatch.toml for the scheduler.",
)
@click.option("--site-port", default=8081, show_default=True, help="--serve: the site's port.")
@click.option("--smtp-port", default=2525, show_default=True, help="--serve: the sink's port.")
@with_settings
def demo(settings: Settings, serve: bool, every: float, write_config: Path, **ports) -> None:
    """Run the pipeline against a news site and a mail server on 127.0.0.1, then stop.

    With --serve, run no pipeline: serve the site and the mail sink (to var/mail/) until
    interrupted, publishing one more article every --every seconds, for Airflow to follow
    (`make airflow`).
    """
    from .demo import DemoError, run_demo  # the demo's servers are not needed by other commands

    if serve:
        from .demo.live import serve as serve_live

        database = write_config.resolve().parent / "airflow-demo.duckdb"
        mail_dir = settings.database.parent / "mail"
        try:
            serve_live(mail_dir, write_config.resolve(), database, every, say=click.echo, **ports)
        except KeyboardInterrupt:
            click.echo("stopped")
        return
    try:
        mails = run_demo(settings, say=click.echo)
    except DemoError as exc:
        raise click.ClickException(str(exc)) from None
    if mails:
        example = "select verdict, count(*) from matches group by 1"
        click.echo(f'\nask the database: storywatch query "{example}"')


@main.command()
@click.argument("sql_text", metavar="SQL")
@click.option("--max-rows", default=40, show_default=True, help="Rows to print.")
@with_settings
def query(settings: Settings, sql_text: str, max_rows: int) -> None:
    """Run SQL on a read-only connection and print the result as a table."""
    with open_store(settings.database, read_only=True) as store:
        relation = store.con.sql(sql_text)
        if relation is not None:
            relation.show(max_rows=max_rows, max_width=160)


@main.group()
def story() -> None:
    """Manage the stories storywatch follows."""


@story.command("add")
@click.argument("name")
@click.argument("sources", nargs=-1, required=True, metavar="FILE_OR_URL...")
@click.option("--description", default="", help="One line saying what the story is.")
@with_settings
def story_add(settings: Settings, name: str, sources: tuple[str, ...], description: str) -> None:
    """Create a story folder from seed documents (text or HTML files, or article URLs)."""
    from .seeding import read_sources

    try:
        documents = read_sources(settings, sources)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    folder = write_story(settings.stories_dir, name, description, documents)
    click.echo(f"created {folder} with {len(documents)} documents; `storywatch init` loads it")


@story.command("list")
@with_settings
def story_list(settings: Settings) -> None:
    """The stories in the stories folder."""
    from .stories import load_stories

    for s in load_stories(settings.stories_dir, settings.recipients):
        who = ", ".join(s.recipients) or "nobody"
        click.echo(
            f"{s.slug}: {s.name} ({len(s.documents)} documents; alerts {s.alert_policy} to {who})"
        )


@main.group()
def feed() -> None:
    """Manage the feeds storywatch polls (besides those in the config file)."""


@feed.command("add")
@click.argument("url")
@click.option("--name", help="A name to show instead of the feed's own title.")
@with_settings
def feed_add(settings: Settings, url: str, name: str | None) -> None:
    """Add a feed by its URL, or by a site's URL: its feed is found from the page."""
    from .discovery import find_feed

    try:
        found = find_feed(settings, url)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    with open_store(settings.database) as store:
        store.execute("add_feed", {"url": found.url, "name": name or found.title})
    click.echo(f"added {found.url} ({found.title or 'untitled'}, {found.entries} entries now)")


@feed.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include removed feeds.")
@with_settings
def feed_list(settings: Settings, show_all: bool) -> None:
    """Every feed with its health: ok, degraded, failing, disabled."""
    with open_store(settings.database) as store:
        stages.sync_feeds(store, settings)
        rows = store.rows("feed_list", {"all": show_all})
    for row in rows:
        when = f"{row['last_polled_at']:%Y-%m-%d %H:%M}" if row["last_polled_at"] else "never"
        due = f"{row['next_poll_at']:%Y-%m-%d %H:%M}" if row["next_poll_at"] else "now"
        click.echo(f"{row['status']:<9} {row['url']}")
        click.echo(
            f"          {row['title'] or 'untitled'}; {row['entries']} entries; "
            f"last poll {when}; next {due}"
        )
        if row["consecutive_failures"]:
            failures = row["consecutive_failures"]
            click.echo(f"          {failures} failures, the last: {row['last_error']}")
    if not rows:
        click.echo("no feeds: add one with `storywatch feed add URL` or in the config file")


@feed.command("remove")
@click.argument("url")
@with_settings
def feed_remove(settings: Settings, url: str) -> None:
    """Stop polling a feed; what it brought stays in the database."""
    if url in {f.url for f in settings.feeds}:
        raise click.ClickException(f"{url} is in the config file: remove it there")
    with open_store(settings.database) as store:
        if not store.scalar("remove_feed", {"url": url}):  # the count of rows updated
            raise click.ClickException(f"no active feed {url}")
    click.echo(f"removed {url}")


@main.group("alerts")
def alerts_group() -> None:
    """The alert outbox: what was sent, what waits, what was held back and why."""


@alerts_group.command("list")
@click.option(
    "--status", type=click.Choice(["pending", "sent", "failed", "suppressed"]), help="Only these."
)
@click.option("--story", "slug", help="Only this story's alerts.")
@click.option("--limit", default=50, show_default=True, help="Alerts to show, newest first.")
@with_settings
def alerts_list(settings: Settings, status: str | None, slug: str | None, limit: int) -> None:
    """Every alert, newest first: status, recipient, story, and why it failed or was held."""
    with open_store(settings.database, read_only=True) as store:
        rows = store.rows("alert_outbox", {"status": status, "story": slug, "limit": limit})
    for row in rows:
        what = f"{row['updates']} updates" if row["updates"] > 1 else (row["title"] or "")
        click.echo(
            f"{row['id']:>5}  {row['status']:<10} {row['delivery']:<9} {row['story']}  "
            f"{row['recipient']}  {what[:60]}"
        )
        if row["status"] == "sent":
            click.echo(f"       sent {row['sent_at']:%Y-%m-%d %H:%M} {row['message_id']}")
        elif row["status"] == "suppressed":
            click.echo(f"       {row['suppressed_reason']}")
        elif row["status"] == "failed":
            click.echo(f"       {row['attempts']} attempts, the last: {row['last_error']}")
        if row["status"] in ("pending", "failed") and row["next_attempt_at"]:
            click.echo(f"       due {row['next_attempt_at']:%Y-%m-%d %H:%M}")
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
    """Print the email an alert makes (headers and text part), as it would be sent now."""
    from .alerts import render
    from .stages.alert import load_alert

    with open_store(settings.database, read_only=True) as store:
        try:
            _, alert = load_alert(store, alert_id)
        except KeyError as exc:
            raise click.ClickException(str(exc.args[0])) from None
    message = render(alert, settings.smtp.sender)
    for key, value in message.items():
        if key.lower() not in ("mime-version", "content-type"):
            click.echo(f"{key}: {value}")
    click.echo("\n" + message.get_body(("plain",)).get_content())
    if html_file:
        html_file.write_text(message.get_body(("html",)).get_content(), encoding="utf-8")
        click.echo(f"HTML written to {html_file}", err=True)


@alerts_group.command("resend")
@click.argument("alert_id", type=int)
@with_settings
def alerts_resend(settings: Settings, alert_id: int) -> None:
    """Send an alert now, whatever its state (sent, failed, held back)."""
    from .stages.alert import requeue

    try:
        requeue(settings, alert_id)
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0])) from None
    summary = stages.send_alerts(settings, only=[alert_id])
    with open_store(settings.database, read_only=True) as store:
        after = store.one("alert_by_id", {"id": alert_id})
    if not summary.sent:
        error = after["last_error"]
        raise click.ClickException(f"alert {alert_id} not sent: {error}; it stays in the outbox")
    click.echo(f"alert {alert_id} sent to {after['recipient']} as {after['message_id']}")


@main.command()
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Only articles fetched on or after this date (UTC).",
)
@with_settings
def reextract(settings: Settings, since: datetime | None) -> None:
    """Run extraction and the boilerplate pass again on the kept raw pages."""

    def bar(rows: list):
        with click.progressbar(rows, label="re-extracting", show_pos=True, file=sys.stderr) as b:
            yield from b

    when = since.replace(tzinfo=UTC) if since else None
    click.echo(str(stages.reextract(settings, since=when, progress=bar)))


@main.command("extract")
@click.argument("sources", nargs=-1, required=True, metavar="FILE_OR_URL...")
@click.option("--url", "page_url", help="The address a FILE was served from (for its links).")
@click.option("--json", "as_json", is_flag=True, help="Also the metadata and the removed lines.")
@with_settings
def extract_command(
    settings: Settings, sources: tuple[str, ...], page_url: str | None, as_json: bool
) -> None:
    """Print the article text of pages, as storywatch would store it.

    Exits 1 when a page gives no article (a consent wall, a paywall, too little text): the
    reason is printed on stderr for each.
    """
    from .seeding import extract_sources

    try:
        results = extract_sources(settings, sources, page_url)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    for source, result in results:
        if result["stub"]:
            click.echo(f"{source}: {result['error']}", err=True)
        if as_json:
            click.echo(json.dumps({"source": source, **result}, ensure_ascii=False, default=str))
        elif result["text"] is not None:
            if len(results) > 1:
                click.echo(f"==> {source} <==")
            click.echo(result["text"])
    if any(result["stub"] for _, result in results):
        sys.exit(1)  # done, and each page without an article was named on stderr


@main.command("classify")
@click.option("--story", "slug", required=True, help="The story folder's name.")
@click.option("--frozen", is_flag=True, help="Judge every item against the story as defined.")
@with_settings
def classify_command(settings: Settings, slug: str, frozen: bool) -> None:
    """Judge JSON lines from stdin against a story; one verdict line per item on stdout.

    Input: {"id", "title"?, "text"? or "html"?, "url"?, "published"?, "language"?}.
    Output: {"id", "verdict", "score", "new_facts", "changed_facts", "duplicate_of"?,
    "reasons"}, in input order. Without --frozen the story learns as it goes.
    """
    from .replay import replay
    from .stories import load_story

    story = load_story(settings.stories_dir / slug, settings.recipients)
    failed = 0
    for line in replay(settings, story, sys.stdin, frozen):
        failed += '"error"' in line[:200] and '"verdict": null' in line
        click.echo(line)
    if failed:
        raise click.ClickException(f"{failed} items could not be judged (see their error lines)")
