"""Articles per second through Airflow on the CeleryExecutor, with 1 and then 2 Celery workers,
and how many articles per second the one DuckDB writer can store.

    .venv/bin/python -m bench.workers [--feeds 200] [--articles 2000] [--hosts 20] [--workers 1 2]

A loopback news site (`NewsSite`) serves `--feeds` RSS feeds on `--hosts` hosts (127.0.0.2,
127.0.0.3...) that list `--articles` pages between them: the demo's (the seed story's
documents, its follow-up "until 2028" and the team's other articles) and, for the rest, the
unrelated pages of bench/pipeline.py. Every feed alerts on its backlog, so the follow-up ends
as an alert email. For each number of workers, a fresh DuckDB file and a fresh Airflow: this
checkout's DAGs on the CeleryExecutor (Redis on 127.0.0.1:6379 as the broker, the metadata
and Celery's results in a PostgreSQL database of its own), the poll DAG started by hand, the
time taken from the start of the poll task that found the entries to the end of the alert
task that sent the emails, once nothing is left to run. A stage's time is its task
instances', from the first start to the last end of those that produced something.

Then the writer alone: the same pages, fetched and extracted beforehand in this process, are
handed to the fetch stage's writer (`pipeline.stages.fetch.Writer`, batches of its size, one
transaction each, on a DuckDB file that holds the polled entries): what the one process that
writes DuckDB can take, however many workers fetch and extract for it.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import tomlkit

from bench import loopback
from bench.pipeline import about_story, article_page, rss
from pipeline.demo import demo_pages
from pipeline.demo.mailsink import MailSink
from pipeline.demo.pages import DemoPage, render_page
from pipeline.paths import SEEDS_DIR
from pipeline.stages.fetch import BATCH_PAGES
from storywatch_airflow.standalone import (
    CeleryAirflow,
    celery_environment,
    environment,
    free_port,
    postgres_database,
)

BROKER = "redis://127.0.0.1:6379/{db}"
# the DAGs of one pass, in order; the alert DAG is the last
PASS = ("storywatch_poll", "storywatch_fetch", "storywatch_match", "storywatch_alert")
# Airflow notices a worker that died (its task's heartbeats stop) after this many seconds,
# not the 5 minutes of the default: a test waits for it
HEARTBEAT_TIMEOUT = {
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "15",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "2",
}


def site_pages(articles: int) -> list[DemoPage]:
    """`articles` pages: the demo's, then unrelated ones of bench/pipeline.py."""
    pages = demo_pages()[:articles]
    unrelated = (article_page(n) for n in range(10 * articles) if not about_story(n))
    return pages + [next(unrelated) for _ in range(articles - len(pages))]


