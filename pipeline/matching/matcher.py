"""The first honest matcher: term similarity to the story's documents, shingle containment for
copies, and sentence coverage for new facts. Later versions replace the insides, not the shape.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from .text import sentences, shingles, term_counts, terms

MATCHER_VERSION = "cosine-0.1"
Verdict = Literal["duplicate", "rehash", "update", "related", "unrelated"]


@dataclass(frozen=True)
class Thresholds:
    match: float = 0.30  # cosine to the nearest story document: this story
    related: float = 0.12  # below match but above this: shares the story's names, tells another
    duplicate: float = 0.80  # share of the article's shingles found in one known document
    sentence_known: float = 0.50  # share of a sentence's terms found in one story sentence
    min_fact_terms: int = 4  # shorter sentences (datelines, captions) are never facts


@dataclass(frozen=True)
class Document:
    id: int
    text: str


@dataclass
class StoryMemory:
    """What a story knows: its seed documents and the updates accepted since."""

    documents: list[Document]
    _vectors: list[Counter[str]] = field(init=False, repr=False)
    _shingles: list[set] = field(init=False, repr=False)
    _sentences: list[tuple[str, set[str]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._vectors = [term_counts(d.text) for d in self.documents]
        self._shingles = [shingles(d.text) for d in self.documents]
        self._sentences = [(s, set(terms(s))) for d in self.documents for s in sentences(d.text)]

    def add(self, doc: Document) -> None:
        self.documents.append(doc)
        self._vectors.append(term_counts(doc.text))
        self._shingles.append(shingles(doc.text))
        self._sentences += [(s, set(terms(s))) for s in sentences(doc.text)]


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    score: float
    duplicate_of: int | None = None
    new_facts: list[str] = field(default_factory=list)
    reasons: dict = field(default_factory=dict)


def classify(text: str, memory: StoryMemory, th: Thresholds = Thresholds()) -> Decision:
    """Judge one article against one story. Pure: the memory is not changed."""
    if not memory.documents or not text.strip():
        return Decision("unrelated", 0.0, reasons={"why": "nothing to compare"})
    vector = term_counts(text)
    sims = [_cosine(vector, v) for v in memory._vectors]
    best = max(range(len(sims)), key=sims.__getitem__)
    score = sims[best]
    shared = sorted(
        set(vector) & set(memory._vectors[best]),
        key=lambda t: -min(vector[t], memory._vectors[best][t]),
    )[:12]
    reasons: dict = {"nearest_document": memory.documents[best].id, "shared_terms": shared}
    if score < th.related:
        return Decision("unrelated", score, reasons=reasons)
    if score < th.match:
        return Decision("related", score, reasons=reasons)

    own = shingles(text)
    containment = [len(own & s) / len(own) if own else 0.0 for s in memory._shingles]
    copy = max(range(len(containment)), key=containment.__getitem__)
    reasons["containment"] = round(containment[copy], 3)
    if containment[copy] >= th.duplicate:
        return Decision("duplicate", score, memory.documents[copy].id, reasons=reasons)

    new_facts, nearest = _new_sentences(text, memory, th)
    reasons["nearest_sentences"] = nearest
    verdict: Verdict = "update" if new_facts else "rehash"
    return Decision(verdict, score, new_facts=new_facts, reasons=reasons)


def _new_sentences(text: str, memory: StoryMemory, th: Thresholds):
    """Sentences no single story sentence covers, and, for the others, what covered them."""
    new: list[str] = []
    nearest: list[dict] = []
    for sentence in sentences(text):
        own = set(terms(sentence))
        if len(own) < th.min_fact_terms:
            continue
        cover, known = max(
            ((len(own & ks) / len(own), s) for s, ks in memory._sentences),
            default=(0.0, ""),
        )
        if cover < th.sentence_known:
            new.append(sentence)
        elif len(nearest) < 5:
            nearest.append({"sentence": sentence, "known_as": known, "cover": round(cover, 2)})
    return new, nearest


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    # log-scaled counts, so one term repeated many times cannot carry the score alone
    wa = {t: 1 + math.log(c) for t, c in a.items()}
    wb = {t: 1 + math.log(c) for t, c in b.items()}
    dot = sum(w * wb[t] for t, w in wa.items() if t in wb)
    na = math.sqrt(sum(w * w for w in wa.values()))
    nb = math.sqrt(sum(w * w for w in wb.values()))
    return dot / (na * nb) if na and nb else 0.0
