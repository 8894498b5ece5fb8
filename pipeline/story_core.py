"""A story's life, from `story add` to `story remove`: what the `story` commands do, without
their words on the screen (those are `cli_stories`).

A story is its folder (story.toml and seed documents, which its reader edits) and its rows in
the database (its definitions, what it was matched to, its alerts). Edits of the folder are
checked before they are saved: a story.toml that would not load is never written. Mutes and
retirements live in the database; a retired story's folder is moved aside, under
`<stories_dir>/.retired/`, and its history stays.
"""

from __future__ import annotations

import json
import os
import shutil
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from . import alert_policy
from .config import MatchingConfig, Settings
from .errors import UsageError
from .feedback import memory_documents
from .matching import StoryMemory
from .matching.core import Core, story_core
from .matching.features import with_title
from .outputs import make_folder, write_file
from .rules import Rules
from .snapshot import open_reader
from .store import Store, StoreError, open_store
from .stories import (
    SeedDocument,
    Story,
    StoryError,
    implicit_documents,
    load_story,
    new_story_folder,
    read_text,
    slugify,
    story_folders,
    write_story,
)
from .story_toml import DocumentEntry, add_documents, edited, set_rules
from .sync import sync_stories

RETIRED_DIR = ".retired"
REJECTED = "story.toml.rejected"  # an edit that did not load, kept for its author


# -- finding a story ----------------------------------------------------------------------------


def _live_slugs(settings: Settings) -> dict[str, str]:
    """slug -> name of every story folder (a broken one by its slug)."""
    names = {}
    for folder in story_folders(settings.stories_dir):
        try:
            spec = tomllib.loads(read_text(folder / "story.toml"))
            names[folder.name] = str(spec.get("name", folder.name))
        except (StoryError, tomllib.TOMLDecodeError):
            names[folder.name] = folder.name
    return names


def _stored(settings: Settings, query: str, params: dict[str, Any]) -> list[dict]:
    """Rows of the database when there is one it can read; none when there is not yet."""
    if not settings.database.exists():
        return []
    try:
        with open_reader(settings) as store:
            return store.rows(query, params)
    except StoreError:
        return []  # busy, or of an older schema: what the folders say still holds


def resolve(settings: Settings, name: str) -> str:
    """The slug of the story a reader names: by its folder's name, its name as written, or
    the name it was added under; retired stories too."""
    live = _live_slugs(settings)
    wanted = name.casefold()
    for slug, story_name in live.items():
        if name in (slug, story_name) or wanted == story_name.casefold():
            return slug
    if slugify(name) in live:
        return slugify(name)
    for row in _stored(settings, "stories", {}):
        named = row["slug"] in (name, slugify(name)) or row["name"].casefold() == wanted
        if row["retired_at"] and named:
            return row["slug"]
    known = ", ".join(live) or "none yet (`storywatch story add`)"
    raise StoryError(f"no story {name!r} in {settings.stories_dir}; the stories are: {known}")


def _folder(settings: Settings, name: str) -> Path:
    """The folder of a story that is not retired, to edit."""
    slug = resolve(settings, name)
    folder = settings.stories_dir / slug
    retired = [r["retired_at"] for r in _stored(settings, "story_by_slug", {"slug": slug})]
    if not folder.is_dir() or any(retired):
        when = f" on {retired[0]:%Y-%m-%d}" if any(retired) else ""
        raise StoryError(f"story {slug} was retired{when}: it is matched and edited no more")
    return folder


# -- checking and saving story.toml ---------------------------------------------------------------


