"""Facts that can change: a value (a date or time bound, an amount, a percentage, a count) in
the words that say what it is the value of. An article's value is a changed fact when the known
sentence that says the same thing says it with another value ("300 -> 450 flights", "after 2024
-> until 2028"); both sentences are named, and only the values that differ are shown. Pure."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..explanation import Change
from .features import Sentence
from .text import WORD, content_words, fold
from .values import MONTH_OF, Value, values

# the known sentence must share this much weight of telling words (the values aside)...
CONTEXT = 1.2
# ...and this share of the article sentence's: a background date shares a name or two, the
# same fact retold shares what it is about
SHARE = 0.3
# a value the story has already said elsewhere is a change only when a sentence with another
# value says the same thing this much better than any sentence that says this value
KNOWN_MARGIN = 1.5
NEAR = 4  # words either side of a value that say what it is the value of
# how far a new value can be from the old for both to be one fact: a background year (1998)
# is no earlier value of a plan (2027), nor a company's profit an earlier price of a deal
MAX_YEARS = 10
MAX_DAYS = 120
MAX_RATIO = 10.0


_FOLDED_MONTHS = frozenset(fold(m) for m in MONTH_OF)


@dataclass(frozen=True)
class Fact:
    value: Value
    sentence: Sentence


def facts_of(s: Sentence) -> list[Fact]:
    return [Fact(v, s) for v in values(s.text)]


def changed_facts(sentences: list[Sentence], known: list[Fact]) -> list[Change]:
    """The article's values that a known sentence saying the same thing has with another value."""
    by_sentence: dict[str, tuple[Sentence, list[Value]]] = {}
    for fact in known:
        by_sentence.setdefault(fact.sentence.text, (fact.sentence, []))[1].append(fact.value)
    changes: list[Change] = []
    for s in sentences:
        own = values(s.text)
        for new in own:
            change = _change(s, new, own, by_sentence.values())
            # said in the headline and again in the text, it is one change
            if change and all(c["now"] != change["now"] for c in changes):
                changes.append(change)
    return changes


def _change(s: Sentence, new: Value, own: list[Value], known) -> Change | None:
    with_it, rival, rival_score = 0.0, None, 0.0
    about = _near(new, s.text)
    for k, said in known:
        same = [v for v in said if v.kind == new.kind and v.unit == new.unit]
        if not same:
            continue
        score = _context(s, k)
        if any(v.key == new.key for v in same):
            with_it = max(with_it, score)
            continue
        # the old value must be said of the same thing: a word around it is one around the new
        olds = [v for v in same if _plausible(v, new) and _near(v, k.text) & about]
        if olds and score > rival_score:
            rival, rival_score = (k, olds), score
    if rival is None or rival_score < CONTEXT or rival_score < SHARE * _mass(s):
        return None
    if with_it and rival_score < KNOWN_MARGIN * with_it:
        return None
    k, same = rival
    own_keys = {v.key for v in own}
    was = max(
        same,
        # the value the article no longer says, then the one said most about the same thing
        key=lambda v: (v.key not in own_keys, len(_near(v, k.text) & about), -_distance(v, new)),
    )
    return Change(was=was.text, now=new.text, sentence=s.text, known=k.text)


def _plausible(old: Value, new: Value) -> bool:
    if old.key == new.key:
        return False
    if abs(old.magnitude - new.magnitude) < max(old.step, new.step):
        return False  # one is the other rounded: "about 9%" of a 9.2% stake
    if old.kind == "year":
        return abs(old.magnitude - new.magnitude) <= MAX_YEARS
    if old.kind == "date":
        return abs(old.magnitude - new.magnitude) <= MAX_DAYS
    if old.kind == "percent":
        return True
    low, high = sorted((old.magnitude, new.magnitude))
    return low > 0 and high / low <= MAX_RATIO


def _distance(old: Value, new: Value) -> float:
    if old.kind in ("amount", "count") and old.magnitude > 0 and new.magnitude > 0:
        return abs(math.log(new.magnitude / old.magnitude))
    return abs(new.magnitude - old.magnitude)


def _near(v: Value, text: str) -> set[str]:
    """What a value is the value of, in the words around it; names are left out, as they say
    who, not what ("Musk's 9% stake", "Musk's $44 billion deal")."""
    before = [w for w in WORD.findall(text[: v.start]) if not w[0].isupper()]
    after = [w for w in WORD.findall(text[v.start + len(v.text) :]) if not w[0].isupper()]
    near = content_words(" ".join(before[-2 * NEAR :]))[-NEAR:]
    near += content_words(" ".join(after[: 2 * NEAR]))[:NEAR]
    return {fold(w) for w in near if not _is_value_word(w)}


def _is_value_word(term: str) -> bool:
    return any(c.isdigit() for c in term) or term in MONTH_OF or term in _FOLDED_MONTHS


def _context(a: Sentence, b: Sentence) -> float:
    return sum(w for t, w in a.weights.items() if t in b.weights and not _is_value_word(t))


def _mass(s: Sentence) -> float:
    return sum(w for t, w in s.weights.items() if not _is_value_word(t))
