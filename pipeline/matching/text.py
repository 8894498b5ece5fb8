"""Words, sentences, shingles and how much a word says: the units every comparison is made of."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from wordfreq import zipf_frequency

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A sentence ends at . ! or ? (possibly inside closing quotes) followed by space and a capital.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
NUMBER = re.compile(r"^\d+([.,]\d+)?$")

# Function words and newsroom verbs carry no story: two unrelated reports share them all.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves said says say told according reported report reports added
    news new one two first last may might must shall us per via monday tuesday wednesday
    thursday friday saturday sunday week month year years day days time""".split()  # noqa: SIM905 (150 quoted words would read worse)
)


def words(text: str) -> list[str]:
    """Lower-cased words with typographic apostrophes folded, stop words kept."""
    return [w.replace("’", "'") for w in WORD.findall(text.lower())]


# Spellings that differ between languages and transliterations: Yury/Juri, Roscosmos/Roskosmos,
# Borisov/Borissow, Rogozin/Rogosin, organize/organise
_TRANSLITERATION = str.maketrans("yjkwz", "iicvs")


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """One spelling for a word's variants: no accents, no possessive, no plural s, and the
    transliteration pairs that make Yury and Juri two names (y/j/i, k/c, w/v, z/s, doubled
    letters)."""
    word = unicodedata.normalize("NFKD", word.lower())
    word = "".join(c for c in word if not unicodedata.combining(c))
    word = re.sub(r"['’]s?$", "", word)
    if word.isdigit():
        return word
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    # assembled, assembling, assemble: one word (a light stemmer is enough to compare stories)
    for suffix in ("ing", "ed", "e"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return re.sub(r"(.)\1+", r"\1", word.translate(_TRANSLITERATION))


def content_words(text: str) -> list[str]:
    """The words of `text` that can tell one story from another, as written (lower-cased)."""
    return [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


@lru_cache(maxsize=200_000)
def _rarity(word: str, language: str) -> float:
    zipf = zipf_frequency(word, language)
    # zipf 7.5 ("the") says nothing, 1.5 and rarer (a surname) says all there is to say
    return min(1.0, max(0.05, (7.5 - zipf) / 6.0))


def weight(word: str, language: str = "en") -> float:
    """How much a word tells about what a text is about, from how rare it is in the language.
    Numbers (years, amounts) are facts: they weigh as much as a rare word."""
    if NUMBER.match(word):
        return 0.8
    return _rarity(word, language)


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