def save_story_toml(
    settings: Settings, folder: Path, text: str, *, keep_rejected: bool = False
) -> Story:
    """Save `text` as the folder's story.toml if the story loads with it; else keep the old
    file and raise the StoryError saying why (with `keep_rejected`, after keeping the text in
    story.toml.rejected, for its author to try again)."""
    try:
        story = load_story(folder, settings.recipients, text=text)
    except StoryError as exc:
        if not keep_rejected:
            raise StoryError(f"{exc} (story.toml kept as it was)") from None
        write_file(folder / REJECTED, text)
        raise StoryError(
            f"{exc} (story.toml kept as it was; the edit is in {folder / REJECTED})"
        ) from None
    partial = folder / ".story.toml.saving"
    write_file(partial, text)
    os.replace(partial, folder / "story.toml")  # a reader never sees half a file
    (folder / REJECTED).unlink(missing_ok=True)
    return story


def edit_story(settings: Settings, name: str, editor: Callable[[str], str | None]) -> Story | None:
    """Let `editor` change the story's story.toml; saved if the story loads with it. None
    when it changed nothing."""
    folder = _folder(settings, name)
    old = read_text(folder / "story.toml")
    new = editor(old)
    if new is None or new == old:
        return None
    return save_story_toml(settings, folder, new, keep_rejected=True)


# -- adding stories and seeds ---------------------------------------------------------------------


def add_story(settings: Settings, name: str, sources: tuple[str, ...], description: str) -> Path:
    """A new story folder from seed documents (files or URLs)."""
    from .seeding import read_sources  # the fetch stage's HTTP and extraction, only here

    folder = new_story_folder(settings.stories_dir, name)  # a bad name is told before fetching
    retired = _stored(settings, "story_by_slug", {"slug": folder.name})
    if retired and retired[0]["retired_at"]:
        raise StoryError(
            f"a story {folder.name} was retired on {retired[0]['retired_at']:%Y-%m-%d} and its "
            "history is kept under that name: give the new story another name"
        )
    return write_story(settings.stories_dir, name, description, read_sources(settings, sources))


def add_seeds(settings: Settings, name: str, sources: tuple[str, ...]) -> list[str]:
    """More seed documents for a story, from files or URLs; returns their file names. The
    next run defines the story with them."""
    from .seeding import read_sources

    folder = _folder(settings, name)
    old = read_text(folder / "story.toml")
    seeds = read_sources(settings, sources, taken={p.name for p in folder.iterdir()})
    for seed in seeds:
        write_file(folder / seed.file, seed.text)
    try:
        existing = [] if "documents" in _parsed(old) else implicit_documents(folder)
        existing = [f for f in existing if f not in {s.file for s in seeds}]
        entries = [DocumentEntry(s.file, s.url) for s in seeds]
        save_story_toml(settings, folder, _edited(old, add_documents(existing, entries)))
    except StoryError:
        for seed in seeds:
            (folder / seed.file).unlink(missing_ok=True)
        raise
    return [s.file for s in seeds]


