"""A story's timeline as a static HTML page, and an update as the HTML of its feed entry (pure).

The templates (`pipeline/templates/`) get the timeline as it is read from the database: every
value they print is cleaned here (`clean`: no control, bidi-override or non-XML characters)
and escaped by Jinja's autoescape, and only http(s) links are links (`href`).
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from functools import cache

import jinja2
from markupsafe import Markup, escape

from . import alerts
from .highlight import value_spans
from .site_urls import FEED_FILE
from .timeline import Timeline, entry_published

# not characters in XML 1.0 (which the feed is, and which the page's text ends up in readers)
NON_XML = {0xFFFE, 0xFFFF}


def clean(text: str | None) -> str:
    """Text from outside, fit for a page or a feed: inert (see `alerts.inert_text`), and
    without lone surrogates or non-characters, which neither UTF-8 nor XML can carry."""
    kept = (c for c in text or "" if unicodedata.category(c) != "Cs" and ord(c) not in NON_XML)
    return alerts.inert_text("".join(kept))


def iso(at: datetime | None) -> str:
    """RFC 3339, as Atom and <time datetime> want it."""
    return at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z") if at else ""


def _finalize(value: object) -> object:
    # every {{ value }} goes through here before it is escaped; Markup is already our own HTML
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, Markup):
        return clean(value)
    return value


def _marked(text: str | None, values: list[str]) -> Markup:
    """`text` cleaned and escaped, the values that changed in <mark>."""
    pieces = value_spans(clean(text), [clean(v) for v in values])
    # <strong> too: feed readers' sanitizers often drop <mark> (and <bdi>), keeping the text
    marked = Markup("<mark><strong>{}</strong></mark>")
    return Markup("<bdi>{}</bdi>").format(
        Markup("").join(marked.format(p) if hit else escape(p) for p, hit in pieces)
    )


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,
    )
    env.filters["href"] = alerts.safe_url
    env.filters["marked"] = _marked
    env.globals.update(
        when=alerts.when,
        iso=iso,
        distinct_changes=alerts.distinct_changes,
        published_of=entry_published,
    )
    return env


def render_page(timeline: Timeline) -> str:
    """The story's page: its seeds, then every update in order. Its feed is beside it."""
    return environment().get_template("timeline.html").render(timeline=timeline, feed_url=FEED_FILE)


def render_update(update: alerts.Update, number: int) -> str:
    """One update as its page shows it (the HTML content of its feed entry)."""
    return (
        environment()
        .get_template("update.html")
        .render(update=update, number=number, published=entry_published(update))
    )
