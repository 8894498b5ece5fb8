"""Match: every new article judged against every story; an update queues its alerts.

The write lock is held only to write. The stories are synced on a brief read-write
connection, the work is read on a read-only one, the verdicts are computed with the database
closed, and the decisions are written in batches, a transaction and a few statements for each
batch, with the alerts of its updates.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from .. import interrupt, story_memory
from ..config import Settings
from ..errors import one_line
from ..matching import MATCHER_VERSION, Decision, StoryMemory, classify, features
from ..matching.embedding import Embedder, Loaded, embedder_for
from ..matching.features import pack_copy, with_title
from ..matching.lead import lead_md5
from ..outbox import corroborations, enqueue_update, holds_at, known_updates
from ..plural import plural
from ..progress import Progress, unwatched
from ..rules import apply_rules
from ..snapshot import publishes
from ..store import Store, open_store
from ..stories import Story
from ..sync import sync_stories
from ..thresholds import thresholds

COPIES = ("rehash", "duplicate")
# Decisions written per transaction: what a run holds in memory, whatever its backlog; the
# write lock is let go between batches.
BATCH = 20_000


@dataclass
class MatchSummary:
    verdicts: dict[str, int] = field(default_factory=dict)
    alerts_queued: int = 0
    failed: int = 0  # story folders that could not be loaded: not matched until fixed
    broken: list[str] = field(default_factory=list)  # their slugs
    errors: int = 0  # articles the matcher failed on, against a story: see `match_errors`
    lexical_only: str = ""  # why no embedding model judged, when one should have

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {v}" for v, n in sorted(self.verdicts.items())) or "nothing new"
        line = f"match   {counts}; {plural(self.alerts_queued, 'alert')} queued"
        if self.failed:
            line += (
                f"; {plural(self.failed, 'broken story')} not matched ({', '.join(self.broken)}):"
                " see `storywatch story list`"
            )
        if self.errors:
            line += f"; {self.errors} could not be judged (table match_errors)"
        if self.lexical_only:
            line += f"; {self.lexical_only}"
        return line


@dataclass
class Work:
    """A story's waiting articles and what its judgements start from, read in one go."""

    articles: list[dict]
    known: list[dict]  # `story_memory`: what the story knows
    copies: list[dict]  # `story_copies`: the copies it has seen, by fingerprint or text
    state: dict | None  # `story_states`: decisions made from another state are not written
    memory: StoryMemory | None = None  # made from the above by `judge`, the file closed
    prints: dict[int, tuple[bytes, bytes]] = field(default_factory=dict)  # made, to store
    leads: dict[int, tuple[str, np.ndarray]] = field(default_factory=dict)  # embedded, to store
    sentences: dict[str, np.ndarray] = field(default_factory=dict)  # stored, by md5
    lookalikes: dict[int, np.ndarray] = field(default_factory=dict)  # related leads, by id


@dataclass
class Judged:
    story_id: int
    article: dict
    decision: Decision
    fingerprint: tuple[bytes, bytes] | None = None  # a copy's, to store
    lead: tuple[str, np.ndarray] | None = None  # its lead's md5 and embedding, to store


@dataclass
class Failed:
    """An article the matcher failed on, against a story: recorded, and the run goes on."""

    story_id: int
    article: dict
    error: str


@publishes
def match(
    settings: Settings, *, now: datetime | None = None, progress: Progress = unwatched
) -> MatchSummary:
    """Judge every new article against every story, oldest first so each story learns in
    order; an update queues its alerts in the same transaction. `now` places the alerts in
    their digest window and cooldown (default: the clock); `progress` hears of every article
    judged."""
    now = now or datetime.now(UTC)
    with open_store(settings.database) as store:
        synced = sync_stories(store, settings)
    stories = dict(synced.stories)
    with open_store(settings.database, read_only=True) as store:
        work = read_work(store, stories, model_key(settings))
    summary, verdicts = MatchSummary(), Counter[str]()
    summary.failed, summary.broken = len(synced.broken), [b.slug for b in synced.broken]
    loaded = embedder_for(settings) if work else Loaded(None)
    summary.lexical_only = loaded.lexical_only
    for judged in judge(settings, stories, work, loaded.embedder, progress):
        with open_store(settings.database) as store, store.transaction():
            written, queued = write(store, settings, stories, work, judged, now)
        verdicts.update(j.decision.verdict for j in written if isinstance(j, Judged))
        summary.errors += sum(isinstance(j, Failed) for j in written)
        summary.alerts_queued += queued
        interrupt.check(f"{verdicts.total()} decisions stored")
    summary.verdicts = dict(verdicts)
    return summary


