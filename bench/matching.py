"""How well storywatch tells the story from look-alikes, updates from rehashes, and how fast.

    .venv/bin/python -m bench.matching

1. ECB+ dev topics (../shared/eval/ecbplus-dev/): every topic holds two events of one kind.
   For each event, its first document is the seed; the stream is every other document of the
   topic, in order, so the other event is a look-alike that must not match.
2. The real-news development set (bench/realnews/, see bench/realnews.py): three stories as
   the press told them, when their texts are present.
3. The labelled ISS stream (tests/data/iss_stream.jsonl, written for the project): processed
   in order against the seed story, learning as it goes.
4. The seeds as real retellings: each judged against the other four.
5. The demo's pages, as the demo serves them.
Then speed: articles per second against 10 stories, and the cost per article as the number
of stored articles grows from 1,000 to 100,000.
"""

from __future__ import annotations

import json
import resource
import time
from collections import Counter

from bench import realnews
from pipeline.matching import StoryMemory, Thresholds, classify, features
from pipeline.matching.embedding import Embedder, load_embedder
from pipeline.paths import PROJECT_ROOT, SEEDS_DIR
from pipeline.stories import load_story

ECB = PROJECT_ROOT / ".." / "shared" / "eval" / "ecbplus-dev" / "ecbplus_topics_1-30.jsonl"
STREAM = PROJECT_ROOT / "tests" / "data" / "iss_stream.jsonl"
MATCHED = {"duplicate", "rehash", "update"}


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def ecb(th: Thresholds | None = None, embedder: Embedder | None = None) -> dict:
    th = th or Thresholds()
    docs = [json.loads(line) for line in ECB.open(encoding="utf-8")]
    tp = fp = fn = lookalikes = lookalike_hits = 0
    for topic in sorted({d["topic"] for d in docs}):
        in_topic = [d for d in docs if d["topic"] == topic]
        for event in sorted({d["subtopic"] for d in in_topic}):
            seed = next(d for d in in_topic if d["subtopic"] == event)
            memory = StoryMemory([(0, seed["text"])], embedder=embedder)
            for n, doc in enumerate(d for d in in_topic if d is not seed):
                f = features(doc["text"])
                decision = classify(f, memory, th)
                matched, truth = decision.verdict in MATCHED, doc["subtopic"] == event
                tp += matched and truth
                fp += matched and not truth
                fn += truth and not matched
                lookalikes += not truth
                lookalike_hits += matched and not truth
                memory.absorb(n + 1, f, decision.verdict)
    return prf(tp, fp, fn) | {"lookalike_rate": lookalike_hits / lookalikes, "docs": tp + fn}


def iss_seeds() -> list[tuple[int, str]]:
    """The seed story's documents, with the negative ids the streams give seeds."""
    docs = load_story(SEEDS_DIR / "iss-withdrawal", []).documents
    return [(-1 - i, d.text) for i, d in enumerate(docs)]


def iss_stream(
    items: list[dict], th: Thresholds | None = None, embedder: Embedder | None = None
) -> dict:
    """Story-or-not P/R/F1, update-vs-rehash accuracy, verdict accuracy, and the misses."""
    th = th or Thresholds()
    memory = StoryMemory(iss_seeds(), embedder=embedder)
    tp = fp = fn = 0
    ur_right = ur_total = exact = foreign_updates = 0
    misses = []
    for n, item in enumerate(items):
        f = features(item["text"], item.get("language") or "en")
        d = classify(f, memory, th)
        label, verdict = item.get("policy_label", item["label"]), d.verdict
        matched, truth = verdict in MATCHED, label in MATCHED
        tp += matched and truth
        fp += matched and not truth
        fn += truth and not matched
        if label in ("update", "rehash") and matched:
            ur_total += 1
            ur_right += (verdict == "update") == (label == "update")
        exact += verdict == label
        foreign_updates += verdict == "update" and f.language != "en"
        if verdict != label:
            misses.append((item["id"], label, verdict, round(d.score, 2), item["title"][:60]))
        memory.absorb(n, f, verdict)
    return prf(tp, fp, fn) | {
        "update_accuracy": ur_right / ur_total if ur_total else 0.0,
        "verdict_accuracy": exact / len(items),
        "foreign_updates": foreign_updates,
        "misses": misses,
    }


