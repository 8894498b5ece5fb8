"""Match: every new article judged against every story; an update queues its alerts."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..config import Settings
from ..matching import MATCHER_VERSION, StoryMemory, Thresholds, classify, features
from ..matching.features import SIGNATURE_SCHEME, Features, pack_copy, unpack_copy, with_title
from ..store import Store, open_store
from ..stories import Story
from .outbox import enqueue_update, record_corroboration
from .sync import sync_stories


@dataclass
class MatchSummary:
    verdicts: dict[str, int] = field(default_factory=dict)
    alerts_queued: int = 0
    failed: int = 0  # story folders that could not be loaded: not matched until fixed
    broken: list[str] = field(default_factory=list)  # their slugs

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {v}" for v, n in sorted(self.verdicts.items())) or "nothing new"
        line = f"match   {counts}; {self.alerts_queued} alerts queued"
        if self.failed:
            stories = "story" if self.failed == 1 else "stories"
            line += (
                f"; {self.failed} broken {stories} not matched ({', '.join(self.broken)}):"
                " see `storywatch story list`"
            )
        return line


def match(settings: Settings, *, now: datetime | None = None) -> MatchSummary:
    """Judge every new article against every story, oldest first so each story learns in
    order; an update queues its alerts in the same transaction. `now` places the alerts in
    their digest window and cooldown (default: the clock)."""
    now = now or datetime.now(UTC)
    verdicts: Counter[str] = Counter()
    summary = MatchSummary()
    with open_store(settings.database) as store:
        synced = sync_stories(store, settings)
        summary.failed, summary.broken = len(synced.broken), [b.slug for b in synced.broken]
        stories = dict(synced.stories)
        pending: dict[int, tuple[dict, list[int]]] = {}
        for story_id in stories:
            for article in store.rows("articles_to_match", {"story_id": story_id}):
                pending.setdefault(article["id"], (article, []))[1].append(story_id)
        waiting = {sid for _, story_ids in pending.values() for sid in story_ids}
        memories = {sid: memory_of(store, sid, stories[sid]) for sid in waiting}
        order = sorted(
            pending.values(),
            key=lambda p: (p[0]["published_at"] is None, p[0]["published_at"], p[0]["id"]),
        )
        for article, story_ids in order:
            # an article's features are computed once, then compared with every story
            f = features(with_title(article["title"], article["text"]), article["language"] or "en")
            for story_id in story_ids:
                story, memory = stories[story_id], memories[story_id]
                th = thresholds(settings, story)
                decision = classify(f, memory, th)
                verdicts[decision.verdict] += 1
                with store.transaction():
                    summary.alerts_queued += _record_match(
                        store, story_id, story, article, decision, th, now
                    )
                if decision.verdict == "update":
                    memory.learn(article["id"], f)
                elif decision.verdict in ("rehash", "duplicate"):
                    memory.remember_copy(article["id"], f)
                    _save_fingerprint(store, article["id"], f)
    summary.verdicts = dict(verdicts)
    return summary


def memory_of(store: Store, story_id: int, story: Story) -> StoryMemory:
    """The story's memory: what it knows, and the copies it has seen, by their stored
    fingerprints (made and stored here for copies that have none yet)."""
    known = store.rows("story_memory", {"story_id": story_id})
    memory = StoryMemory(
        [(r["id"], with_title(r["title"], r["text"])) for r in known], story.language
    )
    for row in store.rows("story_copies", {"story_id": story_id, "scheme": SIGNATURE_SCHEME}):
        if row["minhash"] is None:
            f = features(with_title(row["title"], row["text"]), story.language)
            memory.remember_copy(row["id"], f)
            _save_fingerprint(store, row["id"], f)
        else:
            memory.remember_copy_signature(row["id"], *unpack_copy(row["minhash"], row["runs"]))
    return memory


def _save_fingerprint(store: Store, article_id: int, f: Features) -> None:
    minhash, runs = pack_copy(f)
    store.execute(
        "save_fingerprint",
        {"article_id": article_id, "scheme": SIGNATURE_SCHEME, "minhash": minhash, "runs": runs},
    )


def thresholds(settings: Settings, story: Story) -> Thresholds:
    """The config's thresholds, with the story's own where its story.toml sets them."""
    values = settings.matching.model_dump() | story.matching
    return Thresholds(**values)


def _record_match(
    store: Store,
    story_id: int,
    story: Story,
    article: dict,
    decision,
    th: Thresholds,
    now: datetime,
) -> int:
    match_id = store.scalar(
        "insert_match",
        {
            "article_id": article["id"],
            "story_id": story_id,
            "verdict": decision.verdict,
            "score": decision.score,
            "duplicate_of": decision.duplicate_of,
            "new_facts": json.dumps(decision.new_facts),
            "changed_facts": json.dumps(decision.changed_facts),
            "reasons": json.dumps(decision.reasons),
            "matcher_version": MATCHER_VERSION,
        },
    )
    record_corroboration(
        store, story_id=story_id, match_id=match_id, decision=decision,
        sentence_known=th.sentence_known,
    )  # fmt: skip
    if decision.verdict != "update":
        return 0
    store.execute(
        "add_story_document", {"story_id": story_id, "article_id": article["id"], "role": "update"}
    )
    if story.alert_policy != "updates":
        return 0
    return enqueue_update(
        store,
        story_id=story_id,
        story=story,
        article=article,
        match_id=match_id,
        new_facts=decision.new_facts,
        changed_facts=decision.changed_facts,
        now=now,
    )
