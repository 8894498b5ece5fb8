"""Facts that can change: a value (a date or time bound, an amount, a percentage, a count) in
the words that say what it is the value of. An article's value is a changed fact when the known
sentence that says the same thing says it with another value ("300 -> 450 flights", "after 2024
-> until 2028"); both sentences are named, and only the values that differ are shown. Pure."""

from __future__ import annotations

from collections.abc import Callable
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
NEAR = 5  # words either side of a value that say what it is the value of
# how far a new value can be from the old for both to be one fact: a background year (1998)
# is no earlier value of a plan (2027), nor a company's profit an earlier price of a deal
MAX_YEARS = 10
MAX_DAYS = 120
MAX_RATIO = 3.0


_FOLDED_MONTHS = frozenset(fold(m) for m in MONTH_OF)


@dataclass(frozen=True)
class Fact:
    value: Value
    sentence: Sentence


def facts_of(s: Sentence) -> list[Fact]:
    return [Fact(v, s) for v in values(s.text)]


# how similar in meaning two sentences are, each of `candidates` to `sentence` (cosines)
Similarity = Callable[[str, list[str]], list[float]]


def changed_facts(
    sentences: list[Sentence],
    known: list[Fact],
    similar: Similarity | None = None,
    lead: int = 0,
    same_meaning: float = 1.0,
) -> list[Change]:
    """The article's values that a known sentence saying the same thing has with another value.

    By words first. Reporters retell a development in their own words ("the IOC expects to
    pay $800 million because of the delay" of "the IOC would put up to $650 million towards
    the re-organisation"), so in the first `lead` sentences a value that no known sentence
    has, and that the words paired with nothing, is paired by meaning where `similar` is
    given: with the known sentence nearest to it (at least `same_meaning`) that has a
    plausible other value of its kind."""
    by_sentence: dict[str, tuple[Sentence, list[Value]]] = {}
    for fact in known:
        by_sentence.setdefault(fact.sentence.text, (fact.sentence, []))[1].append(fact.value)
    changes: list[Change] = []

    def add(change: Change | None) -> None:
        # said in the headline and again in the text, it is one change
        if change and all(c["now"] != change["now"] for c in changes):
            changes.append(change)

    for s in sentences:
        own = values(s.text)
        for new in own:
            add(_change(s, new, own, by_sentence.values()))
    if similar is not None:
        said = {c["sentence"] for c in changes}
        known_keys = {fact.value.key for fact in known}
        for s in sentences[:lead]:
            fresh = [v for v in values(s.text) if v.key not in known_keys]
            if s.text not in said and fresh:
                add(_change_in_meaning(s, fresh, known, similar, same_meaning))
    return changes


def _change_in_meaning(
    s: Sentence, fresh: list[Value], known: list[Fact], similar: Similarity, same_meaning: float
) -> Change | None:
    pairs = [
        (fact, new)
        for fact in known
        for new in fresh
        if fact.value.kind == new.kind and fact.value.unit == new.unit
        and _plausible(fact.value, new)
    ]  # fmt: skip
    if not pairs:
        return None
    texts = sorted({fact.sentence.text for fact, _ in pairs})
    closeness = dict(zip(texts, similar(s.text, texts), strict=True))
    fact, new = max(pairs, key=lambda pair: closeness[pair[0].sentence.text])
    if closeness[fact.sentence.text] < same_meaning:
        return None
    return Change(was=fact.value.text, now=new.text, sentence=s.text, known=fact.sentence.text)


def _change(s: Sentence, new: Value, own: list[Value], known) -> Change | None:
    about = _near(new, s.text)
    own_keys = {v.key for v in own}
    gate = max(CONTEXT, SHARE * _mass(s))
    with_it, found, best = 0.0, None, (0.0, False, 0.0)
    for k, said in known:
        context = _context(s, k)
        for old in said:
            if old.kind != new.kind or old.unit != new.unit:
                continue
            near = _said_of(about, _near(old, k.text), s.weights)
            if old.key == new.key:
                with_it = max(with_it, context + near)
                continue
            # said of the same thing (a word around the old value is one around the new), in
            # the same context; the value the article no longer says before one it repeats
            rank = (near, old.key not in own_keys, context)
            if near and context + near >= gate and _plausible(old, new) and rank > best:
                found, best = (k, old), rank
    if found is None or (with_it and best[0] + best[2] < KNOWN_MARGIN * with_it):
        return None
    k, old = found
    return Change(was=old.text, now=new.text, sentence=s.text, known=k.text)


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


def _near(v: Value, text: str) -> dict[str, int]:
    """What a value is the value of: the telling words around it, with how many words away they
    are. Names are left out, as they say who, not what ("Musk's 9% stake")."""
    before = WORD.findall(text[: v.start])[::-1][:NEAR]
    after = WORD.findall(text[v.start + len(v.text) :])[:NEAR]
    near: dict[str, int] = {}
    for side in (before, after):
        for distance, w in enumerate(side):
            if not w[0].isupper() and content_words(w) and not _is_value_word(w):
                near.setdefault(fold(w), distance)
    return near


def _said_of(a: dict[str, int], b: dict[str, int], weights: dict[str, float]) -> float:
    """How much two values are said of the same thing: the words around both, nearest most."""
    return sum(weights.get(t, 0.3) * 2 / (2 + a[t] + b[t]) for t in a.keys() & b.keys())


def _is_value_word(term: str) -> bool:
    return any(c.isdigit() for c in term) or term in MONTH_OF or term in _FOLDED_MONTHS


def _context(a: Sentence, b: Sentence) -> float:
    return sum(w for t, w in a.weights.items() if t in b.weights and not _is_value_word(t))


def _mass(s: Sentence) -> float:
    return sum(w for t, w in s.weights.items() if not _is_value_word(t))
