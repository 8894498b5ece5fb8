"""What a text is made of, computed once per article and compared against every story."""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import regex

if TYPE_CHECKING:
    from datasketch import MinHash

from .text import NUMBER, STOPWORDS, content_words, fold, sentences, shingles, weight, words

NUM_PERM = 64
MINHASH_SEED = 7
# How copies are fingerprinted; stored fingerprints made another way are made again
SIGNATURE_SCHEME = "blake2b64-5words-affine32x64-runs32"
# A capitalised word or an acronym; what is very common even capitalised (The, But, Tuesday)
# is no name.
NAME = re.compile(r"\b(?:[A-Z][a-z]+(?:['’-][A-Za-z]+)*|[A-Z]{2,}[a-z]?)\b")
NAME_RUN = re.compile(r"\b(?:[A-Z][a-z]+ (?:(?:of|the|de|for) )?){1,5}[A-Z][a-z]+\b")
COMMON_NAME_WEIGHT = 0.35  # below: a capitalised common word ("The", "Tuesday"), no name
RARE_NAME_WEIGHT = 0.6  # a sentence's first word is a name only this rare (not "Fresh")
_OPENING = re.compile(r"^[\W\d_]*")  # quotes and punctuation before a sentence's first word
# A letter of a script without capitals (Chinese, Japanese, Korean, Arabic, Hindi...): there a
# name cannot be told by its capital, so a rare word stands for one.
CASELESS = regex.compile(r"\p{Lo}")


@dataclass
class Sentence:
    text: str
    weights: dict[str, float]  # folded term -> weight
    numbers: frozenset[str]

    @property
    def mass(self) -> float:
        return sum(self.weights.values())


@dataclass
class Features:
    text: str
    language: str
    counts: Counter[str]  # folded term -> occurrences
    weights: dict[str, float]  # folded term -> how telling it is
    entities: dict[str, float]  # folded name (or acronym of a name) -> weight
    numbers: frozenset[str]
    shingles: frozenset[int] = field(repr=False)  # 64-bit hashes of the 5-word runs
    minhash: MinHash = field(repr=False)
    sentences: list[Sentence] = field(repr=False)
    vector: dict[str, float] = field(repr=False)
    norm: float = 0.0
    # folded name -> the name as the text first writes it, made when a reason needs it
    written: dict[str, str] | None = field(default=None, repr=False)
    # the runs' hashes as `runs_array`, made once when the article is compared with copies
    runs: np.ndarray | None = field(default=None, repr=False)
    # the lead embedded, by model name: made once per article, for the stories that need it
    leads: dict[str, np.ndarray] = field(default_factory=dict, repr=False)


def features(text: str, language: str = "en") -> Features:
    raw = content_words(text)
    counts: Counter[str] = Counter()
    weights: dict[str, float] = {}
    for word in raw:
        key = fold(word)
        counts[key] += 1
        weights[key] = max(weights.get(key, 0.0), weight(word, language))
    names = entities(text, language)
    vector = {t: (1 + math.log(c)) * weights[t] for t, c in counts.items()}
    own = frozenset(hash64(" ".join(s)) for s in shingles(text))
    minhash = _minhash()
    minhash.update_batch(own)
    return Features(
        text=text,
        language=language,
        counts=counts,
        weights=weights,
        entities=names,
        numbers=frozenset(w for w in words(text) if NUMBER.match(w)),
        shingles=own,
        minhash=minhash,
        sentences=[sentence(s, language) for s in sentences(text)],
        vector=vector,
        norm=math.sqrt(sum(v * v for v in vector.values())),
    )


def hash64(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "little")


def _minhash(hashvalues=None) -> MinHash:
    # imported on first use: datasketch loads scipy (half a second), which a command that
    # only reads (`storywatch query`) would otherwise wait for
    from datasketch import MinHash

    # the runs are already hashed: MinHash takes their low 32 bits instead of hashing again
    return MinHash(
        NUM_PERM, seed=MINHASH_SEED, hashfunc=_low32, hashvalues=hashvalues, scheme="affine32"
    )