class NewsSite:
    """`feeds` RSS feeds at /feeds/<k>.xml on `hosts` loopback hosts, feed k on host k % hosts,
    listing the `articles` pages of `site_pages` in turn; a page is served by its feed's host
    at /articles/<slug>.html, after `delay` seconds (a slow site: the fetch takes a while).
    `requests` counts the requests of each article page."""

    def __init__(self, feeds: int = 200, articles: int = 2000, hosts: int = 20, delay: float = 0):
        self.pages = site_pages(articles)
        self.delay = delay
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        by_feed = [self.pages[k::feeds] for k in range(feeds)]
        html = {p.slug: render_page(p).encode() for p in self.pages}
        self.servers = []
        for h in range(hosts):
            mine = {k: by_feed[k] for k in range(h, feeds, hosts)}
            self.servers.append(self._serve(f"127.0.0.{2 + h}", mine, html))
        self.feed_urls = [f"{self._base(k % hosts)}/feeds/{k}.xml" for k in range(feeds)]

    def _base(self, host: int) -> str:
        return f"http://127.0.0.{2 + host}:{self.servers[host].server_address[1]}"

    def _serve(self, host: str, feeds: dict[int, list[DemoPage]], html: dict[str, bytes]):
        site = self
        slugs = {p.slug for pages in feeds.values() for p in pages}

        class Handler(loopback.QuietHandler):
            def do_GET(self):  # noqa: N802
                base = self.base
                path = self.path.split("?")[0]
                name = path.removeprefix("/feeds/").removesuffix(".xml")
                slug = path.removeprefix("/articles/").removesuffix(".html")
                if name.isdigit() and int(name) in feeds:
                    self.reply(rss(base, feeds[int(name)]), "application/rss+xml")
                elif slug in slugs:
                    with site._lock:
                        site.requests[slug] += 1
                    time.sleep(site.delay)
                    self.reply(html[slug], "text/html; charset=utf-8")
                else:
                    self.reply(b"not found", "text/plain", 404)

        return loopback.serve(host, Handler)

    def __enter__(self) -> NewsSite:
        return self

    def __exit__(self, *exc) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def write_config(folder: Path, site: NewsSite, mail_port: int) -> Path:
    """A storywatch.toml for Airflow's tasks: the site's feeds, each alerting on its backlog, a
    batch that takes them all in one run, the schedule and the sweep once a year (a pass is
    started by hand)."""
    config = {
        "database": str(folder / "storywatch.duckdb"),
        "stories_dir": str(SEEDS_DIR),
        "recipients": ["desk@example.org"],
        "feeds": [{"url": url, "alert_on_backlog": True} for url in site.feed_urls],
        "smtp": {"host": "127.0.0.1", "port": mail_port, "timeout": 5},
        "http": {"timeout": 5, "allow_private": ["127.0.0.0/8"], "per_host_gap": 0},
        "polling": {"interval": 1, "min_interval": 0},
        "extraction": {"batch": 2 * len(site.pages), "timeout": 10},
        "airflow": {"mode": "cron", "schedule": "0 0 1 1 *", "sweep": "0 0 1 1 *"},
    }
    path = folder / "storywatch.toml"
    path.write_text(tomlkit.dumps(config), encoding="utf-8")
    return path


