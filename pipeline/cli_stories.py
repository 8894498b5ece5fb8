"""`storywatch story`: the stories storywatch follows, from `story add` to `story remove`, as a
reader manages them. What each command does is `story_core`; here is what it says."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import click

from . import story_core
from .alert_policy import parse_duration
from .cli_common import echo_json, json_option, with_settings
from .config import Settings
from .errors import UsageError
from .plural import plural
from .stories import Story, StoryFolders

NEXT_RUN = "the next `storywatch run` matches with it"


@click.group("story")
def story_group() -> None:
    """Manage the stories storywatch follows."""


@story_group.command("add")
@click.argument("name")
@click.argument("sources", nargs=-1, required=True, metavar="FILE_OR_URL...")
@click.option("--description", default="", help="One line saying what the story is.")
@with_settings
def story_add(settings: Settings, name: str, sources: tuple[str, ...], description: str) -> None:
    """Create a story folder from seed documents (text or HTML files, or article URLs)."""
    folder = story_core.add_story(settings, name, sources, description)
    click.echo(
        f"created {folder} with {plural(len(sources), 'document')}; `storywatch init` loads it"
    )


@story_group.command("list")
@json_option
@with_settings
def story_list(settings: Settings, as_json: bool) -> None:
    """The stories in the stories folder, and the folders that are broken with their problem;
    retired stories last."""
    from .stories import load_stories

    folders = load_stories(settings.stories_dir, settings.recipients)
    stored = story_core.holds(settings)
    if as_json:
        echo_json(_listed(folders, stored))
        return
    for s in folders.stories:
        row = stored.get(s.slug)
        if row and row["retired_at"]:
            continue  # listed with the retired ones: its folder is back, but it stays retired
        who = ", ".join(s.recipients) or "nobody"
        muted = f"; {_muted(row['muted_until'])}" if row and row["muted_at"] else ""
        click.echo(
            f"{s.slug}: {s.name} ({plural(len(s.documents), 'document')}; "
            f"alerts {s.alert_policy} to {who}{muted})"
        )
    for broken in folders.broken:
        click.echo(f"{broken.slug}: BROKEN, not matched until fixed: {broken.error}")
    for row in stored.values():
        if row["retired_at"]:
            click.echo(f"{row['slug']}: {row['name']} ({_retired(row, settings)})")


def _listed(folders: StoryFolders, stored: dict[str, dict]) -> list[dict]:
    """`story list --json`: every story with its state, then the broken folders."""
    listed = []
    for s in folders.stories:
        row = stored.get(s.slug) or {}
        listed.append(
            {
                "slug": s.slug,
                "name": s.name,
                "description": s.description,
                "recipients": s.recipients,
                "alert_policy": s.alert_policy,
                "documents": len(s.documents),
                "muted_until": row.get("muted_until") if row.get("muted_at") else None,
                "retired_at": row.get("retired_at"),
                "error": None,
            }
        )
    listed += [{"slug": b.slug, "error": b.error} for b in folders.broken]
    folders_slugs = {s.slug for s in folders.stories}
    listed += [
        {"slug": row["slug"], "name": row["name"], "retired_at": row["retired_at"], "error": None}
        for row in stored.values()
        if row["retired_at"] and row["slug"] not in folders_slugs
    ]
    return listed


@story_group.command("show")
@click.argument("name")
@json_option
@with_settings
def story_show(settings: Settings, name: str, as_json: bool) -> None:
    """What a story is: its description, recipients, alerts, rules, documents; what the
    matcher takes as its core; and how many articles it was matched to and alerts sent."""
    view = story_core.show(settings, name)
    story = view.story
    if as_json:
        echo_json(_shown(view))
        return
    click.echo(f"{story.slug}: {story.name}")
    if story.description:
        click.echo(f"  {story.description}")
    if view.retired_at:
        row = {"retired_at": view.retired_at, "retired_folder": view.retired_folder}
        state = _retired(row, settings)
    elif view.muted_at:
        state = _muted(view.muted_until)
    else:
        state = "followed"
    click.echo(f"state:       {state}")
    if view.load_error:
        click.echo(f"broken:      {view.load_error} (shown as it last loaded)")
    click.echo(f"recipients:  {', '.join(story.recipients) or 'nobody'}")
    click.echo(f"alerts:      {_policy(story)}")
    click.echo(f"language:    {story.language}")
    for line in story.rules.describe() or ["none"]:
        click.echo(f"rules:       {line}")
    if story.matching:
        own = ", ".join(
            f"{key} {value} (config: {view.config_matching[key]})"
            for key, value in sorted(story.matching.items())
        )
        click.echo(f"thresholds:  {own}")
    click.echo(f"documents:   {len(story.documents)}")
    for doc in story.documents:
        about = f" ({doc.kind})" if doc.kind else ""
        source = f" from {doc.source}" if doc.source != doc.file else ""
        click.echo(f"  {doc.file}{about}{source}")
    core = view.core
    click.echo("the matcher's core (an article must name enough of the names and use the words):")
    click.echo(f"  names:     {', '.join(core.names) or 'none'}")
    click.echo(f"  words:     {', '.join(core.words) or 'none'}")
    click.echo(
        f"  knows {plural(core.known_sentences, 'sentence')}, from its seeds and "
        f"{plural(core.updates, 'accepted update')}{_corrected(core)}; its core sentences:"
    )
    for sentence in core.sentences:
        click.echo(f"  - {sentence}")
    if not view.in_database:
        click.echo("not run yet: `storywatch run` matches it")
        return
    verdicts = ", ".join(f"{v['articles']} {v['verdict']}" for v in view.verdicts) or "none yet"
    away = sum(v["turned_away"] for v in view.verdicts)
    click.echo(f"verdicts:    {verdicts}" + (f" ({away} turned away by its rules)" if away else ""))
    sent = ", ".join(f"{a['alerts']} {a['state']}" for a in view.alerts) or "none yet"
    click.echo(f"outbox:      {sent}")


@story_group.command("edit")
@click.argument("name")
@with_settings
def story_edit(settings: Settings, name: str) -> None:
    """Open the story's story.toml in $VISUAL or $EDITOR; saved only if the story loads with
    it (else the file stays as it was, and the line says what is wrong)."""

    def editor(text: str) -> str | None:
        try:
            return click.edit(text, extension=".toml", require_save=True)
        except click.ClickException as exc:  # no editor could be started
            raise UsageError(f"{exc.format_message()}; set $EDITOR") from None

    story = story_core.edit_story(settings, name, editor)
    if story is None:
        click.echo("story.toml unchanged")
    else:
        click.echo(f"saved {settings.stories_dir / story.slug / 'story.toml'}; {NEXT_RUN}")


@story_group.group("seed")
def seed_group() -> None:
    """A story's seed documents."""


