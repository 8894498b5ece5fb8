"""`storywatch feedback`: the reader tells a story it was wrong about an article. What a
correction does to the story is `feedback` and `StoryMemory.correct`; here is its I/O."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime

import click

from . import story_core
from .cli_common import with_settings
from .config import Settings
from .errors import UsageError
from .feedback import FLAGS, TOLD, story_judged
from .matching.matcher import Correction
from .store import Store, open_store


@click.command("feedback")
@click.argument("article_id", type=int, required=False, metavar="[ARTICLE]")
@click.option("--alert", "alert_id", type=int, help="Correct the update this alert was sent for.")
@click.option(
    "--not-story", "correction", flag_value="not_story", help="It is not the story (a look-alike)."
)
@click.option(
    "--not-new", "correction", flag_value="not_new", help="It is the story, but nothing new."
)
@click.option("--update", "correction", flag_value="update", help="It is news the story missed.")
@click.option(
    "--story", "story_name", help="The story it is about (needed when several judged it)."
)
@click.option("--by", "given_by", help="Who corrects it (default: the user running this).")
@with_settings
def feedback(
    settings: Settings,
    article_id: int | None,
    alert_id: int | None,
    correction: Correction | None,
    story_name: str | None,
    given_by: str | None,
) -> None:
    """Correct the matcher's verdict on ARTICLE (an article id) or on an alert's update: the
    story takes the correction from its next match on. Nothing is sent."""
    if correction is None:
        raise UsageError("say what is wrong: " + ", ".join(FLAGS.values()))
    if (article_id is None) == (alert_id is None):
        raise UsageError("give an article id or --alert ID (one of the two)")
    slug = story_core.resolve(settings, story_name) if story_name else None
    with open_store(settings.database) as store:
        story_id, slug, article_id, verdict = _target(store, settings, article_id, alert_id, slug)
        store.one(
            "insert_feedback",
            {
                "story_id": story_id,
                "article_id": article_id,
                "correction": correction,
                "alert_id": alert_id,
                "verdict": verdict,
                "given_by": given_by or getpass.getuser(),
                "given_at": datetime.now(UTC),
            },
        )
    said = f"the matcher said {verdict}" if verdict else "the matcher had not judged it"
    click.echo(
        f"article {article_id}, story {slug}: {TOLD[correction]} ({said}); "
        "the next `storywatch run` matches with it"
    )


def _target(
    store: Store,
    settings: Settings,
    article_id: int | None,
    alert_id: int | None,
    slug: str | None,
) -> tuple[int, str, int, str | None]:
    """The story, article and the matcher's verdict a correction is about."""
    if alert_id is not None:
        alert = store.one("feedback_alert", {"alert_id": alert_id})
        if alert is None:
            raise UsageError(f"no alert {alert_id} (see `storywatch alerts list`)")
        article_id, slug = alert["article_id"], slug or alert["slug"]
    assert article_id is not None
    rows = store.rows("feedback_article", {"article_id": article_id})
    if not rows:
        raise UsageError(f"no article {article_id} (articles.id; see `storywatch query`)")
    if slug is None:
        try:
            story_id, slug, verdict = story_judged(rows, article_id)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        return story_id, slug, article_id, verdict
    story_id = story_core.loaded_story_id(store, settings, slug)
    verdict = next((r["verdict"] for r in rows if r["story_id"] == story_id), None)
    return story_id, slug, article_id, verdict