def retellings() -> Counter:
    """The seeds are five real reports of one event: each, judged against the other four, is
    the story retold with its own background, so it should be a rehash, never an update."""
    docs = load_story(SEEDS_DIR / "iss-withdrawal", []).documents
    found: Counter[str] = Counter()
    for i, doc in enumerate(docs):
        memory = StoryMemory([(j, d.text) for j, d in enumerate(docs) if j != i])
        found[classify(doc.text, memory).verdict] += 1
    return found


def demo() -> Counter:
    from pipeline.boilerplate import strip_boilerplate
    from pipeline.demo import demo_pages
    from pipeline.demo.pages import render_page
    from pipeline.extract import extract

    memory = StoryMemory(iss_seeds())
    found: Counter[tuple[str, str]] = Counter()
    for page in demo_pages():
        found[
            (
                page.slug,
                classify(strip_boilerplate(extract(render_page(page)).text).text, memory).verdict,
            )
        ] += 1
    return found


def speed() -> dict:
    """Articles per second against 10 stories (ECB+ events as the stories), one core; and the
    cost per article when the story has already seen 1,000 or 100,000 articles."""
    import numpy as np
    from datasketch import MinHash

    from pipeline.matching.features import NUM_PERM

    SCHEME = MinHash(NUM_PERM, seed=7).scheme

    docs = [json.loads(line) for line in ECB.open(encoding="utf-8")]
    stories = [StoryMemory([(i, d["text"])]) for i, d in enumerate(docs[:10])]
    stream = [d["text"] for d in docs[10:]]
    best = float("inf")
    for _ in range(3):  # the best of three passes: other work on the machine only slows
        started = time.perf_counter()
        for text in stream:
            f = features(text)
            for memory in stories:
                classify(f, memory)
        best = min(best, time.perf_counter() - started)
    per_second = len(stream) / best
    costs = {}
    rng = np.random.default_rng(7)
    held = 0.0
    for stored in (1_000, 100_000):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        memory = StoryMemory([(0, docs[0]["text"])])
        for i in range(stored):  # seen copies: random signatures, each with its own shingles
            signature = rng.integers(1, 2**32 - 1, NUM_PERM, dtype=np.uint64)
            seen = MinHash(NUM_PERM, seed=7, hashvalues=signature, scheme=SCHEME)
            # each with 400 runs of its own, as a news article has
            runs = np.unique(rng.integers(0, 2**32, 400, dtype=np.uint32))
            memory.remember_copy_signature(i + 1, seen, runs)
        # what the seen articles take: the growth of the peak while they are remembered
        held = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) / 1024
        costs[stored] = _per_article(memory, stream)
    return {
        "articles_per_second": per_second,
        "cost": costs,
        "loading": _loading(stream),
        "memory_mb": held,
    }


def speed_with_model(embedder: Embedder, groups: int = 30) -> dict[str, float]:
    """Articles per second with the model, for a stream where 1 article in 20 is a candidate
    (an ISS report among ECB+ documents, against the seed story): cheap evidence first, the
    model reads only the candidates' leads. Nothing is cached."""
    docs = [json.loads(line)["text"] for line in ECB.open(encoding="utf-8")]
    reports = [json.loads(line)["text"] for line in STREAM.open(encoding="utf-8")]
    stream = [t for i in range(groups) for t in (*docs[i * 19 : i * 19 + 19], reports[i])]
    memory = StoryMemory(iss_seeds(), embedder=embedder)
    embedded = getattr(embedder, "texts", [])
    spent = {True: 0.0, False: 0.0}  # seconds on candidates (the model read them), others
    count = {True: 0, False: 0}
    for text in stream:
        before = len(embedded)
        started = time.perf_counter()
        classify(features(text), memory)
        candidate = len(embedded) > before
        spent[candidate] += time.perf_counter() - started
        count[candidate] += 1
    return {
        "articles_per_second": len(stream) / (spent[True] + spent[False]),
        "candidates_per_second": count[True] / spent[True] if spent[True] else 0.0,
        "candidates": count[True],
        "articles": len(stream),
    }


