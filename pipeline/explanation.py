"""What the matcher says of an article besides its verdict: why (`reasons`), the sentences it
adds (`new_facts`) and the facts it says with another value (`changed_facts`).

These are TypedDicts, not dataclasses, because they are JSON documents first: stored as they
are in `matches`, queried by SQL users (`reasons->>'shared_terms'`), printed by
`storywatch replay`. A TypedDict is the document's own shape, so what is stored is what the
matcher made, with no conversion to keep in step with the type; a key that only some verdicts
have (`containment`, `background`) is absent, not null, as before. mypy checks every key a
reader names. What is read back from the database goes through `stored_facts`, which checks
the documents against these types.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NamedTuple, NotRequired

from pydantic import TypeAdapter

# pydantic validates only typing_extensions' TypedDict before Python 3.12
from typing_extensions import TypedDict


class Change(TypedDict):
    """A fact the story had, said with another value: "after 2024" -> "until 2028"."""

    was: str
    now: str
    sentence: str  # the article's sentence that says it
    known: NotRequired[str]  # the story's sentence that said it with the old value


class NearestSentence(TypedDict):
    """A sentence of the article that is not news, and the known sentence most like it."""

    sentence: str
    known_as: str
    # the first document the story knows it from: its article id (in `classify`, the id of
    # the input's item, or seed:FILE)
    known_in: int
    cover: float  # weighted share of `sentence` that `known_as` says


class RuleExclusion(TypedDict):
    """A rule of the story's (its story.toml's `[rules]`) that turned the article away,
    whatever the matcher found: the article is `related`."""

    rule: Literal["must_mention", "must_not_mention", "languages"]
    # must_mention: the entries it does not mention ("A or B" for an entry of several);
    # must_not_mention: those it mentions; languages: the languages the story takes
    words: list[str]
    verdict: str  # what the matcher said before the rule: duplicate, rehash or update


class Reasons(TypedDict, total=False):
    """Why the verdict: the measures it was made from, and what it saw."""

    why: str  # a verdict given without judging the facts: nothing to compare, another language
    words: float  # similarity of the telling words to the nearest seed document
    cast: float  # weighted share of the story's main names that the article names
    lead_similarity: float  # cosine of the lead's embedding to the nearest lead the story knows
    nearest_lead: str  # that lead: "seed 3", "update 12", "rehash 40", "told 41" (an article id)
    shared_names: list[str]
    missing_names: list[str]
    shared_terms: list[str]
    nearest_document: int
    containment: float  # share of the article's shingles found in its nearest copy
    nearest_sentences: list[NearestSentence]
    background: list[str]  # a rehash's news: below the lead, or beside a known development
    nearest_negative: int  # the article its reader said is not the story that it is nearest
    negative_similarity: float  # how near: the measure it is compared with the story by
    nearest_lookalike: int  # the article it judged related whose lead is nearest to this one
    lookalike_similarity: float  # how near (cosine of the leads)
    excluded_by: RuleExclusion  # a rule of the story's turned it away; `why` says it in words


class StoredFacts(NamedTuple):
    new_facts: list[str]
    changed_facts: list[Change]


_NEW_FACTS = TypeAdapter(list[str])
_CHANGED_FACTS = TypeAdapter(list[Change])


def stored_facts(row: Mapping[str, Any]) -> StoredFacts:
    """A `matches` row's `new_facts` and `changed_facts`, as the matcher made them. Rows
    matched before facts could change have no `changed_facts`."""
    return StoredFacts(
        _NEW_FACTS.validate_json(row["new_facts"] or "[]"),
        _CHANGED_FACTS.validate_json(row["changed_facts"] or "[]"),
    )
