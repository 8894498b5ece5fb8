"""`storywatch demo --serve`: the demo's news site and mail sink, kept running, publishing one
more of the team's articles every few minutes, for a scheduler (Airflow) to follow.

It writes the storywatch.toml that points at them, so that `make airflow` can hand it to Airflow.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from ..outputs import write_file
from . import ARTICLES_DIR, FOLLOW_UP, SEEDS_DIR, demo_pages
from .mailsink import MailSink
from .site import DemoSite

# the follow-up first: the first email arrives one interval after the start
ORDER = [FOLLOW_UP] + sorted(p.stem for p in ARTICLES_DIR.glob("*.txt") if p.stem != FOLLOW_UP)


def live_config(site: DemoSite, smtp_port: int, database: Path) -> str:
    """A storywatch.toml for the live site: its feeds, the sink, polling that keeps up."""
    feeds = ", ".join(
        f'{{ url = {json.dumps(site.feed_url(s))}, name = "Daily Orbit: {s}" }}'
        for s in site.sections
    )
    return f"""# written by `storywatch demo --serve`; it is rewritten at each start
database = {json.dumps(str(database))}
stories_dir = {json.dumps(str(SEEDS_DIR))}
recipients = ["you@example.org"]
feeds = [{feeds}]

[smtp]
host = "127.0.0.1"
port = {smtp_port}

[http]
allow_private = ["127.0.0.1"]
per_host_gap = 0

[polling]
interval = 60
min_interval = 0

[airflow]
mode = "events"
schedule = "*/5 * * * *"
watch_interval = 10
sweep = "*/30 * * * *"
operator_email = ["ops@example.org"]
"""


def serve(
    mail_dir: Path,
    config_path: Path,
    database: Path,
    every: float,
    site_port: int = 0,
    smtp_port: int = 0,
    say: Callable[[str], None] = print,
) -> None:
    """Serve until interrupted; publish the next held-back article every `every` seconds."""
    pages = demo_pages()
    held_back = [slug for slug in ORDER if slug in {p.slug for p in pages}]
    published = {p.slug for p in pages} - set(held_back)
    with (
        DemoSite(pages, published=published, port=site_port) as site,
        MailSink(mail_dir, port=smtp_port) as sink,
    ):
        write_file(config_path, live_config(site, sink.port, database), make_parents=True)
        say(f"news site on {site.url}, mail to {mail_dir}/ via 127.0.0.1:{sink.port}")
        say(f"config for the scheduler: {config_path}")
        # what a feed holds at its first poll is its backlog, which alerts nobody: publish only
        # after the scheduler has read the feeds a couple of times
        while sum(p.startswith("/feeds/") for p in site.requests) < 2 * len(site.sections):
            time.sleep(1)
        say("the feeds were read; publishing starts")
        for slug in held_back:
            time.sleep(every)
            site.publish(slug)
            say(f"{time.strftime('%H:%M:%S')} published {site.url}/articles/{slug}.html")
        say("every article is published; serving until interrupted")
        while True:
            time.sleep(3600)
