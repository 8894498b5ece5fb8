"""Words, sentences, shingles and how much a word says: the units every comparison is made of."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

import langcodes
import regex
from wordfreq import available_languages, tokenize, zipf_frequency

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A word's marks are part of it: Hindi's and Thai's vowel signs, Arabic's vowels, a decomposed
# accent (`\w` of the standard library ends a word at each of them). Slower: only for a text
# in which a mark may be (_MARKS: the blocks that have them).
MARKED_WORD = regex.compile(
    r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*"
)
_MARKS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0dff\u0e00-\u0eff\u0f00-\u109f\u1780-\u17ff\u3099\u309a]"
)
# A sentence ends at . ! or ? (possibly inside closing quotes) followed by space and a capital
# (Latin, Greek, Cyrillic; or a letter of a script without case: Arabic, Hindi, Thai, CJK;
# or a digit), or at the full stops of scripts that put
# no space after them (Chinese, Japanese, Hindi).
SENTENCE_END = re.compile(
    r"(?<=[.!?؟])[\"'”’)»]*\s+(?=[\"'“‘(«]?[A-Z0-9À-ÞΑ-ΩА-ЯЁ\u0600-\u06ff\u0900-\u097f"
    r"\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af])|(?<=[。！？।])[\"'”’)」』]*\s*"
)
NUMBER = re.compile(r"^\d+([.,]\d+)?$")

# Scripts written without spaces between words: a run of them is one "word" to WORD, so it is
# cut here. Kana is Japanese; Han alone is taken as Chinese (a Japanese run of kanji alone cuts
# the same way near enough); Hangul is spaced, but its particles stick to the nouns.
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
# Thai, Lao, Burmese, Khmer: no segmenter installed, so overlapping pairs of letters are the
# units, as search engines index them; two reports of one event share many, two others few.
_UNSEGMENTED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
_SPACELESS = re.compile(f"{_KANA.pattern}|{_HAN.pattern}|{_HANGUL.pattern}|{_UNSEGMENTED.pattern}")
# Scripts whose marks are letters (vowel signs, kana's voicing marks): kept by `fold`, which
# drops accents elsewhere.
_VOWEL_SIGNS = re.compile(r"[\u0900-\u0fff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff]")
_CLOSE_LANGUAGES = 20  # langcodes' distance between one language's variants, or very close ones
# How much a word weighs in a language without a frequency list, by its length: short words
# are the function words ("ja", "on", "et" in Estonian), long ones say what a text is about.
_LETTERS_FOR_FULL_WEIGHT = 10
_PAIR_WEIGHT = 0.5  # a pair of letters of an unsegmented script: telling, not a name
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
    """Lower-cased words with typographic apostrophes folded, stop words kept; runs of a
    script written without spaces cut into its words."""
    found = (MARKED_WORD if _MARKS.search(text) else WORD).findall(text.lower())
    if not _SPACELESS.search(text):  # most texts: one look at the text, not one per word
        return [w.replace("’", "'") for w in found]
    out: list[str] = []
    for word in found:
        if _SPACELESS.search(word):
            out += _segment(word)
        else:
            out.append(word.replace("’", "'"))
    return out


@lru_cache(maxsize=200_000)
def _segment(run: str) -> tuple[str, ...]:
    """The words of a run of letters written without spaces (a clause, often)."""
    if _UNSEGMENTED.search(run):
        if len(run) < 3:
            return (run,)
        return tuple(run[i : i + 2] for i in range(len(run) - 1))
    language = "ja" if _KANA.search(run) else "zh" if _HAN.search(run) else "ko"
    try:
        if language == "zh":
            simplify = _chinese()
            # one spelling for traditional and simplified characters
            return tuple(simplify(w) for w in tokenize(run, language))
        return tuple(tokenize(run, language))
    except ImportError:  # installed without wordfreq's `cjk` extra: pairs, as for Thai
        return tuple(run[i : i + 2] for i in range(len(run) - 1)) or (run,)


@lru_cache(maxsize=1)
def _chinese() -> Callable[[str], str]:
    """wordfreq's Chinese simplification, its segmenter (jieba) made quiet: jieba logs its
    dictionary loading to the terminal of every run."""
    import jieba
    from wordfreq.chinese import simplify_chinese

    jieba.setLogLevel(logging.WARNING)
    return simplify_chinese


# Spellings that differ between languages and transliterations: Yury/Juri, Roscosmos/Roskosmos,
# Borisov/Borissow, Rogozin/Rogosin, organize/organise
_TRANSLITERATION = str.maketrans("yjkwz", "iicvs")


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """One spelling for a word's variants: no accents, no possessive, no plural s, and the
    transliteration pairs that make Yury and Juri two names (y/j/i, k/c, w/v, z/s, doubled
    letters)."""
    word = unicodedata.normalize("NFKD", word.lower())
    if not _VOWEL_SIGNS.search(word):
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


@lru_cache(maxsize=1024)
def word_list(language: str) -> str | None:
    """The language of wordfreq's list for `language` ("pt" for "pt-BR"), or None when it has
    none (Thai, Estonian, Telugu, a tag that is no language): asked this way, wordfreq warns of
    nothing."""
    try:
        best, distance = langcodes.closest_match(
            language, list(available_languages()), max_distance=60
        )
        same = best != "und" and langcodes.get(best).language == langcodes.get(language).language
    except (ValueError, LookupError):  # not a language tag
        return None
    # wordfreq would take a language its speakers often read (English for Hausa and Telugu,
    # Russian for Armenian): that list says nothing of their words. A variant ("pt-BR",
    # "zh-Hant") or a very close one (Norwegian Nynorsk, Bosnian) uses its list.
    return best if same or distance <= _CLOSE_LANGUAGES else None


@lru_cache(maxsize=200_000)
def _rarity(word: str, language: str) -> float:
    listed = word_list(language)
    if listed is None:
        if _UNSEGMENTED.search(word):
            return _PAIR_WEIGHT
        return min(1.0, max(0.05, len(word) / _LETTERS_FOR_FULL_WEIGHT))
    try:
        if listed == "zh":
            _chinese()
        zipf = zipf_frequency(word, listed)
    except ImportError:  # no segmenter for its language: weighed as in a language with no list
        return _rarity(word, "und")
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
