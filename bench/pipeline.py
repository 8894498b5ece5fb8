"""The whole pipeline against extraction alone: poll -> fetch -> extract -> match -> store, in
articles per second, over a loopback news site.

    .venv/bin/python -m bench.pipeline [--articles 1000] [--hosts 20] [--concurrency 8]

`--articles` article pages are spread over `--hosts` servers on 127.0.0.2, 127.0.0.3, ...,
each with one RSS feed listing its pages. Every page is different: a headline and paragraphs
of prose made from template sentences with their own names and numbers, inside the site's
navigation, disclosure line, share links, comments and footer. One page in 20 is about the
seed story (Russia leaving the International Space Station after 2024), so that the match
stage has candidates; the others are about unrelated things.

The stages run one after the other on a fresh DuckDB file, as `storywatch run --stage NAME`
runs them, against the packaged seed story; whatever the match stage loads, it loads here.
Then, in this same process, the same pages go through storywatch's extraction alone
(`pipeline.extract.extract`, then `pipeline.boilerplate.strip_boilerplate`), one after the
other. The ratio of the two rates is what the pipeline around extraction costs: 1.0x is free.
The fetch stage extracts in `[extraction] workers` processes, so on a machine with spare
cores the ratio can pass 1.0x. Peak RSS is this process's and its extraction workers'.
"""

from __future__ import annotations

import os
import random
import resource
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from bench import loopback
from pipeline import stages
from pipeline.boilerplate import strip_boilerplate
from pipeline.demo.pages import Comment, DemoPage, render_page
from pipeline.extract import extract

STORY_EVERY = 20  # one page in this many is about the seed story
FIRST_DAY = datetime(2022, 7, 26, 6, tzinfo=UTC)
RUN_STAGES = ("poll", "fetch", "match")  # the alert stage sends mail: not part of this figure

FIRST_NAMES = [
    "Amara", "Bruno", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiroshi", "Ines", "Jonas",
    "Keiko", "Lars", "Maya", "Nikolai", "Olga", "Pavel", "Quentin", "Rosa", "Samir", "Tove",
]  # fmt: skip
LAST_NAMES = [
    "Abbott", "Berg", "Castillo", "Dahl", "Esposito", "Fischer", "Gallo", "Haddad", "Ivanova",
    "Jensen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Rossi",
]  # fmt: skip
TOWNS = [
    "Alderney", "Brightwater", "Carrow", "Dunmore", "Eastleigh", "Fairhaven", "Glenrock",
    "Holloway", "Ivybridge", "Kingsmere", "Larchfield", "Millbrook", "Northcliff", "Oakhurst",
]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

# Our own sentences. Each {slot} is filled per page (see `fill`), so no two pages are alike.
STORY = {
    "headlines": [
        "Russia to leave the International Space Station after 2024, Roscosmos chief says",
        "Borisov: Russia will quit the ISS after 2024 and build its own station",
        "Roscosmos head tells Putin Russia is leaving the space station after 2024",
    ],
    "sentences": [
        "Russia will leave the International Space Station after 2024, the new head of "
        "Roscosmos, Yury Borisov, told President Vladimir Putin on {weekday}.",
        "Borisov said the decision to leave the station after 2024 had been made and that "
        "Russia would start building its own orbital station instead.",
        "Roscosmos put a model of the planned Russian station, with {small} modules, on "
        "display at an exhibition outside Moscow.",
        "{person}, who follows the Russian space programme for the {town} Space Institute, "
        "said the first module could be launched by {year}.",
        "The Russian segment provides the thrust that keeps the station in orbit, and its "
        "engines raise the station about {small} times a year.",
        "NASA said it had not yet been told of the decision officially, according to {person}.",
        "The International Space Station has been in orbit since 1998 and has hosted "
        "astronauts from {number} countries.",
        "Russia's current commitment to the station runs until the end of 2024, while the "
        "United States wants to keep it working until {year}.",
        "{person} said the partners would need about {small} years to plan for the station "
        "without its Russian modules.",
    ],
}
TOPICS = [
    {
        "headlines": [
            "{town} harbour wall to be rebuilt after winter storms",
            "Repairs to the {town} pier will cost {number} thousand pounds",
        ],
        "sentences": [
            "Work on the harbour wall at {town} will start in {month}, the council said.",
            "The storms of last winter moved about {number} tonnes of stone from the outer wall.",
            "{person}, who runs a fishing boat from the harbour, said the repairs were overdue.",
            "The contract, worth {number} thousand pounds, went to a firm from {town2}.",
            "Boats will use the north quay while the work goes on, for about {small} months.",
            "The harbour master, {person}, said the tides would decide the pace of the work.",
        ],
    },
    {
        "headlines": [
            "Wheat harvest in the {town} valley expected to be {small} percent lower",
            "Dry spring leaves {town} farmers counting the cost",
        ],
        "sentences": [
            "Farmers around {town} expect to bring in {number} tonnes of wheat this year.",
            "Rainfall in {month} was less than half of the usual amount, {person} said.",
            "{person}, who farms {number} hectares near {town2}, said the barley had done better.",
            "Grain prices rose by {small} percent at the last market in {town}.",
            "The farmers' union has asked for an early payment of this year's support.",
            "Some fields were harvested {small} weeks earlier than in an ordinary year.",
        ],
    },
    {
        "headlines": [
            "{town} Rovers win {small}-1 in front of a record crowd",
            "Late goal keeps {town} at the top of the table",
        ],
        "sentences": [
            "{person} scored twice in the second half as {town} beat {town2} on {weekday}.",
            "A crowd of {number} people watched the match, the largest at the ground in years.",
            "The coach, {person}, said the team had played its best football of the season.",
            "{town} have now gone {small} games without a defeat.",
            "The visitors had a goal ruled out for offside after {minute} minutes.",
            "The next match, away at {town2}, is on {weekday} evening.",
        ],
    },
    {
        "headlines": [
            "{town} council approves a budget of {number} million pounds",
            "New library and bus lanes in {town}'s spending plan",
        ],
        "sentences": [
            "The council of {town} voted by {number} to {small} for next year's budget.",
            "The plan sets aside money for a new library and for bus lanes on the high street.",
            "{person}, who leads the opposition group, said the rise in parking fees was unfair.",
            "Council tax will go up by {small} percent from {month}.",
            "The bus lanes should cut journey times from {town2} by about {small} minutes.",
            "{person}, the council's treasurer, said reserves would cover any shortfall.",
        ],
    },
    {
        "headlines": [
            "Chess festival opens in {town} with {number} players",
            "Young players shine on the first day of the {town} chess open",
        ],
        "sentences": [
            "The {town} chess festival opened on {weekday} with {number} players from {small} "
            "countries.",
            "{person}, who is {small}0 years old, beat the top seed in the first round.",
            "The organiser, {person}, said entries had doubled since the last festival.",
            "Games are played in the old town hall, with a clock of {small}0 minutes per side.",
            "A school team from {town2} won the junior section for the second year running.",
            "The final round will be shown on screens in the market square on {weekday}.",
        ],
    },
]
MONTHS = ["March", "April", "May", "June", "September", "October", "November"]
COMMENTS = [
    "Good to see this covered at last.",
    "I read the report too, and the figures look about right to me.",
    "Does anyone know when the next meeting is?",
    "Thanks for the update, very clear.",
]


