"""Where a changed value sits in the sentence that says it, so that emails and timelines can
mark it (pure)."""

from __future__ import annotations

import re

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def value_spans(text: str, values: list[str]) -> list[tuple[str, bool]]:
    """`text` cut into pieces, each marked True where it says one of `values`.

    A value is looked for as written, in any case ("Until 2028" in "until 2028"); one the
    sentence says in other words ("in 2028" for "2028 at the earliest") falls back to its
    numbers, so that at least what changed is marked. Joining the pieces gives `text` back.
    """
    hits: list[tuple[int, int]] = []
    for value in sorted({v.strip() for v in values if v and v.strip()}, key=len, reverse=True):
        found = _find_all(text, value)
        if not found:
            for number in NUMBER.findall(value):
                found += _find_all(text, number, whole=True)
        for hit in found:
            if not any(hit[0] < end and start < hit[1] for start, end in hits):
                hits.append(hit)
    pieces, at = [], 0
    for start, end in sorted(hits):
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text) or not pieces:
        pieces.append((text[at:], False))
    return pieces


def _find_all(text: str, needle: str, whole: bool = False) -> list[tuple[int, int]]:
    """Every place of `needle` in `text`; `whole`: not inside a longer number (2028 in 20280)."""
    pattern = re.escape(needle)
    if whole:
        pattern = rf"(?<![\d.,]){pattern}(?![\d]|[.,]\d)"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)]
