"""Match: every new article judged against every story; an update queues its alerts."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from .. import alerts
from ..config import Settings
from ..matching import MATCHER_VERSION, StoryMemory, Thresholds, classify
from ..matching.matcher import Document
from ..store import Store, open_store
from ..stories import Story
from .sync import sync_stories


@dataclass
class MatchSummary:
    verdicts: dict[str, int] = field(default_factory=dict)
    alerts_queued: int = 0

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {v}" for v, n in sorted(self.verdicts.items())) or "nothing new"
        return f"match   {counts}; {self.alerts_queued} alerts queued"


def match(settings: Settings) -> MatchSummary:
    """Judge every new article against every story; an update queues its alerts atomically."""
    th = Thresholds(
        match=settings.matching.match_threshold,
        related=settings.matching.related_threshold,
        duplicate=settings.matching.duplicate_threshold,
    )
    verdicts: Counter[str] = Counter()
    summary = MatchSummary()
    with open_store(settings.database) as store:
        for story_id, story in sync_stories(store, settings):
            memory = StoryMemory(
                [
                    Document(r["id"], r["text"])
                    for r in store.rows("story_memory", {"story_id": story_id})
                ]
            )
            for article in store.rows("articles_to_match", {"story_id": story_id}):
                decision = classify(article["text"], memory, th)
                verdicts[decision.verdict] += 1
                with store.transaction():
                    summary.alerts_queued += _record_match(
                        store, story_id, story, article, decision
                    )
                if decision.verdict == "update":
                    memory.add(Document(article["id"], article["text"]))
    summary.verdicts = dict(verdicts)
    return summary


def _record_match(store: Store, story_id: int, story: Story, article: dict, decision) -> int:
    match_id = store.scalar(
        "insert_match",
        {
            "article_id": article["id"],
            "story_id": story_id,
            "verdict": decision.verdict,
            "score": decision.score,
            "duplicate_of": decision.duplicate_of,
            "new_facts": json.dumps(decision.new_facts),
            "reasons": json.dumps(decision.reasons),
            "matcher_version": MATCHER_VERSION,
        },
    )
    if decision.verdict != "update":
        return 0
    store.execute(
        "add_story_document", {"story_id": story_id, "article_id": article["id"], "role": "update"}
    )
    if story.alert_policy != "updates":
        return 0
    # recorded, not sent: the outbox shows why nobody heard of it
    suppressed = (
        "baseline: in the feed's backlog at its first poll" if article["baseline"] else None
    )
    for recipient in story.recipients:
        key = alerts.idempotency_key(story.slug, article["id"], recipient)
        store.execute(
            "insert_alert",
            {
                "idempotency_key": key,
                "story_id": story_id,
                "match_id": match_id,
                "recipient": recipient,
                "message_id": alerts.message_id(key),
                "status": "suppressed" if suppressed else "pending",
                "suppressed_reason": suppressed,
            },
        )
    return 0 if suppressed else len(story.recipients)