def fill(template: str, rng: random.Random, places: tuple[str, str] | None = None) -> str:
    """A template sentence with its slots filled from `rng`: names, numbers, and the page's
    two `places` (drawn here when not given), so that one article stays in one town."""
    town, town2 = places or rng.sample(TOWNS, 2)
    return template.format(
        person=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        town=town,
        town2=town2,
        weekday=rng.choice(WEEKDAYS),
        month=rng.choice(MONTHS),
        year=rng.randint(2027, 2032),
        small=rng.randint(2, 9),
        number=rng.randint(11, 990),
        minute=rng.randint(10, 89),
    )


def about_story(n: int) -> bool:
    return n % STORY_EVERY == 0


def article_page(n: int) -> DemoPage:
    """Page `n` of the site: the same `n` gives the same page, two `n` two different pages."""
    rng = random.Random(n)
    topic = STORY if about_story(n) else TOPICS[n % len(TOPICS)]
    town, town2 = rng.sample(TOWNS, 2)
    places = (town, town2)
    lead, *rest = topic["sentences"]
    paragraphs = [fill(lead, rng, places)]  # the news first, as a reporter writes it
    for _ in range(rng.randint(5, 8)):
        picked = rng.sample(rest, rng.randint(2, 3))
        paragraphs.append(" ".join(fill(s, rng, places) for s in picked))
    # a figure of its own in the last paragraph: two pages never share every sentence
    paragraphs.append(f"The figures in this report were checked on {n + 3} separate occasions.")
    return DemoPage(
        slug=f"a{n:05d}",
        title=fill(rng.choice(topic["headlines"]), rng, places),
        published=FIRST_DAY + timedelta(minutes=7 * n),
        author=fill("{person}", rng),
        section="space" if about_story(n) else "local",
        paragraphs=paragraphs,
        disclosure="We may earn a commission when you buy through links on this page.",
        captions=[f"The view from {town}, where the story began."],
        credit=fill("Photo: {person}", rng),
        related=[fill(rng.choice(t["headlines"]), rng) for t in rng.sample(TOPICS, 2)],
        comments=[
            Comment(fill("{person}", rng), "the same day", 0, [rng.choice(COMMENTS)])
            for _ in range(rng.randint(0, 3))
        ],
    )


def rss(base: str, pages: list[DemoPage]) -> bytes:
    items = "".join(
        f"<item><title>{escape(p.title)}</title><link>{base}/articles/{p.slug}.html</link>"
        f'<guid isPermaLink="false">{p.slug}</guid>'
        f"<pubDate>{format_datetime(p.published)}</pubDate>"
        f"<description>{escape(p.summary)}</description></item>"
        for p in pages
    )
    return f"<rss version='2.0'><channel><title>{base}</title>{items}</channel></rss>".encode()