@contextmanager
def celery_airflow(
    folder: Path, config: Path, workers: int, broker_db: int = 0
) -> Iterator[CeleryAirflow]:
    """Airflow on the CeleryExecutor with `workers` workers, ready, for the DAGs of this
    checkout on `config`; its metadata in a PostgreSQL database dropped at the end."""
    with postgres_database() as url:
        env = environment(
            folder / "airflow",
            free_port(),
            config,
            {
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": url,
                **celery_environment(BROKER.format(db=broker_db), url),
                **HEARTBEAT_TIMEOUT,
                # the maintenance DAG would take the pool for its latest tick at start: only
                # the DAGs of the pass are unpaused (`start_pass`)
                "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            },
        )
        with CeleryAirflow(env, folder / "airflow.log", workers=workers) as airflow:
            airflow.wait_ready(timeout=240)
            yield airflow


def start_pass(airflow: CeleryAirflow, timeout: float = 120) -> None:
    """Unpause the DAGs of the pass once they are parsed, which starts it: with catchup off,
    Airflow runs the poll for its schedule's latest tick at once (else it is started here)."""
    deadline = time.monotonic() + timeout
    while len(airflow.query("SELECT dag_id FROM dag WHERE dag_id = ANY(%s)", [list(PASS)])) < 4:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the DAGs were not parsed in {timeout:.0f}s:\n{airflow.tail()}")
        time.sleep(1)
    airflow.airflow("dags", "unpause", "--treat-dag-id-as-regex", "-y", f"^({'|'.join(PASS)})$")
    deadline = time.monotonic() + 30
    while not airflow.query("SELECT 1 FROM dag_run WHERE dag_id = %s", [PASS[0]]):
        if time.monotonic() > deadline:
            airflow.airflow("dags", "trigger", PASS[0])
            return
        time.sleep(1)


def wait_for_pass(airflow: CeleryAirflow, timeout: float) -> None:
    """Until the alert task has sent something and no DAG run is left queued or running."""
    deadline = time.monotonic() + timeout
    while True:
        (row,) = airflow.query(
            "SELECT (SELECT count(*) FROM task_instance WHERE dag_id = %s AND state = 'success') "
            "AS alerted, (SELECT count(*) FROM dag_run WHERE state IN ('queued', 'running')) "
            "AS busy",
            [PASS[-1]],
        )
        if row["alerted"] and not row["busy"]:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the pass did not end in {timeout:.0f}s:\n{airflow.tail()}")
        time.sleep(1)


def stage_seconds(airflow: CeleryAirflow) -> dict[str, float]:
    """Each stage's seconds, from the start to the end of its tasks that produced something
    (skipped ones found nothing), and "pass": from the poll's start to the alert's end."""
    rows = airflow.query(
        "SELECT dag_id, min(start_date) AS started, max(end_date) AS ended FROM task_instance "
        "WHERE dag_id = ANY(%s) AND state = 'success' GROUP BY dag_id",
        [list(PASS)],
    )
    times = {r["dag_id"]: (r["started"], r["ended"]) for r in rows}
    seconds = {
        dag.removeprefix("storywatch_"): (times[dag][1] - times[dag][0]).total_seconds()
        for dag in PASS
        if dag in times
    }
    seconds["pass"] = (times[PASS[-1]][1] - times[PASS[0]][0]).total_seconds()
    return seconds


def through_airflow(site: NewsSite, workers: int) -> tuple[dict[str, float], int]:
    """One pass of the site's articles through Airflow with `workers` Celery workers: the
    seconds of each stage and of the pass (`stage_seconds`), and the emails sent."""
    with tempfile.TemporaryDirectory(prefix="storywatch-bench-") as tmp:
        folder = Path(tmp)
        with MailSink(folder / "mail") as mail:
            config = write_config(folder, site, mail.port)
            with celery_airflow(folder, config, workers) as airflow:
                start_pass(airflow)
                wait_for_pass(airflow, timeout=1200)
                seconds = stage_seconds(airflow)
            return seconds, len(mail.messages())


def writer_rate(site: NewsSite) -> tuple[int, float]:
    """The site's pages handed, fetched and extracted already, to the fetch stage's writer on
    a DuckDB file that holds their entries: how many it stored, in how many seconds."""
    from functools import partial

    from pipeline import rawpages, stages
    from pipeline.config import load_settings
    from pipeline.fetched_pages import FetchSummary, fetch_page
    from pipeline.http import Fetcher
    from pipeline.sandbox import ExtractionPool
    from pipeline.stages import fetch
    from pipeline.store import open_store

    with tempfile.TemporaryDirectory(prefix="storywatch-bench-") as tmp:
        settings = load_settings(write_config(Path(tmp), site, mail_port=25))
        for _ in stages.each(settings, only="poll", force=True):
            pass
        claims, entries = fetch.Claims(settings), []
        with open_store(settings.database) as store:
            while group := claims.take(store):
                entries += group
        with Fetcher(settings.http) as fetcher, ExtractionPool(settings.extraction) as pool:
            keep = partial(rawpages.keep, settings.database)
            pages = [fetch_page(fetcher, pool, keep, e) for e in entries]
        with open_store(settings.database) as store:
            claims.renew(store)  # held from here on, however long the extraction took
        summary = FetchSummary()
        started = time.perf_counter()
        with fetch.Writer(settings, claims, summary) as writer:
            for page in pages:
                writer.put(page)
        return summary.stored, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with NewsSite(args.feeds, args.articles, args.hosts) as site:
        print(
            f"{args.articles} articles in {args.feeds} feeds on {args.hosts} loopback hosts, "
            "Airflow on the CeleryExecutor (Redis broker, PostgreSQL metadata, solo pool)"
        )
        for workers in args.workers:
            seconds, emails = through_airflow(site, workers)
            total = seconds.pop("pass")
            print(
                f"  {workers} worker{'s' if workers > 1 else ' '}: "
                f"{args.articles / total:6.1f} articles/s end to end ({total:.1f} s from the "
                "poll's start to the last email; "
                + ", ".join(f"{name} {s:.1f} s" for name, s in seconds.items())
                + f"; {emails} email{'s' if emails != 1 else ''})"
            )
        stored, took = writer_rate(site)
        print(
            f"  the DuckDB writer alone: {stored / took:6.1f} articles/s "
            f"({stored} stored in {took:.1f} s, in batches of {BATCH_PAGES})"
        )


if __name__ == "__main__":
    main()