def _parsed(text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StoryError(f"story.toml: not valid TOML: {exc}; fix it first") from None


def _edited(text: str, change) -> str:
    try:
        return edited(text, change)
    except ValueError as exc:
        raise StoryError(f"story.toml: {exc}; fix it first (`storywatch story edit`)") from None


# -- rules ----------------------------------------------------------------------------------------

RULE_NAMES = ("must_mention", "must_not_mention", "languages", "matching")


def parse_threshold(setting: str) -> tuple[str, Any]:
    """`match=0.4` -> ("match", 0.4); `match=` -> ("match", None): back to the config's."""
    key, sep, raw = setting.partition("=")
    key = key.strip()
    if not sep or key not in MatchingConfig.model_fields:
        keys = ", ".join(MatchingConfig.model_fields)
        raise UsageError(f"--threshold {setting!r}: give KEY=VALUE, KEY one of {keys}")
    if not raw.strip():
        return key, None
    try:
        return key, tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        raise UsageError(f"--threshold {setting!r}: {raw!r} is not a number or a flag") from None


def change_rules(
    settings: Settings,
    name: str,
    *,
    must_mention: list[str],
    must_not_mention: list[str],
    languages: list[str],
    thresholds: list[str],
    clear: list[str],
) -> Story:
    """Add rules to a story's story.toml (a `must_mention` of "A | B" is one entry, mentioned
    when A or B is) and set its thresholds, after clearing those named in `clear`."""
    folder = _folder(settings, name)
    for rule in clear:
        if rule not in (*RULE_NAMES, "all"):
            raise UsageError(f"--clear {rule!r}: one of {', '.join(RULE_NAMES)} or all")
    cleared = list(RULE_NAMES) if "all" in clear else clear
    entries = [[p.strip() for p in entry.split("|")] for entry in must_mention]
    change = set_rules(
        must_mention=entries,
        must_not_mention=must_not_mention,
        languages=languages,
        thresholds=dict(parse_threshold(t) for t in thresholds),
        clear=cleared,
    )
    return save_story_toml(settings, folder, _edited(read_text(folder / "story.toml"), change))


# -- muting and retiring --------------------------------------------------------------------------


def loaded_story_id(store: Store, settings: Settings, slug: str) -> int:
    """The story's id, its folder synced first (a story added since the last run has none)."""
    synced = sync_stories(store, settings)
    row = store.one("story_by_slug", {"slug": slug})
    if row is None:
        broken = next((b for b in synced.broken if b.slug == slug), None)
        raise StoryError(str(broken) if broken else f"story {slug} has not been loaded")
    return row["id"]


@dataclass(frozen=True)
class Muted:
    slug: str
    until: datetime | None  # None: until unmuted


def mute(settings: Settings, name: str, duration: timedelta | None, now: datetime) -> Muted:
    """Hold the story's alerts back from `now`, for `duration` or until unmuted; it is still
    matched and its updates recorded. A new mute replaces one in force."""
    slug = _folder(settings, name).name
    until = now + duration if duration else None
    with open_store(settings.database) as store:
        story_id = loaded_story_id(store, settings, slug)
        with store.transaction():
            store.rows("unmute_story", {"story_id": story_id, "at": now})
            store.execute("mute_story", {"story_id": story_id, "at": now, "until": until})
    return Muted(slug, until)


def unmute(settings: Settings, name: str, now: datetime) -> bool:
    """End the story's mute; False when it was not muted."""
    slug = _folder(settings, name).name
    with open_store(settings.database) as store:
        story_id = loaded_story_id(store, settings, slug)
        return bool(store.rows("unmute_story", {"story_id": story_id, "at": now}))


@dataclass(frozen=True)
class Retired:
    slug: str
    kept_in: Path  # where the folder went
    held: int  # alerts that were still to be sent, held back
    had_history: bool  # False: it never loaded, so the database knew nothing of it


def retire(settings: Settings, name: str, now: datetime) -> Retired:
    """Stop matching and alerting a story for good: its folder is moved aside (not deleted),
    its alerts still to be sent are held back, and its matches and alerts stay queryable."""
    folder = _folder(settings, name)
    with open_store(settings.database) as store:
        try:
            story_id: int | None = loaded_story_id(store, settings, folder.name)
        except StoryError:
            story_id = None  # a folder that never loaded: there is no history to keep
        kept = _keep_aside(settings.stories_dir, folder)
        if story_id is None:
            return Retired(folder.name, kept, 0, had_history=False)
        try:
            with store.transaction():
                where = str(kept.relative_to(settings.stories_dir))
                store.execute("retire_story", {"story_id": story_id, "at": now, "kept_in": where})
                held = store.rows(
                    "suppress_story_alerts",
                    {"story_id": story_id, "reason": alert_policy.RETIRED, "due": None},
                )
        except BaseException:
            shutil.move(kept, folder)  # as it was: the story goes on
            raise
    return Retired(folder.name, kept, len(held), had_history=True)


def _keep_aside(stories_dir: Path, folder: Path) -> Path:
    """Move a story's folder under `.retired/`, where no story is loaded from."""
    aside = make_folder(stories_dir / RETIRED_DIR)
    kept, n = aside / folder.name, 2
    while kept.exists():
        kept, n = aside / f"{folder.name}-{n}", n + 1
    try:
        shutil.move(folder, kept)
    except OSError as exc:
        raise UsageError(f"{folder}: cannot be moved to {kept} ({exc.strerror})") from None
    return kept


# -- showing --------------------------------------------------------------------------------------


@dataclass
class StoryView:
    """What `story show` tells of a story."""

    story: Story
    config_matching: dict[str, Any]
    core: Core
    in_database: bool = False
    verdicts: list[dict] = field(default_factory=list)  # verdict, articles, turned_away
    alerts: list[dict] = field(default_factory=list)  # state, alerts
    retired_at: datetime | None = None
    retired_folder: str | None = None
    muted_at: datetime | None = None
    muted_until: datetime | None = None
    load_error: str | None = None


def show(settings: Settings, name: str) -> StoryView:
    """A story as it is now: its definition (its folder's, or the last one stored for a
    retired story), the core the matcher takes from it, and what it was matched to and sent."""
    slug = resolve(settings, name)
    current = next(iter(_stored(settings, "current_story", {"slug": slug})), None)
    story, load_error = None, None
    if (settings.stories_dir / slug).is_dir() and not (current and current["retired_at"]):
        try:
            story = load_story(settings.stories_dir / slug, settings.recipients)
        except StoryError as exc:
            load_error = str(exc)  # shown with the last definition that loaded, if any
            if current is None:
                raise
    known: list[dict] = []
    if current is not None:
        known = _stored(settings, "story_memory", {"story_id": current["id"], "model": ""})
    if story is None:
        assert current is not None
        stored = _stored(settings, "story_seed_documents", {"story_id": current["id"]})
        story = _story_from_row(current, stored)
    seeds = [(-1 - n, d.text) for n, d in enumerate(story.documents)]
    texts = {k["id"]: with_title(k["title"], k["text"]) for k in known}
    _, updates, corrections = memory_documents(known, texts)
    memory = StoryMemory(seeds, story.language, updates=updates, corrections=corrections)
    view = StoryView(
        story=story,
        config_matching=settings.matching.model_dump(),
        core=story_core(memory),
        load_error=load_error,
    )
    if current is not None:
        view.in_database = True
        view.verdicts = _stored(settings, "story_verdicts", {"story_id": current["id"]})
        view.alerts = _stored(settings, "story_alert_counts", {"story_id": current["id"]})
        view.retired_at, view.retired_folder = current["retired_at"], current["retired_folder"]
        view.muted_at, view.muted_until = current["muted_at"], current["muted_until"]
    return view


def _story_from_row(row: dict, seeds: list[dict]) -> Story:
    """A story as its last stored definition has it (its folder is gone)."""
    rules = Rules(
        must_mention=tuple(tuple(e) for e in json.loads(row["must_mention"] or "[]")),
        must_not_mention=tuple(row["must_not_mention"] or ()),
        languages=tuple(row["languages"] or ()),
    )
    return Story(
        slug=row["slug"],
        name=row["name"],
        description=row["description"] or "",
        recipients=list(row["recipients"]),
        alert_policy=row["alert_policy"],
        documents=[
            SeedDocument(d["source"] or str(d["id"]), d["source"] or "", d["text"] or "")
            for d in seeds
        ],
        language=row["language"] or "en",
        matching=json.loads(row["matching"] or "{}"),
        alerts=alert_policy.AlertPolicy(
            delivery=row["delivery"] or "immediate",
            cooldown=timedelta(seconds=row["cooldown_seconds"] or 0),
        ),
        rules=rules,
    )


def holds(settings: Settings) -> dict[str, dict]:
    """slug -> the current_stories row of every story the database knows, for listings."""
    return {row["slug"]: row for row in _stored(settings, "stories", {})}
