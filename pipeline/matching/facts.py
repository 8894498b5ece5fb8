"""Facts that can change: time bounds ("after 2024", "until 2028") and amounts ("$6 billion"),
with the words around them, so that the same fact said with another value is recognised."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..explanation import Change
from .features import Sentence

BOUND = re.compile(
    r"\b(after|until|till|through|by|before|beyond|from|in|no later than|as soon as)\s+"
    r"((?:19|20)\d\d)\b",
    re.I,
)
AMOUNT = re.compile(r"(\$|€|£|US\$)\s?(\d+(?:[.,]\d+)?)\s*(billion|million|trillion|bn|m)\b", re.I)
# a fact's context must share this much weight of telling words with the known one
CONTEXT = 1.2


@dataclass(frozen=True)
class Fact:
    kind: str  # "time bound" or "amount"
    value: str  # as written: "after 2024", "$6 billion"
    number: str  # the number alone: "2024", "6"
    sentence: Sentence


def facts_of(s: Sentence) -> list[Fact]:
    found = [Fact("time bound", m.group(0), m.group(2), s) for m in BOUND.finditer(s.text)]
    found += [Fact("amount", m.group(0), m.group(2), s) for m in AMOUNT.finditer(s.text)]
    return found


def changed_facts(
    sentences: list[Sentence], known: list[Fact], known_numbers: set[str]
) -> list[Change]:
    """Facts of the article that say, in a known fact's context, a value the story never had."""
    changes: list[Change] = []
    for s in sentences:
        for fact in facts_of(s):
            if fact.number in known_numbers:
                continue
            rival = max(
                (k for k in known if k.kind == fact.kind),
                key=lambda k: _context(fact.sentence, k.sentence),
                default=None,
            )
            # said in the headline and again in the text, it is one change
            seen = any(rival and (c["was"], c["now"]) == (rival.value, fact.value) for c in changes)
            if rival and not seen and _context(fact.sentence, rival.sentence) >= CONTEXT:
                changes.append(Change(was=rival.value, now=fact.value, sentence=s.text))
    return changes


def _context(a: Sentence, b: Sentence) -> float:
    return sum(w for t, w in a.weights.items() if t in b.weights and not t.isdigit())
