"""`storywatch classify`: judge a stream of items against a story as the pipeline would, with
no database, so thresholds can be backtested on an archive. The interface is stable."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .boilerplate import strip_boilerplate
from .config import Settings
from .errors import UsageError, one_line
from .explanation import Reasons
from .extract import extract
from .matching import StoryMemory, Thresholds, classify, features
from .matching.embedding import Embedder
from .matching.features import with_title
from .rules import apply_rules
from .stories import Story
from .thresholds import thresholds

TEXT_KEYS = ("title", "html", "url", "language")  # "text" is taken as it comes, made a string


@dataclass
class Replay:
    """A story's memory for a replay, with the external ids of what it holds."""

    story: Story
    thresholds: Thresholds
    frozen: bool
    embedder: Embedder | None = None

    def __post_init__(self) -> None:
        self.ids: dict[int, str] = {}
        docs = []
        for n, doc in enumerate(self.story.documents):
            self.ids[-1 - n] = f"seed:{doc.file}"
            docs.append((-1 - n, doc.text))
        self.memory = StoryMemory(docs, self.story.language, self.embedder)

    def judge(self, number: int, item: dict) -> dict:
        text = item_text(item)
        f = features(text, item.get("language") or self.story.language)
        decision = apply_rules(classify(f, self.memory, self.thresholds), f, self.story.rules)
        if not self.frozen:
            self.ids[number] = str(item["id"])
            self.memory.absorb(number, f, decision.verdict)
        out = {
            "id": item["id"],
            "verdict": decision.verdict,
            "score": round(decision.score, 4),
            "new_facts": decision.new_facts,
            "changed_facts": decision.changed_facts,
        }
        if decision.duplicate_of is not None:
            out["duplicate_of"] = self._id(decision.duplicate_of)
        out["reasons"] = self._with_ids(decision.reasons)
        return out

    def _with_ids(self, reasons: Reasons) -> dict:
        """The reasons, naming documents by the ids the replay's input gives them (a seed by
        its file), as `duplicate_of` does."""
        named: dict = dict(reasons)
        for key in ("nearest_document", "nearest_lookalike"):
            if key in named:
                named[key] = self._id(named[key])
        if "nearest_lead" in named:  # "update 12"
            kind, number = named["nearest_lead"].split()
            named["nearest_lead"] = f"{kind} {self._id(int(number))}"
        if "nearest_sentences" in named:
            named["nearest_sentences"] = [
                n | {"known_in": self._id(n["known_in"])} for n in named["nearest_sentences"]
            ]
        return named

    def _id(self, number: int) -> str | int:
        return self.ids.get(number, number)


def item_text(item: dict) -> str:
    """An item's text to judge: its title, then its text (or the article of its html)."""
    if not isinstance(item.get("id"), str | int):
        raise UsageError('every item needs an "id" (a string or a number)')
    for key in TEXT_KEYS:
        if not isinstance(item.get(key), str | None):
            raise UsageError(f'"{key}" must be a string')
    title = item.get("title")
    if item.get("text") is not None:
        body = str(item["text"])
    elif item.get("html") is not None:
        page = extract(item["html"], url=item.get("url"))
        # extraction keeps the headline apart from the text: without it the lead is short
        body, title = strip_boilerplate(page.text).text, title or page.title
    else:
        raise UsageError('an item needs "text" or "html"')
    return with_title(title, body)


def replay(
    settings: Settings,
    story: Story,
    lines: Iterable[str],
    frozen: bool,
    embedder: Embedder | None = None,
) -> Iterator[str]:
    """One output line per input line, in order; a bad line gives an error line, and the
    replay goes on."""
    judge = Replay(story, thresholds(settings, story), frozen, embedder)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise UsageError("each line must be a JSON object")
            result = judge.judge(number, item)
        except (ValueError, TypeError) as exc:
            result = _error(item, f"line {number}: {exc}")
        except Exception as exc:  # the matcher failed on this item: its line says so
            result = _error(item, f"line {number}: the matcher failed: {one_line(exc)}")
        yield json.dumps(result, ensure_ascii=False, default=str)


def _error(item, error: str) -> dict:
    ident = item.get("id") if isinstance(item, dict) else None
    return {"id": ident, "verdict": None, "error": error}
