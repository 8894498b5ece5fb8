"""A story's updates as an Atom feed (RFC 4287), newest first, so that any feed reader can
follow the story (pure).

Ids are derived from the story and the report, never random, so a rebuilt feed is the same
feed to a reader, and an entry whose followers grew is the same entry, updated.
"""

from __future__ import annotations

import uuid

from lxml import etree
from lxml.builder import ElementMaker

from . import alerts
from .site_urls import PAGE_FILE, story_feed, story_page
from .timeline import Timeline, entry_published, entry_updated
from .timeline_page import clean, iso, render_update

ATOM = "http://www.w3.org/2005/Atom"
ID_SPACE = uuid.UUID("5d0c2b0e-8a7e-4b7a-9f2e-2f3c7b1e9a41")  # storywatch's: names hash under it
SUMMARY_CHARS = 300

E = ElementMaker(namespace=ATOM, nsmap={None: ATOM})


def feed_id(slug: str) -> str:
    return f"urn:uuid:{uuid.uuid5(ID_SPACE, f'story/{slug}')}"


def entry_id(slug: str, update: alerts.Update) -> str:
    src = update.source
    seen = iso(src.reported_at or src.published_at)
    return f"urn:uuid:{uuid.uuid5(ID_SPACE, f'story/{slug}/update/{src.url or src.title}/{seen}')}"


def summary(update: alerts.Update) -> str:
    """One plain line: what changed, else the first new sentence."""
    changes = [f"{clean(c['was'])} -> {clean(c['now'])}" for c in alerts.distinct_changes(update)]
    line = "; ".join(changes) or (clean(update.new_facts[0]) if update.new_facts else "")
    return line if len(line) <= SUMMARY_CHARS else line[: SUMMARY_CHARS - 1].rstrip() + "…"


def render_feed(timeline: Timeline, base_url: str | None = None) -> bytes:
    """The feed of the story's updates, links to its timeline page (`base_url`'s when the site
    is served there; else relative to the feed, as a file beside it)."""
    page = story_page(base_url, timeline.slug)
    page_href = page or PAGE_FILE
    feed = E.feed(
        E.id(feed_id(timeline.slug)),
        E.title(clean(timeline.name) or timeline.slug),
        *([E.subtitle(clean(timeline.description))] if clean(timeline.description) else []),
        E.updated(iso(timeline.updated)),
        E.author(E.name("storywatch")),
        E.generator("storywatch"),
        E.link(rel="alternate", type="text/html", href=page_href),
    )
    if itself := story_feed(base_url, timeline.slug):
        feed.append(E.link(rel="self", type="application/atom+xml", href=itself))
    numbered = list(enumerate(timeline.updates, start=1))
    for number, update in reversed(numbered):
        feed.append(_entry(timeline.slug, update, number, page_href))
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _entry(slug: str, update: alerts.Update, number: int, page: str) -> etree._Element:
    src = update.source
    entry = E.entry(
        E.id(entry_id(slug, update)),
        E.title(clean(src.title) or "(untitled)"),
        E.updated(iso(entry_updated(update))),
    )
    if published := entry_published(update):
        entry.append(E.published(iso(published)))
    entry.append(E.author(E.name(clean(src.outlet) or "unknown outlet")))
    if url := alerts.safe_url(src.url):
        entry.append(E.link(rel="alternate", type="text/html", href=url))
    entry.append(E.link(rel="related", type="text/html", href=f"{page}#update-{number}"))
    if line := summary(update):
        entry.append(E.summary(line))
    entry.append(E.content(render_update(update, number), type="html"))
    return entry
