"""Feeds and stories in the database brought in line with the config and the story folders."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .config import Settings
from .store import Store
from .stories import BrokenStory, SeedDocument, Story, load_stories


def sync_feeds(store: Store, settings: Settings) -> None:
    """Every feed of the config has its active row; feeds dropped from the config retire."""
    with store.transaction():
        for feed in settings.feeds:
            store.execute(
                "upsert_feed",
                {
                    "url": feed.url,
                    "name": feed.name,
                    "interval_seconds": feed.interval,
                    "alert_on_backlog": feed.alert_on_backlog,
                },
            )
        store.execute("retire_config_feeds", {"urls": [f.url for f in settings.feeds]})


@dataclass(frozen=True)
class SyncedStories:
    """The stories that loaded, by their id in the database, and the folders that did not."""

    stories: list[tuple[int, Story]]
    broken: list[BrokenStory]


def sync_stories(store: Store, settings: Settings) -> SyncedStories:
    """The stories in the database match their folders; a folder that does not load is
    recorded in story_load_errors (and its story, if it had loaded before, left as it was).
    A retired story is left as it was retired, even if a folder of its name is back."""
    folders = load_stories(settings.stories_dir, settings.recipients, settings.channels)
    retired = {row["slug"] for row in store.rows("retired_slugs")}
    broken = [b for b in folders.broken if b.slug not in retired]
    synced = [(_sync_story(store, s), s) for s in folders.stories if s.slug not in retired]
    with store.transaction():
        for b in broken:
            store.execute("record_story_load_error", {"slug": b.slug, "error": b.error})
        store.execute("clear_story_load_errors", {"broken": [b.slug for b in broken]})
    return SyncedStories(synced, broken)


def _sync_story(store: Store, story: Story) -> int:
    fields = {
        "name": story.name,
        "description": story.description,
        "recipients": story.recipients,
        "alert_policy": story.alert_policy,
        "definition_hash": story.definition_hash,
    }
    row = store.one("story_by_slug", {"slug": story.slug})
    if row and row["definition_hash"] == story.definition_hash:
        return row["id"]
    with store.transaction():
        if row:
            story_id = row["id"]
            store.execute("clear_story_seeds", {"story_id": story_id})
            # in the same transaction as the new definition: no alert goes to them after it
            store.execute(
                "suppress_alerts_of_removed_recipients",
                {"story_id": story_id, "recipients": story.recipients},
            )
        else:
            story_id = store.scalar("insert_story", {"slug": story.slug, **fields})
        seeds = [_seed_article(store, doc) for doc in story.documents]
        store.execute(
            "insert_story_definition",
            {
                "story_id": story_id,
                **fields,
                "language": story.language,
                "matching": json.dumps(story.matching, sort_keys=True),
                "must_mention": json.dumps(story.rules_json()["must_mention"]),
                "must_not_mention": list(story.rules.must_not_mention),
                "languages": list(story.rules.languages),
                "delivery": story.alerts.delivery,
                "cooldown_seconds": story.alerts.cooldown.total_seconds(),
                "seed_article_ids": seeds,
            },
        )
        for article_id in seeds:
            store.execute(
                "add_story_document",
                {"story_id": story_id, "article_id": article_id, "role": "seed"},
            )
    return story_id


def _seed_article(store: Store, doc: SeedDocument) -> int:
    """The article of a seed document: the one stored with the same source and text, or new."""
    found = store.one("find_seed_article", {"source": doc.source, "text": doc.text})
    if found:
        return found["id"]
    return store.scalar(
        "insert_seed_article",
        {
            "source": doc.source,
            "url": doc.source if doc.source.startswith("http") else None,
            "title": doc.text.strip().splitlines()[0][:200] if doc.text.strip() else None,
            "text": doc.text,
        },
    )