def _low32(value: int) -> int:
    return value & 0xFFFFFFFF


def runs_array(shingles: frozenset[int]) -> np.ndarray:
    """The runs' hashes, sorted, in their low 4 bytes (as MinHash reads them): what a story
    keeps of every copy it has seen. A set of Python ints takes twenty times the memory, and
    32 bits are plenty to tell one article's few hundred runs from another's."""
    full = np.fromiter(shingles, dtype=np.uint64, count=len(shingles))
    return np.unique((full & np.uint64(0xFFFFFFFF)).astype(np.uint32))


def pack_copy(f: Features) -> tuple[bytes, bytes]:
    """The article's fingerprint as stored: its MinHash signature and its runs' hashes."""
    return f.minhash.hashvalues.astype(np.uint32).tobytes(), runs_array(f.shingles).tobytes()


def unpack_copy(signature: bytes, runs: bytes) -> tuple[MinHash, np.ndarray]:
    """A stored fingerprint, as `StoryMemory.remember_copy_signature` takes it."""
    minhash = _minhash(np.frombuffer(signature, dtype=np.uint32))
    return minhash, np.frombuffer(runs, dtype=np.uint32)


def with_title(title: str | None, text: str) -> str:
    """What is judged: the headline, then the text (a headline often carries the news)."""
    title = (title or "").strip()
    return f"{title}\n{text}" if title and not text.startswith(title) else text


def sentence(text: str, language: str) -> Sentence:
    ws: dict[str, float] = {}
    for word in content_words(text):
        key = fold(word)
        ws[key] = max(ws.get(key, 0.0), weight(word, language))
    return Sentence(text, ws, frozenset(w for w in words(text) if NUMBER.match(w)))


def entities(text: str, language: str = "en") -> dict[str, float]:
    """Names in the text, folded, weighted by rarity. A capitalised word that opens a sentence
    is a name only if it is rare; a run of three or more names also gives its acronym, so
    "International Space Station" and "ISS" are one actor. In a script without capitals, a
    rare word is taken for a name."""
    found: dict[str, float] = {}

    def add(key: str, w: float) -> None:
        found[key] = max(found.get(key, 0.0), w)

    for word in content_words(text) if CASELESS.search(text) else ():
        if CASELESS.search(word) and (w := weight(word, language)) >= RARE_NAME_WEIGHT:
            add(fold(word), w)

    for line in sentences(text):
        opening = _OPENING.match(line)
        first = opening.end() if opening else 0
        for m in NAME.finditer(line):
            name = re.sub(r"['’]s?$", "", m.group(0))
            if name.lower() in STOPWORDS:
                continue  # Tuesday's, The
            w = weight(name.lower(), language)
            if name.isupper():
                add(fold(name), max(w, 0.6))
            elif w >= COMMON_NAME_WEIGHT and (m.start() > first or w >= RARE_NAME_WEIGHT):
                add(fold(name), w)
        for run in NAME_RUN.findall(line):
            capitals = [p for p in run.split() if p[0].isupper()]
            if len(capitals) >= 3:
                mean = sum(weight(p.lower(), language) for p in capitals) / len(capitals)
                add("".join(p[0] for p in capitals).lower(), max(mean, 0.5))
    return found


def as_written(f: Features, names: list[str]) -> list[str]:
    """Folded names ("roscosmo", "iuri") as the text writes them ("Roscosmos", "Yury"); an
    acronym made from a run of names, or a name the text does not hold, stays folded."""
    if not names:
        return []
    if f.written is None:
        f.written = {}
        for word in [m.group(0) for m in NAME.finditer(f.text)] + content_words(f.text):
            f.written.setdefault(fold(re.sub(r"['’]s?$", "", word)), word)
    return [f.written.get(name, name) for name in names]


def cosine(f: Features, vector: dict[str, float], norm: float) -> float:
    """Cosine of the article's weighted words with a known text's."""
    if not f.norm or not norm:
        return 0.0
    small, large = (f.vector, vector) if len(f.vector) < len(vector) else (vector, f.vector)
    return sum(v * large[t] for t, v in small.items() if t in large) / (f.norm * norm)
