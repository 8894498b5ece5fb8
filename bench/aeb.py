"""The Article Extraction Benchmark's data and metric, shared by bench/extraction.py and the
quality floor in tests/test_extraction_quality.py.

The metric, as the benchmark defines it: each text is cut into 4-word shingles (words are runs
of \\w); per page, true positives, false positives and false negatives are counted over the
shingle multisets and normalised to sum to one, so that long pages weigh no more than short
ones; precision and recall are the means over pages, and F1 is their harmonic mean.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter

from pipeline.paths import PROJECT_ROOT

AEB = PROJECT_ROOT / ".." / "shared" / "eval" / "aeb"
WORD = re.compile(r"\w+")


def pages() -> list[tuple[str, str, bytes, str]]:
    """(id, url, html, expected article body) for every page of the benchmark."""
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        (key, item.get("url", ""), gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes()),
         item.get("articleBody", ""))
        for key, item in sorted(truth.items())
    ]  # fmt: skip


def _shingles(text: str, n: int = 4) -> Counter:
    words = WORD.findall(text or "")
    return Counter(tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1)) if words)


def page_counts(expected: str, got: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one page."""
    want, have = _shingles(expected), _shingles(got)
    tp = sum((want & have).values())
    fp = sum((have - want).values())
    fn = sum((want - have).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scores(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    """Precision, recall and F1 pooled over pages, as the benchmark reports them."""

    def ratio(hit: float, miss: float, other: float) -> float:
        if miss == other == 0:
            return 1.0
        return hit / (hit + miss) if hit + miss else 0.0

    precisions = [ratio(tp, fp, fn) for tp, fp, fn in counts if tp + fp > 0]
    recalls = [ratio(tp, fn, fp) for tp, fp, fn in counts if tp + fn > 0]
    precision = sum(precisions) / len(precisions)
    recall = sum(recalls) / len(recalls)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
    }
