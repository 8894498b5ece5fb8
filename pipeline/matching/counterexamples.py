"""What a story is not: articles nearer to one of its counterexamples than to the story.

Two kinds: articles its reader said are not the story (`storywatch feedback --not-story`), and
look-alikes it judged `related` itself (another story told with its cast: an agency chief
dismissed, a quarterly result). The next report of either names the cast as well, and is
told apart by being nearer to the counterexample than to anything the story is about.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..explanation import Reasons
from .features import Features, cosine
from .lead import lead_vector, nearest

if TYPE_CHECKING:
    from .matcher import StoryMemory


def nearer_a_negative(
    f: Features, memory: StoryMemory, by_meaning: bool, to_story: float, reasons: Reasons
) -> bool:
    """Whether the article is at least as near to an article its reader said is not the
    story as it is to the story (`to_story`): by their leads' meaning when `by_meaning`, as
    the story's core is compared, else by their telling words, as the seeds are."""
    if by_meaning:
        assert memory.embedder is not None
        embedder = memory.embedder
        leads = {i: lead_vector(n, embedder) for i, n in memory.negatives.items()}
        ident, similarity = nearest(leads, lead_vector(f, embedder))
    else:
        near = {i: cosine(f, n.vector, n.norm) for i, n in memory.negatives.items()}
        ident = max(near, key=lambda i: (near[i], -i))
        similarity = near[ident]
    if similarity < to_story:
        return False
    why = (
        f"it is nearer to article {ident}, which the reader said is not the story "
        "(storywatch feedback), than to the story"
    )
    reasons.update(
        {"nearest_negative": ident, "negative_similarity": round(similarity, 3), "why": why}
    )
    return True


def nearer_a_lookalike(
    f: Features, memory: StoryMemory, margin: float, to_story: float, reasons: Reasons
) -> bool:
    """Whether the article's lead is nearer, by `margin` or more, to the lead of an article
    the story judged related than to any lead the story knows (`to_story`). Only for the
    story's own language: across languages a lead is nearest to its own language's."""
    assert memory.embedder is not None
    ident, similarity = nearest(memory.lookalikes, lead_vector(f, memory.embedder))
    if similarity < to_story + margin:
        return False
    why = f"its lead is nearer to article {ident}'s, which it judged related, than to the story's"
    reasons.update(
        {"nearest_lookalike": ident, "lookalike_similarity": round(similarity, 3), "why": why}
    )
    return True
