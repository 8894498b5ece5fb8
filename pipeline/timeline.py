"""A story's timeline: its seeds, then every update in the order the world saw them, each with
what it added and changed, who reported it first and who followed. Read from the database for
the story's page and feed (`pipeline.site`), which render it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import alerts
from .boilerplate import strip_boilerplate
from .store import Store

EXCERPT_CHARS = 320


@dataclass(frozen=True)
class Seed:
    """A document the story was defined with, as its timeline opens with it."""

    title: str | None
    url: str | None  # where it was published, if its story says so
    excerpt: str


@dataclass(frozen=True)
class Timeline:
    slug: str
    name: str
    description: str
    defined_at: datetime  # the story's current definition
    seeds: list[Seed]
    updates: list[alerts.Update]  # oldest first

    @property
    def updated(self) -> datetime:
        """When the timeline last changed: its definition, or the last report it tells of."""
        return max([self.defined_at, *(entry_updated(u) for u in self.updates)])


def entry_published(update: alerts.Update) -> datetime | None:
    return update.source.published_at or update.source.reported_at


def entry_updated(update: alerts.Update) -> datetime:
    """When an update's entry last changed: its own report, or the last outlet that followed."""
    times = [s.reported_at or s.published_at for s in (update.source, *update.also)]
    known = [t for t in times if t is not None]
    assert known, "an article's reported_at is never null (it falls back to when it was seen)"
    return max(known)


def excerpt(title: str | None, text: str | None, limit: int = EXCERPT_CHARS) -> str:
    """The first words of a seed's text, without the title it starts with and the lines that
    are its page's furniture (a seed is stored as the reader gave it), cut at a word."""
    article = strip_boilerplate(text or "").text
    lines = [line.strip() for line in article.splitlines() if line.strip()]
    if lines and title and lines[0] == title.strip():
        lines = lines[1:]
    body = " ".join(lines)
    if len(body) <= limit:
        return body
    return body[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def read_timelines(store: Store) -> list[Timeline]:
    """Every story's timeline, as the database has it now."""
    return [_timeline(store, story) for story in store.rows("timeline_stories")]


def _timeline(store: Store, story: dict) -> Timeline:
    key = {"story_id": story["id"]}
    followers: dict[int, list[alerts.Source]] = {}
    for row in store.rows("story_timeline_followers", key):
        followers.setdefault(row["update_match_id"], []).append(alerts.Source.of(row))
    seeds = [
        Seed(
            title=row["title"],
            url=alerts.safe_url(row["url"]) or alerts.safe_url(row["source"]),
            excerpt=excerpt(row["title"], row["text"]),
        )
        for row in store.rows("story_timeline_seeds", key)
    ]
    return Timeline(
        slug=story["slug"],
        name=story["name"],
        description=story["description"] or "",
        defined_at=story["defined_at"],
        seeds=seeds,
        updates=[
            alerts.Update.of(row, followers.get(row["match_id"], []))
            for row in store.rows("story_timeline_updates", key)
        ],
    )
