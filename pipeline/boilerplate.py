"""The lines around an article that are not the article. Pure: what a site has taught us is
passed in, as the set of lines it repeats across its articles.

trafilatura drops page furniture when the markup gives it away. In a plain paragraph it stays:
"We may earn a commission from links on this page.", "Photo: NASA (AP)", "More: ...",
"AFP contributed reporting." Every such line left in would later look like a new fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A line longer than this is prose: it is neither learned nor matched against the patterns.
MAX_FURNITURE_CHARS = 200

# (pattern, reason), tried on each line; every pattern is anchored to the whole line's start
PATTERNS = [
    (p, reason)
    for reason, patterns in {
        "affiliate disclosure": [
            r"we (may|might|could) (earn|receive|get|collect) (a )?(small )?(commission|"
            r"compensation|share of (the )?(sales|revenue)|affiliate)",
            r"(this|the) (post|article|page|story) (may )?contains? affiliate links",
            r"when you buy (something )?through (our|the) links",
        ],
        "photo credit": [
            r"(file |handout )?(photo|photograph|image|picture|video|graphic|illustration|credit)s?"
            r"( credit| by)?\s*[:/|]\s*\S",
            r"\S.{0,60}\s/\s(getty images|afp|ap|reuters|shutterstock|esa|nasa|epa)\b.{0,30}$",
            r"(getty images|afp via getty images|ap photo|reuters|shutterstock)\b.{0,40}$",
        ],
        "related link": [
            r"(more|related|related articles?|related stories|read more|read next|see also|"
            r"also read|recommended|watch|listen|don't miss|more from \w+)\s*:",
        ],
        "contributor line": [
            r"([\w.'-]+( [\w.'-]+)*( and |, ))*[\w.'-]+( [\w.'-]+)* contributed "
            r"(reporting|to this (report|story|article))\b",
            # a wire's closing line, often in brackets: "(Reporting by A and B; editing by C)"
            r"[(\[]?((additional )?reporting|writing|editing|compiled|translated) by "
            r"[\w.' ,;-]+[)\]]?$",
        ],
        # a video player's teaser ends with the clip's length: "Why the launch slipped (2:41)"
        "video teaser": [r".{0,150}\(\d{1,2}:\d\d\)$"],
        "social embed": [r"(tweets? about this|pic\.twitter\.com/|rt @\w+:)"],
        "source note": [r"original (url|article|story|source)\s*:?", r"<?https?://\S+>?$"],
        "newsletter or share prompt": [
            r"(sign up|subscribe) (for|to) (our|the|my) ([\w'-]+ ){0,3}newsletters?",
            r"(share|follow us|follow) (this|on) ",
            r"(click|tap) here to ",
        ],
        "advertisement": [r"(advertisement|sponsored( content)?|ad)$"],
    }.items()
    for p in patterns
]
COMPILED = [(re.compile(p, re.I), reason) for p, reason in PATTERNS]


@dataclass(frozen=True)
class Removed:
    line: str
    reason: str


@dataclass(frozen=True)
class Cleaned:
    text: str
    removed: list[Removed] = field(default_factory=list)


def norm(line: str) -> str:
    """A line as the site-level memory knows it: whitespace folded, case ignored."""
    return " ".join(line.split()).casefold()


def lines(text: str) -> set[str]:
    """Every line of an article, normalised: what copies of it share."""
    return {norm(line) for line in text.splitlines() if line.strip()}


def learnable(text: str) -> set[str]:
    """The lines of an article that could be a site's furniture (short, and more than a word)."""
    return {line for line in lines(text) if 3 < len(line) <= MAX_FURNITURE_CHARS}


def strip_boilerplate(text: str, site_lines: frozenset[str] | set[str] = frozenset()) -> Cleaned:
    """Remove the curated furniture lines, and the lines the site repeats across its articles."""
    kept: list[str] = []
    removed: list[Removed] = []
    for line in text.splitlines():
        stripped = line.strip()
        reason = _reason(stripped, site_lines) if stripped else None
        if reason:
            removed.append(Removed(stripped, reason))
        else:
            kept.append(line)
    return Cleaned("\n".join(kept).strip(), removed)


def _reason(line: str, site_lines: frozenset[str] | set[str]) -> str | None:
    if len(line) > MAX_FURNITURE_CHARS:
        return None
    if norm(line) in site_lines:
        return "repeated across the site's articles"
    for pattern, reason in COMPILED:
        if pattern.match(line):
            return reason
    return None
