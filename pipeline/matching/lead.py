"""An article's lead: its headline and first sentences, what a reader decides the story by."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .embedding import Embedder
    from .features import Features

# full stops of the scripts news is written in: Latin, CJK, Devanagari, Arabic, Armenian...
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)|(?<=[。！？!?।؟։])\s*(?=\S)")
# a line shorter than this is site furniture ("Home", "Share", "首页"), not a headline
MIN_LINE_WORDS = 4
MIN_UNSPACED_CHARS = 8  # a headline in a script without spaces is a short line of characters
MAX_LEAD_CHARS = 600  # past this a "sentence" is a run-on page, not a lead


def lead(text: str, sentences: int = 2) -> str:
    """The headline and the first `sentences` sentences after it."""
    lines = [line.strip() for line in text.splitlines()]
    body = [line for line in lines if _is_prose(line)]
    if not body:
        return text.strip()[:MAX_LEAD_CHARS]
    headline, rest = body[0], " ".join(body[1:])
    if not rest:  # a page without line breaks: its first sentence stands for the headline
        return _first_sentences(headline, 1 + sentences)
    return f"{headline} {_first_sentences(rest, sentences)}"[:MAX_LEAD_CHARS].strip()


def lead_vector(f: Features, embedder: Embedder) -> np.ndarray:
    """The article's lead as the model reads it; embedded once per article and model."""
    vector = f.leads.get(embedder.name)
    if vector is None:
        vector = f.leads[embedder.name] = embedder.embed([lead(f.text)])[0]
    return vector


def nearest(leads: Mapping[int, np.ndarray], vector: np.ndarray) -> tuple[int, float]:
    """The lead of `leads` (by id) nearest to `vector` by cosine, and that cosine; ties keep
    the first id."""
    idents = list(leads)
    scores = np.stack([leads[i] for i in idents]) @ vector
    best = int(np.argmax(scores))
    return idents[best], float(scores[best])


def lead_md5(text: str) -> str:
    """Of the lead embedded: a stored embedding of another lead is made again."""
    return hashlib.md5(lead(text).encode()).hexdigest()


def sentence_md5(text: str) -> str:
    """Of a sentence embedded: what its stored embedding is found by."""
    return hashlib.md5(text.encode()).hexdigest()


def _first_sentences(text: str, n: int) -> str:
    # cut at the n-th sentence end, keeping the text's own spacing (none between CJK sentences)
    ends = [m.start() for m in SENTENCE_END.finditer(text)]
    cut = ends[n - 1] if len(ends) >= n else len(text)
    return text[:cut][:MAX_LEAD_CHARS].strip()


def _is_prose(line: str) -> bool:
    words = line.split()
    if len(words) >= MIN_LINE_WORDS:
        return True
    return len(words) <= 2 and len(line) >= MIN_UNSPACED_CHARS and not line.isascii()
