"""`storywatch demo`: the whole pipeline against a news site and a mail server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from .. import stages
from ..config import FeedConfig, Settings, SmtpConfig
from ..errors import StorywatchError
from ..paths import SEEDS_DIR
from ..site_files import story_folder
from ..site_urls import FEED_FILE, PAGE_FILE
from ..store import open_store, sql
from ..stories import load_story
from .mailsink import MailSink
from .pages import DemoPage, page_from_text
from .site import DemoSite

ARTICLES_DIR = Path(__file__).parent / "articles"
STORY = "iss-withdrawal"
FOLLOW_UP = "iss-exit-2028"  # held back until the second pass, as news arrives later
SEED_DAY = datetime(2022, 7, 26, 9, 0, tzinfo=UTC)
DEMO_RECIPIENT = "you@example.org"


class DemoError(StorywatchError, RuntimeError):
    """The demo would overwrite something that is not its own."""


def demo_pages() -> list[DemoPage]:
    """The seed story's documents and the team's own articles, as the demo site's pages."""
    story = load_story(SEEDS_DIR / STORY, [])
    pages = [page_from_text(Path(d.file).stem, d.text, SEED_DAY) for d in story.documents]
    pages += [
        page_from_text(p.stem, p.read_text("utf-8"), SEED_DAY)
        for p in sorted(ARTICLES_DIR.glob("*.txt"))
    ]
    return pages


def run_demo(settings: Settings, say: Callable[[str], None] = print) -> list[Path]:
    """Reset the demo database, run two passes of the pipeline, return the emails received."""
    _reset(settings.database)
    mail_dir = settings.database.parent / "mail"
    for old in mail_dir.glob("*.eml"):
        old.unlink()
    pages = demo_pages()
    held_back = {p.slug for p in pages} - {FOLLOW_UP}
    with DemoSite(pages, published=held_back) as site, MailSink(mail_dir) as sink:
        demo = settings.model_copy(
            update={
                "feeds": [
                    FeedConfig(url=site.feed_url(s), name=f"Daily Orbit: {s}")
                    for s in site.sections
                ],
                "smtp": SmtpConfig(host="127.0.0.1", port=sink.port, sender="storywatch@localhost"),
                # the demo's own site: on loopback, which the SSRF guard otherwise refuses
                "http": settings.http.model_copy(
                    update={"allow_private": ["127.0.0.1"], "per_host_gap": 0}
                ),
                "recipients": settings.recipients or [DEMO_RECIPIENT],
                "stories_dir": SEEDS_DIR,
            }
        )
        say(f"news site on {site.url}, mail server on 127.0.0.1:{sink.port}\n")
        say("pass 1: the feeds as they stood on 26 July 2022")
        for summary in stages.run(demo, force=True):
            say(f"  {summary}")
        site.publish(FOLLOW_UP)
        say("\npass 2: a day later, a follow-up is published")
        for summary in stages.run(demo, force=True):
            say(f"  {summary}")
        mails = sink.messages()
    with open_store(settings.database, read_only=True) as store:
        say("\nverdicts:\n" + str(store.con.sql(sql("verdicts"))))
    say("emails received:" if mails else "no email was sent")
    for path in mails:
        say(f"  {path}")
    folder = story_folder(settings.site, STORY)
    say("the story's timeline, to open in a browser, and its feed, for a feed reader:")
    say(f"  {folder / PAGE_FILE}\n  {folder / FEED_FILE}")
    return mails


def _reset(database: Path) -> None:
    """Start from an empty database, unless it holds feeds of the user's own."""
    if database.exists():
        with open_store(database) as store:
            foreign = store.scalar("count_non_loopback_feeds")
        if foreign:
            raise DemoError(
                f"{database} holds {foreign} feeds of your own; the demo starts from an empty "
                "database, so give it another one, for example with "
                "STORYWATCH_DATABASE=var/demo.duckdb storywatch demo"
            )
        database.unlink()
    Path(f"{database}.wal").unlink(missing_ok=True)
