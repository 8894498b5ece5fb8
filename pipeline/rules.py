"""A story's rules, as its reader writes them in story.toml's `[rules]`: words or phrases an
article must mention or must not, and the languages it may be in. Applied after the matcher's
verdict, pure: a rule can only turn an article away, never make one the story.

A phrase is found case and accents aside ("Société" in "SOCIETE") and as whole words (a
letter, mark or digit on neither side), so "ISS" is not in "missing". In scripts written
without spaces between words (Chinese, Japanese, Thai...) and in Korean, where particles stick
to the nouns, a phrase is found inside the run of letters it sits in.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

import regex

from .explanation import RuleExclusion
from .matching import Decision, Features
from .matching.matcher import Verdict

STORY_VERDICTS = ("duplicate", "rehash", "update")
# the verdict of an article that is the story to the matcher but not to the reader's rules:
# it names the story, and tells something the reader does not follow
TURNED_AWAY: Verdict = "related"
_LETTER = r"[\p{L}\p{M}\p{N}]"
_ACCENT = regex.compile(r"(?<=[\p{Latin}\p{Greek}\p{Cyrillic}]\p{M}*)\p{M}")
_SPACELESS = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]"
)


@dataclass(frozen=True)
class Rules:
    """`must_mention`: each entry must be mentioned, an entry of several phrases when any of
    them is; `must_not_mention`: none may be; `languages`: the article's language must be one
    of these (a tag's variants too: "pt" takes "pt-BR"). Empty: no rule."""

    must_mention: tuple[tuple[str, ...], ...] = ()
    must_not_mention: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.must_mention or self.must_not_mention or self.languages)

    def describe(self) -> list[str]:
        """The rules in words, one line each."""
        lines = []
        if self.must_mention:
            entries = [" or ".join(map(repr, e)) for e in self.must_mention]
            lines.append("must mention " + "; and ".join(entries))
        if self.must_not_mention:
            lines.append("must not mention " + ", ".join(map(repr, self.must_not_mention)))
        if self.languages:
            lines.append("only in " + ", ".join(self.languages))
        return lines


def normalise(text: str) -> str:
    """Text as phrases are looked for in it: compatibility forms folded (full-width letters),
    case aside, and the accents of Latin, Greek and Cyrillic letters, which capitals often
    drop ("SOCIETE", "ΟΔΥΣΣΕΑΣ"); the marks of scripts whose vowels they are stay."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return unicodedata.normalize("NFC", _ACCENT.sub("", decomposed))


@lru_cache(maxsize=4096)
def _pattern(phrase: str) -> regex.Pattern:
    parts = normalise(phrase).split()
    body = r"\s+".join(regex.escape(p) for p in parts)
    first, last = parts[0][0], parts[-1][-1]
    # a guard only where the phrase ends in a letter of a script that spaces its words
    left = f"(?<!{_LETTER})" if regex.match(_LETTER, first) and not _SPACELESS.match(first) else ""
    right = f"(?!{_LETTER})" if regex.match(_LETTER, last) and not _SPACELESS.match(last) else ""
    return regex.compile(left + body + right)


def mentions(normalised_text: str, phrase: str) -> bool:
    """Whether the text (as `normalise` made it) has the phrase, as whole words."""
    return _pattern(phrase).search(normalised_text) is not None


def speaks(language: str, allowed: tuple[str, ...]) -> bool:
    """Whether a language tag is one of `allowed` or a variant of one ("en-GB" of "en")."""
    tag = language.casefold().replace("_", "-")
    return any(tag == a.casefold() or tag.startswith(a.casefold() + "-") for a in allowed)


def excluded(f: Features, rules: Rules) -> RuleExclusion | None:
    """The first rule the article breaks, with the words that decided, or None."""
    if rules.languages and not speaks(f.language, rules.languages):
        return RuleExclusion(rule="languages", words=list(rules.languages), verdict="")
    text = normalise(f.text)
    said = [p for p in rules.must_not_mention if mentions(text, p)]
    if said:
        return RuleExclusion(rule="must_not_mention", words=said, verdict="")
    missing = [e for e in rules.must_mention if not any(mentions(text, p) for p in e)]
    if missing:
        return RuleExclusion(
            rule="must_mention", words=[" or ".join(e) for e in missing], verdict=""
        )
    return None


def apply_rules(decision: Decision, f: Features, rules: Rules) -> Decision:
    """The matcher's decision as the story's rules leave it: an article that is the story to
    the matcher but breaks a rule is `related`, and its reasons say which rule and why."""
    if not rules or decision.verdict not in STORY_VERDICTS:
        return decision
    broken = excluded(f, rules)
    if broken is None:
        return decision
    broken["verdict"] = decision.verdict
    reasons = decision.reasons.copy()
    reasons["excluded_by"], reasons["why"] = broken, _why(broken, f.language)
    return replace(
        decision,
        verdict=TURNED_AWAY,
        duplicate_of=None,
        new_facts=[],
        changed_facts=[],
        reasons=reasons,
    )


def _why(broken: RuleExclusion, language: str) -> str:
    words = ", ".join(repr(w) for w in broken["words"])
    if broken["rule"] == "languages":
        return f"the story's rules: it is in {language}, and the story takes {words} only"
    if broken["rule"] == "must_not_mention":
        return f"the story's rules: it mentions {words}, which the story must not"
    return f"the story's rules: it does not mention {words}"