def serve(host: str, pages: dict[str, bytes], feed: list[DemoPage]) -> ThreadingHTTPServer:
    """`/feed.xml` and `/articles/<slug>.html` on `host`, the pages rendered beforehand."""

    class Handler(loopback.QuietHandler):
        def do_GET(self):  # noqa: N802
            if self.path == "/feed.xml":
                base = self.base
                self.reply(rss(base, feed), "application/rss+xml")
            elif body := pages.get(self.path):
                self.reply(body, "text/html; charset=utf-8")
            else:
                self.reply(b"not found", "text/plain", 404)

    return loopback.serve(host, Handler)


class PeakMemory:
    """The peak resident size of this process and of each process it started (the extraction
    workers live under a forkserver, so they are its grandchildren: found through /proc)."""

    def __init__(self, every: float = 0.25):
        self.every = every
        self.children: dict[int, float] = {}  # pid -> its peak, MB
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def own(self) -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def _watch(self) -> None:
        while not self._stop.wait(self.every):
            for pid in descendants(_parents(), os.getpid()):
                if (peak := _peak_mb(pid)) is not None:
                    self.children[pid] = max(peak, self.children.get(pid, 0.0))


def descendants(parents: dict[int, int], root: int) -> list[int]:
    """The processes below `root`, given each process's parent."""
    found, todo = [], [root]
    while todo:
        above = todo.pop()
        below = [pid for pid, parent in parents.items() if parent == above]
        found += below
        todo += below
    return found


def _parents() -> dict[int, int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # the name, in parentheses, may hold spaces: the fields after it are fixed
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        parents[int(stat.parent.name)] = int(fields[1])
    return parents


def _peak_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def run_stages(settings) -> dict[str, float]:
    """Each stage once, in order, as `storywatch run --stage NAME`; its seconds by name."""
    seconds = {}
    for name in RUN_STAGES:
        started = time.perf_counter()
        for summary in stages.each(settings, only=name, force=True):
            seconds[name] = time.perf_counter() - started
            print(f"  {summary}")
    return seconds


def extraction_alone(pages: list[tuple[str, bytes]]) -> float:
    """Seconds for the pages through storywatch's extraction, in this process, one by one."""
    started = time.perf_counter()
    for url, html in pages:
        strip_boilerplate(extract(html, url=url).text)
    return time.perf_counter() - started


def main() -> None:
    parser = loopback.parser(__doc__, articles=1000)
    parser.set_defaults(hosts=20)
    args = parser.parse_args()

    pages = [article_page(n) for n in range(args.articles)]
    html = {p.slug: render_page(p).encode() for p in pages}
    by_host = [pages[h :: args.hosts] for h in range(args.hosts)]
    servers = [
        serve(f"127.0.0.{2 + h}", {f"/articles/{p.slug}.html": html[p.slug] for p in ps}, ps)
        for h, ps in enumerate(by_host)
    ]
    bases = [f"http://127.0.0.{2 + h}:{s.server_address[1]}" for h, s in enumerate(servers)]
    with tempfile.TemporaryDirectory(prefix="storywatch-bench-") as tmp:
        database = Path(tmp) / "bench.duckdb"
        settings = loopback.settings(database, [f"{b}/feed.xml" for b in bases], args.concurrency)
        settings.extraction.batch = max(settings.extraction.batch, args.articles)
        on_story = sum(map(about_story, range(args.articles)))
        kb = sum(map(len, html.values())) / len(html) / 1000
        print(
            f"{args.articles} articles of {kb:.1f} kB on average ({on_story} about the seed "
            f"story) on {args.hosts} loopback hosts, concurrency {args.concurrency}, "
            f"{settings.extraction.workers} extraction workers"
        )
        with PeakMemory() as memory:
            seconds = run_stages(settings)
            own = memory.own
        total = sum(seconds.values())
    urls = [f"{bases[n % args.hosts]}/articles/{p.slug}.html" for n, p in enumerate(pages)]
    alone = extraction_alone([(u, html[p.slug]) for u, p in zip(urls, pages, strict=True)])
    for server in servers:
        server.shutdown()

    end_to_end, extraction = args.articles / total, args.articles / alone
    print(
        "  stages: " + ", ".join(f"{name} {s:.1f} s" for name, s in seconds.items())
        + f"; {total:.1f} s in all"
    )  # fmt: skip
    print(f"  end to end       {end_to_end:7.1f} articles/s")
    print(f"  extraction alone {extraction:7.1f} articles/s ({alone:.1f} s, in this process)")
    print(f"  ratio            {end_to_end / extraction:7.2f}x (goal: at least 0.8x)")
    workers = sorted(memory.children.values(), reverse=True)
    print(
        f"  peak RSS: this process {own:.0f} MB; {len(workers)} child processes, "
        f"largest {workers[0] if workers else 0:.0f} MB, together {sum(workers):.0f} MB"
    )


if __name__ == "__main__":
    main()
