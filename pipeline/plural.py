"""Counts in words: "1 new entry", "2 new entries". Every summary a person reads says its
counts through `plural`, so that none says "1 alerts"."""

from __future__ import annotations

# the nouns storywatch counts whose plural is not the singular and an "s"
IRREGULAR = {"entry": "entries", "story": "stories", "query": "queries"}


def plural(count: int, singular: str, many: str | None = None) -> str:
    """`count` and the phrase `singular` ("new entry"), its last word made plural unless
    `count` is 1; `many` spells the plural phrase when the rule does not ("were", "was")."""
    if count == 1:
        return f"{count:,} {singular}"
    if many is None:
        head, _, last = singular.rpartition(" ")
        word = IRREGULAR.get(last, last + "s")
        many = f"{head} {word}" if head else word
    return f"{count:,} {many}"


def duration(seconds: float) -> str:
    """A wait in words, rounded to its largest unit: "40 seconds", "9 minutes", "1 day"."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= 1.5 * size or (unit == "minute" and seconds >= 60):
            return plural(round(seconds / size), unit)
    return plural(max(round(seconds), 0), "second")
