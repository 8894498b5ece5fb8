"""Where a story's timeline page and feed are: their file names in the story's folder of the
site, and their addresses when the site is served at `[site] base_url`."""

from __future__ import annotations

from urllib.parse import quote

PAGE_FILE = "index.html"
FEED_FILE = "updates.xml"


def story_page(site_url: str | None, story_slug: str) -> str | None:
    """The address of the story's timeline, when the site is served at `site_url`."""
    return f"{site_url.rstrip('/')}/{quote(story_slug)}/" if site_url else None


def story_feed(site_url: str | None, story_slug: str) -> str | None:
    page = story_page(site_url, story_slug)
    return page + FEED_FILE if page else None