def _loading(stream: list[str]) -> dict[str, float]:
    """Seconds per seen article to rebuild a story's memory: from its text, or from the
    fingerprint stored in DuckDB (what the match stage does)."""
    from pipeline.matching.features import pack_copy, unpack_copy

    started = time.perf_counter()
    made = [features(text) for text in stream]
    from_text = (time.perf_counter() - started) / len(stream)
    packed = [pack_copy(f) for f in made]
    memory = StoryMemory([(0, stream[0])])
    started = time.perf_counter()
    for i, (signature, runs) in enumerate(packed):
        memory.remember_copy_signature(i + 1, *unpack_copy(signature, runs))
    return {"text": from_text, "fingerprint": (time.perf_counter() - started) / len(packed)}


def _per_article(memory: StoryMemory, stream: list[str], repeats: int = 3) -> float:
    """Seconds per article, the best of a few passes."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for text in stream:
            classify(features(text), memory)
        best = min(best, time.perf_counter() - started)
    return best / len(stream)


def main() -> None:
    th, embedder = realnews.semantic()
    e = ecb(th, embedder)
    print(f"ECB+ topics 1-30, {e['docs']} same-event documents")
    print(f"  is it the story   P {e['precision']:.3f}  R {e['recall']:.3f}  F1 {e['f1']:.3f}")
    print(f"  look-alike event matched {e['lookalike_rate']:.1%} of the time")
    realnews.main(th, embedder)
    if STREAM.exists():
        items = [json.loads(line) for line in STREAM.open(encoding="utf-8")]
        s = iss_stream(items, th, embedder)
        print(f"ISS stream, {len(items)} articles")
        print(f"  is it the story   P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}")
        print(f"  update vs rehash accuracy {s['update_accuracy']:.3f}")
        print(
            f"  verdict accuracy {s['verdict_accuracy']:.3f}; "
            f"updates in other languages: {s['foreign_updates']}"
        )
        for miss in s["misses"]:
            print("   ", *miss)
    print(
        "real retellings (each seed against the other four):",
        ", ".join(f"{n} {verdict}" for verdict, n in sorted(retellings().items())),
    )
    print("demo:", ", ".join(f"{slug}: {verdict}" for (slug, verdict) in demo()))
    sp = speed()
    print(f"speed: {sp['articles_per_second']:.0f} articles/s against 10 stories, one core")
    small, large = sp["cost"][1_000], sp["cost"][100_000]
    print(
        f"  per article with 1,000 seen: {small * 1000:.2f} ms, with 100,000: "
        f"{large * 1000:.2f} ms ({large / small:.2f}x); 100,000 seen articles of 400 runs"
        f" take {sp['memory_mb']:.0f} MB"
    )
    if embedder is not None:
        counted = Counting(load_embedder().embedder)
        m = speed_with_model(counted)
        print(
            f"  with the model: {m['articles_per_second']:.0f} articles/s for {m['articles']}"
            f" articles of which {m['candidates']} candidates (the model read their leads):"
            f" {m['candidates_per_second']:.1f} candidates/s"
        )
    load = sp["loading"]
    print(
        f"  a story's memory, per seen article: {load['fingerprint'] * 1e6:.0f} µs from its "
        f"stored fingerprint, {load['text'] * 1e6:.0f} µs from its text"
    )

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory of this bench (the model, 100,000 seen articles in one story): {peak:.0f} MB"
    )


class Counting:
    """An embedder that counts what it embeds."""

    def __init__(self, embedder):
        self._embedder, self.name, self.dim = embedder, embedder.name, embedder.dim
        self.texts: list[str] = []

    def embed(self, texts: list[str]):
        self.texts += texts
        return self._embedder.embed(texts)


if __name__ == "__main__":
    main()