@seed_group.command("add")
@click.argument("name")
@click.argument("sources", nargs=-1, required=True, metavar="FILE_OR_URL...")
@with_settings
def seed_add(settings: Settings, name: str, sources: tuple[str, ...]) -> None:
    """Add seed documents to a story: text or HTML files, or article URLs (fetched as the
    fetch stage fetches, headline kept)."""
    files = story_core.add_seeds(settings, name, sources)
    click.echo(f"added {', '.join(files)}; {NEXT_RUN}")


@story_group.command("rules")
@click.argument("name")
@click.option(
    "--must-mention",
    multiple=True,
    metavar="PHRASE",
    help='An article must mention this; "A | B": A or B. Repeat for more.',
)
@click.option(
    "--must-not-mention", multiple=True, metavar="PHRASE", help="An article must not mention this."
)
@click.option("--language", "languages", multiple=True, metavar="TAG", help="Only articles in it.")
@click.option(
    "--threshold",
    "thresholds",
    multiple=True,
    metavar="KEY=VALUE",
    help="One of the config's [matching] keys for this story; KEY= goes back to the config's.",
)
@click.option(
    "--clear",
    multiple=True,
    metavar="RULE",
    help="Clear must_mention, must_not_mention, languages, matching or all, first.",
)
@with_settings
def story_rules(
    settings: Settings,
    name: str,
    must_mention: tuple[str, ...],
    must_not_mention: tuple[str, ...],
    languages: tuple[str, ...],
    thresholds: tuple[str, ...],
    clear: tuple[str, ...],
) -> None:
    """Show or change what an article must mention, must not, the languages it may be in,
    and the story's thresholds (in its story.toml; its comments are kept)."""
    changes = (must_mention, must_not_mention, languages, thresholds, clear)
    if any(changes):
        story = story_core.change_rules(
            settings,
            name,
            must_mention=list(must_mention),
            must_not_mention=list(must_not_mention),
            languages=list(languages),
            thresholds=list(thresholds),
            clear=list(clear),
        )
    else:
        story = story_core.show(settings, name).story
    for line in story.rules.describe() or ["no rules"]:
        click.echo(f"{story.slug}: {line}")
    for key, value in sorted(story.matching.items()):
        click.echo(f"{story.slug}: [matching] {key} = {json.dumps(value)}")
    if any(changes):
        click.echo(f"saved; {NEXT_RUN} (articles judged before keep their verdicts)")


