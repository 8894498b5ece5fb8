"""Is an article this story, and what does it add?

- **The story or not**: the same actors doing the same thing. Two measures must agree: how
  much of the story's main cast (its names, weighted by rarity) the article names, and how
  similar its telling words are (weighted by rarity, so "said" and "Tuesday" weigh nothing).
  Sharing only the cast, or only the topic, makes an article `related`.
- **Copies**: MinHash-LSH over 5-word shingles finds candidates among what the story has seen;
  the share of the article's shingles found in one of them decides `duplicate`.
- **New facts**: sentences whose telling words no single known sentence covers, that bring a
  name, a number or a rare word the story did not have; **changed facts**: a value (a date or
  time bound, an amount, a percentage, a count) that the known sentence saying the same thing
  has with another ("after 2024" -> "until 2028"); see `facts`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

# the thresholds are declared once, with their bounds, as the [matching] section of the settings
from ..config import MatchingConfig as Thresholds
from ..explanation import Change, NearestSentence, Reasons
from .copies import CopyIndex, copied_word_for_word, nearest_copy, runs_of
from .counterexamples import nearer_a_lookalike, nearer_a_negative
from .embedding import Embedder
from .facts import Fact, changed_facts, facts_of
from .features import (
    Features,
    Sentence,
    as_written,
    cosine,
    features,
)
from .lead import lead_vector, nearest, sentence_md5

MATCHER_VERSION = "latest-update-8"
Verdict = Literal["duplicate", "rehash", "update", "related", "unrelated"]
# what a reader can say of an article (`storywatch feedback`): not the story, the story but
# nothing new, or an update the matcher missed
Correction = Literal["not_story", "not_new", "update"]
CAST_SIZE = 12  # the story's main names: the rarest that most of its documents share
NEW_NAME_WEIGHT = 0.6  # a name this rare that the story never had makes a sentence news
RARE_WORD_WEIGHT = 0.6  # a word this rare (Zipf under 3.9) is a telling one
DEFAULT_THRESHOLDS = Thresholds()  # those of a config that sets no [matching]
MONTHS = (
    r"(January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)


@dataclass
class Decision:
    verdict: Verdict
    score: float
    duplicate_of: int | None = None
    new_facts: list[str] = field(default_factory=list)
    changed_facts: list[Change] = field(default_factory=list)
    reasons: Reasons = field(default_factory=Reasons)


class StoryMemory:
    """What a story knows (its seed documents and accepted updates), and every copy it has
    seen, for recognising the next one."""

    def __init__(
        self,
        documents: list[tuple[int, str]],
        language: str = "en",
        embedder: Embedder | None = None,
        leads: Mapping[int, np.ndarray] | None = None,
        updates: Iterable[tuple[int, str]] = (),
        sentences_embedded: Mapping[str, np.ndarray] | None = None,
        corrections: Iterable[tuple[int, str, Correction]] = (),
    ):
        """`documents` define the story (its seeds); `updates` are those it accepted since,
        learned in order. `leads`: their lead embeddings by `embedder` where stored, by id;
        the others are embedded here. `sentences_embedded`: its sentences' embeddings where
        stored, by `sentence_md5`. `corrections`: what its reader said of articles (see
        `correct`), taken after the updates."""
        self.language = language
        # the meaning of known sentences, by md5, embedded when a change is looked for; those
        # of this memory's own making are `fresh` until the caller takes them to store
        self.embedded: dict[str, np.ndarray] = dict(sentences_embedded or {})
        self.fresh: set[str] = set()
        # what the story is about: the leads of its seeds, accepted updates and retellings,
        # embedded; with where each came from (seed, update or rehash)
        self.embedder = embedder
        self.core: dict[int, np.ndarray] = {}
        self.core_kind: dict[int, str] = {}
        self.known: list[tuple[int, Features]] = []
        self.sentences: list[Sentence] = []
        self.said_in: list[int] = []  # which document each known sentence came from
        self.vocabulary: dict[str, float] = {}
        self.numbers: set[str] = set()
        self.facts: list[Fact] = []
        self.entity_docs: dict[str, set[int]] = {}
        self.entity_weight: dict[str, float] = {}
        self.copies = CopyIndex()
        # articles its reader said are not the story: a look-alike nearer to one of them
        # than to the story is not the story either
        self.negatives: dict[int, Features] = {}
        # leads of articles it judged related in its own language (the model read them): the
        # same look-alike retold by the next outlet is nearer to one of them than to the story
        self.lookalikes: dict[int, np.ndarray] = {}
        self.told: set[int] = set()  # known as its reader said: the story, but nothing new
        self._cast: dict[str, float] | None = None
        self.seeds: set[int] = {ident for ident, _ in documents}
        taken = [(i, t, None) for i, t in [*documents, *updates]]
        for ident, text, correction in [*taken, *corrections]:
            f = features(text, language)
            if embedder is not None and leads and ident in leads:
                f.leads[embedder.name] = leads[ident]
            if correction is None:
                self.learn(ident, f)
            else:
                self.correct(ident, f, correction)

    def learn(self, ident: int, f: Features, kind: str = "update") -> None:
        """An accepted document: its facts become known. `kind`: what its lead is to the
        core ("update", or "told": the story told again, as its reader said)."""
        self.known.append((ident, f))
        if self.embedder is not None:
            self.core[ident] = lead_vector(f, self.embedder)
            self.core_kind[ident] = "seed" if ident in self.seeds else kind
        self.sentences += f.sentences
        self.said_in += [ident] * len(f.sentences)
        for term, w in f.weights.items():
            self.vocabulary[term] = max(self.vocabulary.get(term, 0.0), w)
        self.numbers |= f.numbers
        self.facts += [fact for s in f.sentences for fact in facts_of(s)]
        for name, w in f.entities.items():
            self.entity_weight[name] = max(self.entity_weight.get(name, 0.0), w)
            if ident in self.seeds:
                # the cast is the story as defined: an accepted update adds facts, not actors,
                # so that one wrong acceptance cannot pull the story towards a look-alike
                self.entity_docs.setdefault(name, set()).add(ident)
        self._cast = None
        self.remember_copy(ident, f)

    def absorb(self, ident: int, f: Features, verdict: str) -> None:
        """What the story takes from its own verdict on an article: an update's facts, a
        copy's fingerprint, and a retelling's lead (the story told another way, often in
        another language: the next report in that language is judged against it)."""
        if verdict == "update":
            self.learn(ident, f)
        elif verdict == "related" and f.language == self.language and self.embedder:
            if (lead := f.leads.get(self.embedder.name)) is not None:
                self.remember_lookalike(ident, lead)
        elif verdict in ("rehash", "duplicate"):
            self.remember_copy(ident, f)
            if verdict == "rehash" and self.embedder is not None and self.embedder.name in f.leads:
                self.remember_retelling(ident, f.leads[self.embedder.name])

    def correct(self, ident: int, f: Features, correction: Correction) -> None:
        """What the story takes from its reader's word on an article, in place of its own
        verdict: "not_story" makes it a negative example; "not_new" makes its sentences
        known (later copies of that news are a rehash) and its lead the story told again;
        "update" makes it an accepted update."""
        if correction == "not_story":
            if self.embedder is not None:
                lead_vector(f, self.embedder)  # embedded now, once, not at every comparison
            self.negatives[ident] = f
        elif correction == "not_new":
            self.told.add(ident)
            self.learn(ident, f, "told")
        else:
            self.learn(ident, f)

    def remember_retelling(self, ident: int, lead: np.ndarray) -> None:
        """A rehash's lead joins what the story is about, not what it knows: its sentences
        never make later news look old."""
        self.core[ident], self.core_kind[ident] = lead, "rehash"

    def remember_lookalike(self, ident: int, lead: np.ndarray) -> None:
        """The lead of an article it judged related: another story told with its cast."""
        self.lookalikes[ident] = lead

    def remember_copy(self, ident: int, f: Features) -> None:
        """A text the story has seen (a rehash, a duplicate): a later copy of it is a copy."""
        self.remember_copy_signature(ident, f.minhash, runs_of(f))

    def remember_copy_signature(self, ident: int, minhash, runs: np.ndarray) -> None:
        """A copy by its fingerprint: `runs` sorted, as `runs_array` makes them."""
        self.copies.add(ident, minhash.hashvalues, runs)

    def similar(self, sentence: str, candidates: list[str]) -> list[float]:
        """How close in meaning each candidate is to the sentence, by the story's model; what
        the story knows is embedded once."""
        assert self.embedder is not None
        texts = [sentence, *candidates]
        digests = [sentence_md5(t) for t in texts]
        todo = {d: t for d, t in zip(digests, texts, strict=True) if d not in self.embedded}
        if todo:
            vectors = self.embedder.embed(list(todo.values()))
            self.embedded.update(zip(todo, vectors, strict=True))
            self.fresh |= todo.keys()
        vectors = np.stack([self.embedded[d] for d in digests])
        return (vectors[1:] @ vectors[0]).tolist()

    def take_embedded(self) -> dict[str, np.ndarray]:
        """The known sentences embedded since the last call, by md5, for the caller to store
        (an article's own sentences that the story did not learn are not kept)."""
        known = {sentence_md5(fact.sentence.text) for fact in self.facts}
        taken = {d: self.embedded[d] for d in self.fresh & known}
        self.fresh -= taken.keys()
        return taken

    @property
    def latest_update(self) -> int | None:
        """The update the story accepted last, when its lead is embedded (with a model)."""
        latest = next((i for i, _ in reversed(self.known) if i not in self.seeds), None)
        return latest if latest in self.core else None

    def nearest_copy(self, f: Features) -> tuple[int | None, float]:
        """The copy it has seen (or document it knows) that holds most of the article."""
        return nearest_copy(f, self.copies, (ident for ident, _ in self.known))

    @property
    def cast(self) -> dict[str, float]:
        """The story's main names: shared by most of its documents, rarest first."""
        if self._cast is None:
            n = max(1, len(self.seeds))
            scored = {
                name: self.entity_weight[name] * len(docs) / n
                for name, docs in self.entity_docs.items()
                if len(docs) >= min(2, n) or n == 1
            }
            top = sorted(scored.items(), key=lambda kv: -kv[1])[:CAST_SIZE]
            self._cast = dict(top)
        return self._cast


def classify(
    article: str | Features, memory: StoryMemory, th: Thresholds = DEFAULT_THRESHOLDS
) -> Decision:
    """Judge one article against one story. Pure: the memory is not changed."""
    f = article if isinstance(article, Features) else features(article, memory.language)
    if not memory.known or not f.counts:
        return Decision("unrelated", 0.0, reasons={"why": "nothing to compare"})
    # compared with the story as defined, for the same reason as the cast
    words_sim, nearest = max(
        (cosine(f, k.vector, k.norm), ident) for ident, k in memory.known if ident in memory.seeds
    )
    cast = memory.cast
    cast_total = sum(cast.values()) or 1.0
    named = {name: w for name, w in cast.items() if name in f.entities}
    cast_share = sum(named.values()) / cast_total
    score = math.sqrt(words_sim * cast_share) if words_sim and cast_share else 0.0
    lexical = score >= th.match and cast_share >= th.cast_floor
    reasons: Reasons = {
        "words": round(words_sim, 3),
        "cast": round(cast_share, 3),
        # as written: by the article, and by the story for the names it lacks
        "shared_names": as_written(f, sorted(named, key=lambda n: -named[n])),
        "missing_names": as_the_story_writes(
            memory, sorted(set(cast) - set(named), key=lambda n: -cast[n])[:6]
        ),
        "shared_terms": _shared_terms(f, memory),
        "nearest_document": nearest,
    }
    is_story, near = lexical, max(score, cast_share) >= th.related
    # a copy of what the story has seen is the story as that copy was: its lead is not read
    # again (wire copies are most of what a story meets)
    copy, containment = memory.nearest_copy(f) if lexical else (None, 0.0)
    copied = copy is not None and containment >= th.duplicate
    by_meaning = th.semantic and memory.embedder is not None and bool(memory.core)
    in_language = th.semantic and memory.embedder is not None and f.language == memory.language
    if by_meaning and not copied:
        is_story, near = _semantic_gate(f, memory, th, lexical, near, reasons)
    if not is_story:
        verdict: Verdict = "related" if near else "unrelated"
        if verdict == "related" and cast_share >= th.cast_floor and in_language:
            # another story told with the story's cast: its lead is read, so that the story
            # remembers it as a look-alike (`absorb`) and knows the next report of it
            assert memory.embedder is not None
            lead_vector(f, memory.embedder)
        return Decision(verdict, score, reasons=reasons)
    lookalike = in_language and bool(memory.lookalikes) and not copied
    if lookalike or memory.negatives:
        to_story = _lead_similarity(f, memory)[0] if by_meaning else words_sim
        if lookalike and nearer_a_lookalike(f, memory, th.lookalike, to_story, reasons):
            return Decision("related", score, reasons=reasons)
        if memory.negatives and nearer_a_negative(f, memory, by_meaning, to_story, reasons):
            return Decision("related", score, reasons=reasons)

    changed = changed_facts(
        f.sentences,
        memory.facts,
        memory.similar if in_language else None,
        lead=th.lead_sentences,
        same_meaning=th.semantic_change,
    )
    if not lexical:
        copy, containment = memory.nearest_copy(f)
    if copy is not None:
        reasons["containment"] = round(containment, 3)
        # a copy republished with other numbers is a correction: what changed is the news
        corrected = [
            c for c in changed if not copied_word_for_word(c["sentence"], memory.copies[copy])
        ]
        if containment >= th.duplicate and corrected:
            reasons["why"] = f"a copy of {copy} that says some values differently"
            return Decision("update", score, changed_facts=corrected, reasons=reasons)
        if containment >= th.duplicate:
            return Decision("duplicate", score, copy, reasons=reasons)

    if f.language != memory.language:
        reasons["why"] = f"written in {f.language}: its facts are not judged against the story"
        return Decision("rehash", score, reasons=reasons)
    new, nearest_known = _new_sentences(f, memory, th)
    reasons["nearest_sentences"] = nearest_known
    # News goes at the top: a report that leads with what the story knows and adds its own
    # background further down (a launch date, an astronaut's quote) retells the story.
    lead = {s.text for s in f.sentences[: th.lead_sentences]}
    # A lead that says what a lead the story has says tells a development the story has,
    # whatever details of its own it adds (a quote, a figure, the outlet's background), unless
    # it says one of the story's values otherwise ("after 2024" -> "until 2028"). The outlets
    # that follow the story's latest update retell it with figures of their own, or rounded
    # otherwise, and pair them with older values the update had already replaced: a lead that
    # says what the latest update's lead says is that update told again, whatever its values.
    known = reasons.get("lead_similarity", 0.0) >= th.known_lead
    latest = memory.latest_update if in_language else None
    if latest is not None and _similar_leads(f, memory, latest) >= th.latest_lead:
        kind = memory.core_kind[latest]
        reasons["why"] = f"its lead tells what {kind} {latest}, the story's latest, told"
        if told := new + [c["sentence"] for c in changed if c["sentence"] not in new]:
            reasons["background"] = told
        return Decision("rehash", score, reasons=reasons)
    if known and not any(c["sentence"] in lead for c in changed):
        reasons["why"] = f"its lead tells what {reasons['nearest_lead']} told"
        if told := new + [c["sentence"] for c in changed if c["sentence"] not in new]:
            reasons["background"] = told
        return Decision("rehash", score, reasons=reasons)
    if not any(s in lead for s in new) and not any(c["sentence"] in lead for c in changed):
        below = new + [c["sentence"] for c in changed if c["sentence"] not in new]
        if below:
            reasons["background"] = below
        return Decision("rehash", score, reasons=reasons)
    return Decision("update", score, new_facts=new, changed_facts=changed, reasons=reasons)


def _semantic_gate(
    f: Features, memory: StoryMemory, th: Thresholds, lexical: bool, near: bool, reasons: Reasons
) -> tuple[bool, bool]:
    """Is it the story, by what its lead is about. In the story's language, the names and
    words decide and the lead can only veto: an article that names the story's cast but
    leads with something else is another story. Across languages the names and words mostly
    do not survive translation, so the lead decides."""
    if not lexical and f.language == memory.language:
        return False, near  # cheap evidence first: the model reads only candidates
    similarity, nearest = _lead_similarity(f, memory)
    reasons["lead_similarity"] = round(similarity, 3)
    reasons["nearest_lead"] = nearest
    if f.language == memory.language:
        if similarity < th.semantic_floor:
            reasons["why"] = "it names the story's cast, but its lead tells of something else"
        return similarity >= th.semantic_floor, True
    is_story = similarity >= th.semantic_across or (lexical and similarity >= th.semantic_floor)
    return is_story, near or similarity >= th.semantic_floor


def _similar_leads(f: Features, memory: StoryMemory, ident: int) -> float:
    """The cosine of the article's lead to the lead of the story's document `ident`."""
    assert memory.embedder is not None
    return float(memory.core[ident] @ lead_vector(f, memory.embedder))


def _lead_similarity(f: Features, memory: StoryMemory) -> tuple[float, str]:
    """The highest cosine of the article's lead to the leads the story knows, and which
    lead that is ("seed 3", "update 12", "rehash 40")."""
    assert memory.embedder is not None
    ident, similarity = nearest(memory.core, lead_vector(f, memory.embedder))
    return similarity, f"{memory.core_kind[ident]} {ident}"


def as_the_story_writes(memory: StoryMemory, names: list[str]) -> list[str]:
    """The story's names as the first of its documents that holds each writes it."""
    written = []
    for name in names:
        found = (w for _, k in memory.known if (w := as_written(k, [name])[0]) != name)
        written.append(next(found, name))
    return written


def _shared_terms(f: Features, memory: StoryMemory) -> list[str]:
    shared = [t for t in f.weights if t in memory.vocabulary]
    return sorted(shared, key=lambda t: -f.weights[t] * f.counts[t])[:12]


def _new_sentences(
    f: Features, memory: StoryMemory, th: Thresholds
) -> tuple[list[str], list[NearestSentence]]:
    """Sentences that bring something the story did not have, and, for the others, the known
    sentence nearest to them.

    A retelling in other words uses other common words; what it cannot avoid is the story's
    names, numbers and rare words. So a sentence is news when it brings a number (a year, an
    amount) or a name the story never had, or several rare words it never used, and no
    known sentence already says most of it.
    """
    new: list[str] = []
    nearest: list[NearestSentence] = []
    for s in f.sentences:
        if len(s.weights) < th.min_fact_words or not s.mass:
            continue
        # of the known sentences that cover it best, the first the story learned: who said it first
        covers = ((_overlap(s, k), -at) for at, k in enumerate(memory.sentences))
        cover, first = max(covers, default=(0.0, 1))
        at = -first
        if cover < th.sentence_known and _brings_news(s, f, memory, th):
            new.append(s.text)
        elif len(nearest) < 5 and at >= 0:
            nearest.append(
                NearestSentence(
                    sentence=s.text,
                    known_as=memory.sentences[at].text,
                    known_in=memory.said_in[at],
                    cover=round(cover, 2),
                )
            )
    return new, nearest


def _brings_news(s: Sentence, f: Features, memory: StoryMemory, th: Thresholds) -> bool:
    if any(_is_fact_number(n, s.text) for n in s.numbers - memory.numbers):
        return True
    unknown = [t for t in s.weights if t not in memory.vocabulary]
    if any(f.entities.get(t, 0.0) >= NEW_NAME_WEIGHT for t in unknown):
        return True
    rare = [t for t in unknown if s.weights[t] >= RARE_WORD_WEIGHT]
    return len(rare) >= th.new_rare_words


def _is_fact_number(number: str, sentence: str) -> bool:
    """A year, an amount, a measure: not a day of the month, not a small count."""
    digits = number.replace(",", "").replace(".", "")
    if not digits.isdigit() or len(digits) < 2:
        return False
    day = rf"\b{re.escape(number)}\s+{MONTHS}|{MONTHS}\s+{re.escape(number)}\b"
    return not re.search(day, sentence)


def _overlap(s: Sentence, k: Sentence) -> float:
    shared = sum(w for t, w in s.weights.items() if t in k.weights)
    return shared / s.mass
