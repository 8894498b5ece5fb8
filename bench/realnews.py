"""The real-news development set: stories as the press told them, labelled by hand.

    .venv/bin/python -m bench.realnews [--lexical] [--emails]

`--emails` also prints each update email and each real update missed, with what decided it:
the lead's new and changed facts, and the nearest lead the story knew.

Each story's labels, URLs and the search query that found each item are in
`bench/realnews/<story>.jsonl` (stream order; `label` is seed, rehash, update, related or
unrelated, relative to what the stream had said before; `changed` names the values an update
changes). The page texts belong to their publishers and are not in the repository: a folder
with `<story>/texts/<id>.txt` is read from $STORYWATCH_REALNEWS, else from `realnews/` next to
the checkout. Without it, the bench says so and measures nothing.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline.boilerplate import strip_boilerplate
from pipeline.feedback import correction_for
from pipeline.matching import Decision, StoryMemory, Thresholds, classify, features
from pipeline.matching.embedding import Embedder, Remembering, load_embedder
from pipeline.paths import PROJECT_ROOT

LABELS = Path(__file__).resolve().parent / "realnews"
MATCHED = {"duplicate", "rehash", "update"}
STORY = {"rehash", "update"}
CORRECTIONS = 5  # wrong verdicts a reader corrects per story, in the second pass


def texts_folder() -> Path:
    return Path(os.environ.get("STORYWATCH_REALNEWS") or PROJECT_ROOT.parent / "realnews")


def stories() -> list[str]:
    return sorted(p.stem for p in LABELS.glob("*.jsonl"))


@dataclass
class Item:
    id: str
    role: str
    label: str
    language: str
    text: str
    changed: list[dict] = field(default_factory=list)


def load(story: str, folder: Path | None = None) -> list[Item] | None:
    """The story's items in stream order with their texts, or None when the texts are absent."""
    texts = (folder or texts_folder()) / story / "texts"
    if not texts.is_dir():
        return None
    items = []
    for line in (LABELS / f"{story}.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        text = (texts / f"{row['id']}.txt").read_text(encoding="utf-8")
        # the stored excerpt may open with the corpus's own " date YYYY-MM-DD" line
        text = re.sub(r"^\s*date \d{4}(-\d\d){0,2}\s*", "", text)
        # as the pipeline stores an article: without the lines around it (photo credits,
        # wire sign-offs), which would otherwise read as new facts
        text = strip_boilerplate(text).text
        items.append(
            Item(row["id"], row["role"], row["label"], row["language"], text, row["changed"])
        )
    return items


def _numbers(value: str) -> set[str]:
    return set(re.findall(r"\d+(?:[.,]\d+)?", value))


def names_change(found: list[dict], truth: list[dict]) -> bool:
    """Whether one change the matcher named has the labelled old and new values (by their
    numbers, as the labels word values in their own way)."""
    for t in truth:
        was, now = _numbers(t["was"]), _numbers(t["now"])
        for f in found:
            if now and now & _numbers(f["now"]) and (not was or was & _numbers(f["was"])):
                return True
    return False


class Tally:
    """Counts of one stream: story-or-not, update emails, changed values, crashes."""

    def __init__(self) -> None:
        self.n: Counter[str] = Counter()

    def add(self, item: Item, verdict: str | None, changed: list[dict]) -> None:
        n, english = self.n, item.language == "en"
        side = "en" if english else "other"
        if verdict is None:  # a crash is a miss, and counted as one
            n["crashed"] += 1
            verdict = "crashed"
        matched, truth = verdict in MATCHED, item.label in STORY
        n[f"{side} tp"] += matched and truth
        n[f"{side} fp"] += matched and not truth
        n[f"{side} fn"] += truth and not matched
        if verdict == "update":
            n[f"{side} emails"] += 1
            n[f"{side} right emails"] += item.label == "update"
        if item.label == "update":
            n[f"{side} updates"] += 1
            n[f"{side} emailed updates"] += verdict == "update"
            if item.changed and verdict == "update":
                n["changes"] += 1
                n["changes named"] += names_change(changed, item.changed)
            elif item.changed:
                n["changes"] += 1

    def figures(self, side: str) -> dict[str, float]:
        n = self.n
        tp, fp, fn = n[f"{side} tp"], n[f"{side} fp"], n[f"{side} fn"]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return {
            "precision": p,
            "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "emails": n[f"{side} emails"],
            "right emails": n[f"{side} right emails"],
            "updates": n[f"{side} updates"],
            "emailed updates": n[f"{side} emailed updates"],
        }


def semantic(argv: list[str] | None = None) -> tuple[Thresholds, Embedder | None]:
    """The thresholds and embedder a bench runs with: those of the match stage (the default
    embedding model, its leads kept in the bench's cache), or with `--lexical` the names and
    words alone."""
    if "--lexical" in (sys.argv[1:] if argv is None else argv):
        return Thresholds(semantic=False), None
    loaded = load_embedder()
    print(loaded.describe())
    return Thresholds(), Remembered(loaded.embedder) if loaded.embedder else None


class Remembered(Remembering):
    """The match stage's remembering embedder, kept in a file under var/bench/ for the next
    run: the benches run again after every change of the matcher, while the texts stay."""

    def __init__(self, embedder: Embedder, cache: Path | None = None):
        super().__init__(embedder, size=1_000_000)
        safe = re.sub(r"[^\w.-]+", "_", embedder.name)
        self._path = cache or PROJECT_ROOT / "var" / "bench" / f"leads-{safe}.npz"
        if self._path.exists():
            with np.load(self._path) as stored:
                self._seen.update(zip(stored["texts"].tolist(), stored["vectors"], strict=True))
        self._stored = len(self._seen)
        atexit.register(self.save)

    def save(self) -> None:
        if len(self._seen) != self._stored:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            texts, vectors = list(self._seen), np.stack(list(self._seen.values()))
            np.savez(self._path, texts=np.array(texts), vectors=vectors)
            self._stored = len(self._seen)


def stream(
    items: list[Item],
    tally: Tally,
    th: Thresholds | None = None,
    embedder: Embedder | None = None,
    corrections: int = 0,
    emails: bool = False,
) -> None:
    """Judge the items in order against the seeds, learning from each verdict as the match
    stage does. With `corrections`, a reader who knows the labels corrects the first that
    many wrong verdicts as they happen (`storywatch feedback`), and the story takes the
    correction in place of its verdict; the wrong verdicts still count."""
    th = th or Thresholds()
    seeds = [i for i in items if i.role == "seed"]
    memory = StoryMemory(
        [(-1 - n, s.text) for n, s in enumerate(seeds)], seeds[0].language, embedder
    )
    for n, item in enumerate(i for i in items if i.role != "seed"):
        try:
            f = features(item.text, item.language)
            d = classify(f, memory, th)
        except Exception:  # a crash is a figure here: the bench counts it and goes on
            tally.add(item, None, [])
            continue
        tally.add(item, d.verdict, [dict(c) for c in d.changed_facts])
        if emails and "update" in (d.verdict, item.label):
            print(email_line(item, d, {s.text for s in f.sentences[: th.lead_sentences]}))
        said = correction_for(d.verdict, item.label) if tally.n["corrected"] < corrections else None
        if said is None:
            memory.absorb(n, f, d.verdict)
        else:
            tally.n["corrected"] += 1
            memory.correct(n, f, said)


def email_line(item: Item, d: Decision, lead: set[str]) -> str:
    """One update email, or one real update that got none, and what decided it."""
    kind = "missed" if d.verdict != "update" else "right" if item.label == "update" else "wrong"
    r = d.reasons
    if d.verdict in ("related", "unrelated"):
        said = [f"cast {r.get('cast')}, words {r.get('words')}"]
    else:
        said = [f"new: {s[:90]}" for s in d.new_facts if s in lead]
        said += [f"{c['was']} -> {c['now']}" for c in d.changed_facts if c["sentence"] in lead]
    why = r.get("why") or "; ".join(said) or "no new fact in the lead"
    near = f"{r['nearest_lead']} at {r['lead_similarity']}" if "nearest_lead" in r else "-"
    return f"    {kind:6} {item.id} {item.language} {item.label}->{d.verdict} ({near}): {why}"


def main(th: Thresholds | None = None, embedder: Embedder | None = None) -> None:
    if th is None:
        th, embedder = semantic()
    folder = texts_folder()
    if not all(load(story, folder) for story in stories()):
        print(
            f"real news: no texts in {folder} (set STORYWATCH_REALNEWS to the folder that "
            "holds <story>/texts/<id>.txt); nothing measured"
        )
        return
    for corrections in (0, CORRECTIONS):
        if corrections:
            print(f"after the reader corrects the first {corrections} wrong verdicts of each story")
        total = Tally()
        for story in stories():
            items = load(story, folder) or []
            tally = Tally()
            stream(
                items,
                tally,
                th,
                embedder,
                corrections,
                "--emails" in sys.argv[1:] and not corrections,
            )
            total.n.update(tally.n)
            print(f"{story}: {sum(i.role != 'seed' for i in items)} items")
            report(tally)
        print(f"all {len(stories())} stories")
        report(total)


def report(tally: Tally) -> None:
    for side, name in (("en", "English"), ("other", "other languages")):
        f = tally.figures(side)
        print(
            f"  {name:16} story P {f['precision']:.2f} R {f['recall']:.2f} F1 {f['f1']:.2f}; "
            f"update emails right {f['right emails']}/{f['emails']}; "
            f"real updates emailed {f['emailed updates']}/{f['updates']}"
        )
    n = tally.n
    print(
        f"  changed values named {n['changes named']}/{n['changes']}; crashed {n['crashed']}"
        + (f"; {n['corrected']} verdicts corrected by the reader" if n["corrected"] else "")
    )


if __name__ == "__main__":
    main()