@story_group.command("mute")
@click.argument("name")
@click.option("--for", "duration", metavar="DURATION", help="For this long (90m, 2h, 2d).")
@with_settings
def story_mute(settings: Settings, name: str, duration: str | None) -> None:
    """Email nobody about a story (for a while, or until unmuted); it is still matched, and
    its updates recorded."""
    span: timedelta | None = None
    if duration is not None:
        try:
            span = parse_duration(duration)
        except ValueError as exc:
            raise UsageError(f"--for: {exc}") from None
        if not span:
            raise UsageError("--for: give a duration longer than 0 (90m, 2h, 2d)")
    muted = story_core.mute(settings, name, span, datetime.now(UTC))
    click.echo(
        f"{muted.slug}: {_muted(muted.until)}; its updates are recorded, nobody is emailed; "
        f"`storywatch story unmute {muted.slug}` ends it"
    )


@story_group.command("unmute")
@click.argument("name")
@with_settings
def story_unmute(settings: Settings, name: str) -> None:
    """Email a muted story's updates again, from its next update on."""
    slug = story_core.resolve(settings, name)
    if story_core.unmute(settings, name, datetime.now(UTC)):
        click.echo(f"{slug}: unmuted; its next update is emailed")
    else:
        click.echo(f"{slug}: was not muted")


@story_group.command("remove")
@click.argument("name")
@with_settings
def story_remove(settings: Settings, name: str) -> None:
    """Retire a story: never matched or alerted again. Its folder is moved aside (not
    deleted) and its history stays in the database."""
    retired = story_core.retire(settings, name, datetime.now(UTC))
    line = f"{retired.slug}: retired; its folder is kept in {retired.kept_in}"
    if retired.had_history:
        line += "; its matches and alerts stay in the database"
        if retired.held:
            line += f" ({plural(retired.held, 'alert')} still to send held back)"
    click.echo(line)


def _shown(view: story_core.StoryView) -> dict:
    """`story show --json`: the same facts as the text, by name."""
    story = view.story
    return {
        "slug": story.slug,
        "name": story.name,
        "description": story.description,
        "recipients": story.recipients,
        "alert_policy": story.alert_policy,
        "language": story.language,
        "rules": story.rules.describe(),
        "matching": story.matching,
        "documents": [
            {"file": d.file, "kind": d.kind, "source": d.source} for d in story.documents
        ],
        "core": dataclasses.asdict(view.core),
        "verdicts": view.verdicts,
        "alerts": view.alerts,
        "retired_at": view.retired_at,
        "muted_at": view.muted_at,
        "muted_until": view.muted_until,
        "load_error": view.load_error,
    }


def _muted(until: datetime | None) -> str:
    if until is None:
        return "muted until unmuted"
    return f"muted until {until.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _retired(row: dict, settings: Settings) -> str:
    when = row["retired_at"].astimezone(UTC)
    kept = settings.stories_dir / row["retired_folder"]
    return f"retired on {when:%Y-%m-%d}, not matched or alerted; its folder kept in {kept}"


def _policy(story: Story) -> str:
    if story.alert_policy == "none":
        return "none: updates are recorded, never emailed"
    delivery = {"immediate": "an email per update", "hourly": "hourly digests"}
    how = delivery.get(story.alerts.delivery, "daily digests")
    cooldown = story.alerts.cooldown
    if story.alerts.delivery == "immediate" and cooldown:
        how += f", quiet for {_span(cooldown)} after each"
    return how


def _span(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _corrected(core: story_core.Core) -> str:
    """What the story's reader told it (`storywatch feedback`), when they did."""
    said = []
    if core.told:
        said.append(f"{plural(core.told, 'article')} with nothing new, by its reader's word")
    if core.negatives:
        said.append(f"{plural(core.negatives, 'article')} not the story, by its reader's word")
    return "".join(f", {s}" for s in said)
