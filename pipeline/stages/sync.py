"""Feeds and stories in the database brought in line with the config and the story folders."""

from __future__ import annotations

from ..config import Settings
from ..store import Store
from ..stories import Story, load_stories


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


def sync_stories(store: Store, settings: Settings) -> list[tuple[int, Story]]:
    """The stories in the database match their folders; returns (story id, story) pairs."""
    stories = load_stories(settings.stories_dir, settings.recipients)
    return [(_sync_story(store, story), story) for story in stories]


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
            store.execute("update_story", {"story_id": story_id, **fields})
            store.execute("clear_story_seeds", {"story_id": story_id})
        else:
            story_id = store.scalar("insert_story", {"slug": story.slug, **fields})
        for doc in story.documents:
            found = store.one("find_seed_article", {"source": doc.source, "text": doc.text})
            article_id = (
                found["id"]
                if found
                else store.scalar(
                    "insert_seed_article",
                    {
                        "source": doc.source,
                        "url": doc.source if doc.source.startswith("http") else None,
                        "title": doc.text.strip().splitlines()[0][:200]
                        if doc.text.strip()
                        else None,
                        "text": doc.text,
                    },
                )
            )
            store.execute(
                "add_story_document",
                {"story_id": story_id, "article_id": article_id, "role": "seed"},
            )
    return story_id
