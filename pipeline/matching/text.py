"""Words, sentences and shingles: the units every comparison is made of."""

from __future__ import annotations

import re
from collections import Counter

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A sentence ends at . ! or ? (possibly inside closing quotes) followed by space and a capital.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")

# Function words and newsroom verbs carry no story: two unrelated reports share them all.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "say",
        "told",
        "according",
        "reported",
        "report",
        "reports",
        "added",
        "news",
        "new",
        "one",
        "two",
        "first",
        "last",
        "may",
        "might",
        "must",
        "shall",
        "us",
        "per",
        "via",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "week",
        "month",
        "year",
        "years",
        "day",
        "days",
        "time",
    ]
)


def words(text: str) -> list[str]:
    """Lower-cased words with typographic apostrophes folded, stop words kept."""
    return [w.replace("’", "'") for w in WORD.findall(text.lower())]


def terms(text: str) -> list[str]:
    """Content words: the words of `text` that can tell one story from another."""
    return [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def term_counts(text: str) -> Counter[str]:
    return Counter(terms(text))


def sentences(text: str) -> list[str]:
    out: list[str] = []
    for paragraph in text.splitlines():
        out += [s.strip() for s in SENTENCE_END.split(paragraph) if s.strip()]
    return out


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    """Overlapping runs of `size` words: two texts share many only if one copies the other."""
    w = words(text)
    if len(w) < size:
        return {tuple(w)} if w else set()
    return {tuple(w[i : i + size]) for i in range(len(w) - size + 1)}
