"""The `storywatch` command: a thin shell over the stages and the store. What every command
shares (settings, errors as one line and an exit code, `--json`, progress bars) is in
`cli_common`; the outbox's commands are in `cli_alerts`, the stories' in `cli_stories`,
`storywatch status` in `cli_status`."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from . import interrupt
from .cli_common import (
    EXIT_CODES,
    ProgressBars,
    Storywatch,
    echo_csv,
    echo_json,
    exit_for,
    json_option,
    with_settings,
)
from .cli_status import next_poll, next_poll_line, status
from .config import Settings
from .errors import RecordedFailures, UsageError
from .outputs import make_folder
from .plural import plural
from .snapshot import open_reader
from .stage_registry import BY_NAME, selected
from .store import open_store

# the commands whose modules import the stages and the matcher load when they are used, so
# that a read-only command (query, feed list, status) starts in a fraction of a second
LAZY = {
    "alerts": "pipeline.cli_alerts:alerts_group",
    "feedback": "pipeline.cli_feedback:feedback",
    "story": "pipeline.cli_stories:story_group",
}


@click.group(
    cls=Storywatch,
    lazy=LAZY,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_CODES,
)
@click.option(
    "--debug",
    is_flag=True,
    envvar="STORYWATCH_DEBUG",
    help="Show the traceback of an unexpected error.",
)
@click.version_option(package_name="storywatch")
def main(debug: bool) -> None:
    """Follow news stories: poll feeds, find what is new, email it."""


@main.command()
@with_settings
def init(settings: Settings) -> None:
    """Create or migrate the database and load the feeds and stories; safe to repeat."""
    from . import stages

    with open_store(settings.database, migrate=False) as store:
        applied = store.migrate()
        stages.sync_feeds(store, settings)
        synced = stages.sync_stories(store, settings)
    click.echo(
        f"database {settings.database}: "
        + (f"applied {', '.join(applied)}" if applied else "up to date")
    )
    click.echo(f"{plural(len(settings.feeds), 'feed')}, {plural(len(synced.stories), 'story')}")
    for broken in synced.broken:
        click.echo(str(broken), err=True)
    if synced.broken:
        # done, with the failures recorded (story_load_errors)
        raise click.exceptions.Exit(RecordedFailures.exit_code)


@main.command()
@click.option("--stage", type=click.Choice(list(BY_NAME)), help="Run only this stage.")
@click.option("--force", is_flag=True, help="Poll every active feed now, due or not.")
@json_option
@with_settings
def run(settings: Settings, stage: str | None, force: bool, as_json: bool) -> None:
    """One pass over all stages (poll, fetch, match, alert), then a summary of each, and when
    the next feed is due. A progress bar on stderr, when it is a terminal, shows the long
    stages (a backlog of pages to fetch, of articles to match).

    Exits 1 when a stage recorded failures (feeds, pages, stories, articles the matcher
    failed on, or alerts that failed).
    Ctrl-C or SIGTERM stops at the next safe point: what is done is stored, no later stage
    starts, and the exit code is 130 (SIGINT) or 143 (SIGTERM)."""
    from . import stages

    summaries, report = [], []
    names = iter(s.name for s in selected(stage))
    due = None
    with interrupt.handlers(), ProgressBars() as bars:
        for summary in stages.each(settings, only=stage, force=force, progress=bars):
            bars.close()
            name = next(names)
            summaries.append(summary)
            report.append({"stage": name, **stages.as_dict(summary)})
            if not as_json:
                click.echo(str(summary))
            if name == "poll":
                now = datetime.now(UTC)
                with open_store(settings.database, read_only=True) as store:
                    due = next_poll(store, now)
                if not as_json:
                    click.echo(f"next    {next_poll_line(due, now)}")
    if as_json:
        echo_json({"stages": report, "next_poll": due})
    exit_for(summaries)


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
    from .demo import run_demo  # the demo's servers are not needed by other commands

    if serve:
        from .demo.live import serve as serve_live

        database = write_config.resolve().parent / "airflow-demo.duckdb"
        mail_dir = make_folder(settings.database.parent / "mail")
        try:
            serve_live(mail_dir, write_config.resolve(), database, every, say=click.echo, **ports)
        except KeyboardInterrupt:
            click.echo("stopped")
        return
    mails = run_demo(settings, say=click.echo)
    if mails:
        example = "select verdict, count(*) from matches group by 1"
        click.echo(f'\nask the database: storywatch query "{example}"')


@main.command()
@click.argument("sql_text", metavar="SQL")
@click.option(
    "--max-rows",
    default=40,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows to print in a table (csv and json print them all).",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="A table for people; CSV with a header; JSON, a list of objects.",
)
@with_settings
def query(settings: Settings, sql_text: str, max_rows: int, output: str) -> None:
    """Run one SELECT over storywatch's data and print the result: a table, CSV or JSON.

    The connection is read-only and reads nothing but the database: no files, no extensions,
    no settings."""
    with open_reader(settings) as store:
        if output == "table":
            store.show(sql_text, max_rows=max_rows, max_width=160)
            return
        columns, rows = store.read(sql_text)
    if output == "json":
        echo_json([dict(zip(columns, row, strict=True)) for row in rows])
    else:
        echo_csv(columns, rows)


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

    found = find_feed(settings, url)
    with open_store(settings.database) as store:
        store.execute("add_feed", {"url": found.url, "name": name or found.title})
    entries = plural(found.entries, "entry")
    click.echo(f"added {found.url} ({found.title or 'untitled'}, {entries} now)")


@feed.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include removed feeds.")
@json_option
@with_settings
def feed_list(settings: Settings, show_all: bool, as_json: bool) -> None:
    """Every feed with its health: ok, degraded, failing, disabled."""
    # read-only: it changes nothing, and lists beside other readers (`query`, a dashboard)
    config = {"urls": [f.url for f in settings.feeds], "names": [f.name for f in settings.feeds]}
    with open_reader(settings) as store:
        rows = store.rows("feed_list", {"all": show_all, **config})
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        when = f"{row['last_polled_at']:%Y-%m-%d %H:%M}" if row["last_polled_at"] else "never"
        due = f"{row['next_poll_at']:%Y-%m-%d %H:%M}" if row["next_poll_at"] else "now"
        click.echo(f"{row['status']:<9} {row['url']}")
        click.echo(
            f"          {row['title'] or 'untitled'}; {plural(row['entries'], 'entry')}; "
            f"last poll {when}; next {due}"
        )
        if row["consecutive_failures"]:
            failures = plural(row["consecutive_failures"], "failure")
            click.echo(f"          {failures}, the last: {row['last_error']}")
    if not rows:
        click.echo("no feeds: add one with `storywatch feed add URL` or in the config file")


@feed.command("remove")
@click.argument("url")
@with_settings
def feed_remove(settings: Settings, url: str) -> None:
    """Stop polling a feed; what it brought stays in the database."""
    if url in {f.url for f in settings.feeds}:
        raise UsageError(f"{url} is in the config file: remove it there")
    with open_store(settings.database) as store:
        if not store.scalar("remove_feed", {"url": url}):  # the count of rows updated
            raise UsageError(f"no active feed {url}: `storywatch feed list` shows them")
    click.echo(f"removed {url}")


@main.command()
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Only articles fetched on or after this date (UTC).",
)
@with_settings
def reextract(settings: Settings, since: datetime | None) -> None:
    """Run extraction and the boilerplate pass again on the kept raw pages (exit 1 when some
    failed: they are kept as they were), with a progress bar when stderr is a terminal."""
    from . import stages

    when = since.replace(tzinfo=UTC) if since else None
    with ProgressBars() as bars:
        summary = stages.reextract(settings, since=when, progress=bars)
    click.echo(str(summary))
    exit_for([summary])


@main.command()
@with_settings
def prune(settings: Settings) -> None:
    """Delete raw pages past `[extraction] keep_raw_days` and polls past `[airflow]
    keep_polls_days`: what the maintenance DAG does daily, for a deployment run from cron."""
    from .stages import maintenance

    click.echo(str(maintenance.prune(settings)))


@main.command("extract")
@click.argument("sources", nargs=-1, required=True, metavar="FILE_OR_URL...")
@click.option("--url", "page_url", help="The address a FILE was served from (for its links).")
@click.option("--json", "as_json", is_flag=True, help="Also the metadata and the removed lines.")
@with_settings
def extract_command(
    settings: Settings, sources: tuple[str, ...], page_url: str | None, as_json: bool
) -> None:
    """Print the article text of pages, as storywatch would store it.

    Exits 1 when a page gives no article (a consent wall, a paywall, too little text) or
    cannot be read (a 404, a missing file): the reason is printed on stderr for each, and the
    other pages are printed. Exits 2 when no source could be read at all.
    """
    from .errors import SourceError
    from .seeding import extract_sources

    results = extract_sources(settings, sources, page_url)
    unreadable = [result["error"] for _, result in results if result["unreadable"]]
    if len(unreadable) == len(results):
        raise SourceError("; ".join(unreadable))  # nothing was done: the arguments are wrong
    for source, result in results:
        if result["unreadable"]:
            click.echo(result["error"], err=True)  # it names the source
        elif result["stub"]:
            click.echo(f"{source}: {result['error']}", err=True)
        if as_json:
            click.echo(json.dumps({"source": source, **result}, ensure_ascii=False, default=str))
        elif result["text"] is not None:
            if len(results) > 1:
                click.echo(f"==> {source} <==")
            click.echo(result["text"])
    if any(result["stub"] or result["unreadable"] for _, result in results):
        # done, and each page without an article was named on stderr
        raise click.exceptions.Exit(RecordedFailures.exit_code)


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
    from .matching.embedding import embedder_for
    from .replay import replay
    from .stories import find_story

    story = find_story(settings.stories_dir, slug, settings.recipients)
    loaded = embedder_for(settings)
    if loaded.lexical_only:
        click.echo(loaded.lexical_only, err=True)
    failed = 0
    for line in replay(settings, story, sys.stdin, frozen, loaded.embedder):
        failed += '"error"' in line[:200] and '"verdict": null' in line
        click.echo(line)
    if failed:
        raise RecordedFailures(f"{failed} items could not be judged (see their error lines)")


main.add_command(status)