def model_key(settings: Settings) -> str:
    """The name lead embeddings are stored under: the model as configured."""
    return settings.embedding.model.strip() if settings.matching.semantic else ""


def read_work(store: Store, stories: dict[int, Story], model: str = "") -> dict[int, Work]:
    """The work of every story that has articles waiting (the others are not loaded), with
    the lead embeddings by `model` that are stored."""
    work: dict[int, Work] = {}
    seen: dict[int, dict] = {}
    for story_id in stories:
        # an article waiting for many stories is kept once, text and all
        rows = store.rows(
            "articles_to_match", {"story_id": story_id, "matcher_version": MATCHER_VERSION}
        )
        if articles := [seen.setdefault(row["id"], row) for row in rows]:
            work[story_id] = Work(
                articles, *story_memory.memory_rows(store, story_id, model), state=None
            )
            if model:
                work[story_id].sentences = story_memory.stored_sentences(store, story_id, model)
                work[story_id].lookalikes = story_memory.stored_lookalikes(
                    store, story_id, model, stories[story_id].language
                )
    for state in store.rows("story_states", {"story_ids": list(work)}):
        work[state.pop("story_id")].state = state
    return work


def judge(
    settings: Settings,
    stories: dict[int, Story],
    work: dict[int, Work],
    embedder: Embedder | None = None,
    progress: Progress = unwatched,
) -> Iterator[list[Judged | Failed]]:
    """Every waiting article against its stories, oldest first, each story learning as it
    goes: the decisions in the order they were made, in batches of about BATCH. Needs no
    database: each story's memory is made here from its work, and learns in place. Whatever
    the matcher raises on one article is that article's failure: the others are judged."""
    pending: dict[int, tuple[dict, list[int]]] = {}
    for story_id, w in work.items():
        for article in w.articles:
            pending.setdefault(article["id"], (article, []))[1].append(story_id)
    order = sorted(
        pending.values(),
        key=lambda p: (p[0]["published_at"] is None, p[0]["published_at"], p[0]["id"]),
    )
    limits = {story_id: thresholds(settings, stories[story_id]) for story_id in work}
    memories: dict[int, StoryMemory] = {}
    for story_id, w in work.items():
        memory, w.prints, w.leads = story_memory.memory_from(
            w.known, w.copies, stories[story_id], embedder, w.sentences, w.lookalikes
        )
        w.memory = memories[story_id] = memory
    judged: list[Judged | Failed] = []
    for done, (article, story_ids) in enumerate(order):
        progress("matching articles", done, len(order))
        # an article's features are computed once, then compared with every story
        try:
            f = features(with_title(article["title"], article["text"]), article["language"] or "en")
        except Exception as exc:
            judged += [Failed(story_id, article, one_line(exc)) for story_id in story_ids]
            continue
        last: Judged | None = None
        for story_id in story_ids:
            memory = memories[story_id]
            try:
                story = stories[story_id]
                decision = apply_rules(classify(f, memory, limits[story_id]), f, story.rules)
                made = Judged(story_id, article, decision)
                memory.absorb(article["id"], f, decision.verdict)
                if decision.verdict in COPIES:
                    made.fingerprint = pack_copy(f)
            except Exception as exc:
                judged.append(Failed(story_id, article, one_line(exc)))
                continue
            judged.append(last := made)
        if last is not None and embedder is not None and embedder.name in f.leads:
            # stored with the article's last decision, once whatever its number of stories
            last.lead = (lead_md5(f.text), f.leads[embedder.name])
        # at an article's end: its stories' decisions go together
        if len(judged) >= BATCH or interrupt.requested():
            yield judged
            judged = []
    progress("matching articles", len(order), len(order))
    if judged or any(w.prints or w.leads for w in work.values()):
        yield judged


