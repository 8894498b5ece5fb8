"""What the matcher takes as a story's core, in words a reader can check: its names as the
story writes them, its telling words, and the sentences that carry most of both. Read from a
StoryMemory, so it is what the next match starts from. Pure."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .features import Sentence
from .matcher import StoryMemory, as_the_story_writes
from .text import fold

SAME_SENTENCE = 0.55  # a sentence this much covered by one already shown is not shown again
ECHO = 0.4  # a seed sentence this much covered by one of another seed: that seed tells it too
POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True)
class Core:
    names: list[str]  # the cast, rarest and most shared first
    words: list[str]  # the words that weigh most in "is it the story", beyond the names
    sentences: list[str]  # the seeds' sentences that say most of both and that seeds share
    known_sentences: int  # what the story knows: its seeds' and its accepted updates'
    updates: int  # the updates it accepted since it was defined
    told: int = 0  # the articles its reader said tell it again with nothing new
    negatives: int = 0  # the articles its reader said are not the story


def story_core(memory: StoryMemory, words: int = 12, sentences: int = 5) -> Core:
    """The story's core as `memory` holds it: the cast and the seeds' telling words, which
    decide whether an article is the story, and the seed sentences richest in them."""
    cast = memory.cast
    seeds = [f for ident, f in memory.known if ident in memory.seeds]
    # each seed's weighted words, normalised as the cosine compares them, summed over seeds
    telling: dict[str, float] = {}
    for f in seeds:
        for term, value in f.vector.items():
            if term not in cast and not term.isdigit() and f.norm:
                telling[term] = telling.get(term, 0.0) + value / f.norm
    top = sorted(telling, key=lambda t: (-telling[t], t))[:words]
    core_terms = set(cast) | set(top)

    def weight(n: int, s: Sentence) -> float:
        # rich in the core's names and words, for its length, and told by the other seeds too
        said = sum(w for t, w in s.weights.items() if t in core_terms)
        echoed = sum(
            any(_cover(s, other) >= ECHO for other in f.sentences if other.mass)
            for m, f in enumerate(seeds)
            if m != n
        )
        return said * (1 + echoed) / math.sqrt(s.mass)

    ranked = sorted(
        ((weight(n, s), s) for n, f in enumerate(seeds) for s in f.sentences if s.mass),
        key=lambda pair: -pair[0],
    )
    chosen: list[Sentence] = []
    for _, s in ranked:
        if len(chosen) == sentences:
            break
        if not any(_cover(s, c) >= SAME_SENTENCE for c in chosen):
            chosen.append(s)
    return Core(
        names=_shown(memory, list(cast)),
        words=_shown(memory, top),
        sentences=[s.text for s in chosen],
        known_sentences=len(memory.sentences),
        updates=len(memory.known) - len(seeds) - len(memory.told),
        told=len(memory.told),
        negatives=len(memory.negatives),
    )


def _shown(memory: StoryMemory, terms: list[str]) -> list[str]:
    """Folded terms as the story writes them, without a possessive, each once. A name the
    texts do not write as such (an acronym made from a run of names, "iss") is looked up
    folded as a word is ("ISS")."""
    shown: list[str] = []
    for term, written in zip(terms, as_the_story_writes(memory, terms), strict=True):
        if written == term:
            written = as_the_story_writes(memory, [fold(term)])[0]
        written = POSSESSIVE.sub("", written)
        if written.casefold() not in {w.casefold() for w in shown}:
            shown.append(written)
    return shown


def _cover(s: Sentence, other: Sentence) -> float:
    return sum(w for t, w in s.weights.items() if t in other.weights) / s.mass