def write(
    store: Store,
    settings: Settings,
    stories: dict[int, Story],
    work: dict[int, Work],
    batch: list[Judged | Failed],
    now: datetime,
) -> tuple[list[Judged | Failed], int]:
    """Store a batch of decisions and failures, in the caller's transaction; returns those
    written and the alerts queued.

    A story that another run matched, or that was edited, since its work was read is left
    for the next run, which judges its articles again from what is stored then.
    """
    now_states = {
        state.pop("story_id"): state
        for state in store.rows("story_states", {"story_ids": list(work)})
    }
    fresh = {sid for sid, w in work.items() if w.state and now_states.get(sid) == w.state}
    judged = [j for j in batch if isinstance(j, Judged) and j.story_id in fresh]
    failed = [j for j in batch if isinstance(j, Failed) and j.story_id in fresh]
    limits = {story_id: thresholds(settings, stories[story_id]) for story_id in fresh}
    rows = store.rows(
        "insert_matches",
        {
            "article_ids": [j.article["id"] for j in judged],
            "story_ids": [j.story_id for j in judged],
            "verdicts": [j.decision.verdict for j in judged],
            "scores": [j.decision.score for j in judged],
            "duplicate_of": [j.decision.duplicate_of for j in judged],
            "new_facts": [json.dumps(j.decision.new_facts) for j in judged],
            "changed_facts": [json.dumps(j.decision.changed_facts) for j in judged],
            "reasons": [json.dumps(j.decision.reasons) for j in judged],
            "matcher_version": MATCHER_VERSION,
        },
    )
    match_ids = {(r["story_id"], r["article_id"]): r["id"] for r in rows}
    written = [j for j in judged if (j.story_id, j.article["id"]) in match_ids]
    record_failures(store, written, failed)

    # only a story that met copies this run can have new corroborations
    copied = {j.story_id for j in written if j.decision.verdict in COPIES}
    updates = {story_id: known_updates(store, story_id) for story_id in copied}
    carried: list[tuple[int, int]] = []
    learned: dict[int, list[int]] = {sid: [] for sid in fresh}
    prints = {aid: p for sid in fresh for aid, p in work[sid].prints.items()}
    leads = {aid: lead for sid in fresh for aid, lead in work[sid].leads.items()}
    for j in written:
        if j.story_id in copied:
            carried += corroborations(
                updates[j.story_id],
                match_id=match_ids[j.story_id, j.article["id"]],
                article_id=j.article["id"],
                decision=j.decision,
                sentence_known=limits[j.story_id].sentence_known,
            )
        if j.decision.verdict == "update":
            learned[j.story_id].append(j.article["id"])
        if j.fingerprint:
            prints[j.article["id"]] = j.fingerprint
        if j.lead:
            leads[j.article["id"]] = j.lead
    if carried:
        store.execute(
            "insert_corroborations",
            {"update_match_ids": [u for u, _ in carried], "match_ids": [m for _, m in carried]},
        )
    for story_id, article_ids in learned.items():
        if article_ids:
            store.execute("add_story_updates", {"story_id": story_id, "article_ids": article_ids})
    story_memory.save_fingerprints(store, prints)
    story_memory.save_leads(store, model_key(settings), leads)
    for story_id in fresh:
        if (memory := work[story_id].memory) is not None:
            story_memory.save_sentences(
                store, model_key(settings), story_id, memory.take_embedded()
            )

    queued = 0
    held = holds_at(store, now)
    for j in written:
        story = stories[j.story_id]
        if j.decision.verdict == "update" and story.alert_policy == "updates":
            queued += enqueue_update(
                store,
                story_id=j.story_id,
                story=story,
                article=j.article,
                match_id=match_ids[j.story_id, j.article["id"]],
                new_facts=j.decision.new_facts,
                changed_facts=j.decision.changed_facts,
                now=now,
                hold=held.get(j.story_id),
            )
    # the next batch is written from what this one leaves
    for state in store.rows("story_states", {"story_ids": list(fresh)}):
        work[story_id := state.pop("story_id")].state = state
        work[story_id].prints, work[story_id].leads = {}, {}
    return [*written, *failed], queued


def record_failures(store: Store, written: list[Judged], failed: list[Failed]) -> None:
    """The batch's failures stored on their articles; the errors of those now judged cleared."""
    if written:
        store.execute(
            "clear_match_errors",
            {
                "story_ids": [j.story_id for j in written],
                "article_ids": [j.article["id"] for j in written],
            },
        )
    if failed:
        store.execute(
            "record_match_errors",
            {
                "story_ids": [f.story_id for f in failed],
                "article_ids": [f.article["id"] for f in failed],
                "errors": [f.error for f in failed],
                "text_md5s": [f.article["text_md5"] for f in failed],
                "matcher_version": MATCHER_VERSION,
            },
        )
