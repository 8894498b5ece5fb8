"""story.toml as text: a new story's, written out in full with what each key does, and the
edits the `story` commands make, through tomlkit so that the reader's comments, order and
layout stay as they were. Pure: text in, text out; checking and saving are the caller's."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table
from tomlkit.toml_document import TOMLDocument


@dataclass(frozen=True)
class DocumentEntry:
    """A `[[documents]]` entry."""

    file: str
    url: str | None = None
    kind: str | None = None


def _value(value: Any) -> str:
    return tomlkit.item(value).as_string()


def new_story_toml(
    name: str, description: str, language: str, documents: Iterable[DocumentEntry]
) -> str:
    """A new story's story.toml, every key written out at its default, with what it does."""
    lines = [
        "# A story: what it is, who hears about it, and the documents that define it.",
        f"name = {_value(name)}",
        f"description = {_value(description)}",
        "# Empty: the `recipients` of storywatch.toml are used.",
        "recipients = []",
        '# "updates": an email for every article that brings a new fact; "none": record, never',
        "# email.",
        'alert_policy = "updates"',
        "# The language of the seed documents, for the word weights.",
        f"language = {_value(language)}",
        "",
        '# When the email goes out. "immediate": one per update; "hourly" or "daily": one per',
        '# window (UTC) listing every update of it. `cooldown` (immediate only; "90s", "15m",',
        '# "2h", "1d"): an update within this time of the story\'s last email is held back.',
        "[alerts]",
        'delivery = "immediate"',
        'cooldown = "0s"',
        "",
        "# What an article must say, or must not, to be the story, whatever the matcher makes",
        "# of it (`storywatch story rules`). Words or phrases in any language, case aside; an",
        '# entry that is a list, ["Roscosmos", "Роскосмос"], is mentioned when one of it is.',
        "# `languages`: only articles in these (empty: any).",
        "[rules]",
        "must_mention = []",
        "must_not_mention = []",
        "languages = []",
        "",
        "# This story's own thresholds: any key of [matching] in storywatch.toml, such as",
        "# match = 0.4; the others are the config's.",
        "[matching]",
        "",
        "# The seed documents. `url` is recorded as the document's source.",
    ]
    for doc in documents:
        lines += ["[[documents]]", f"file = {_value(doc.file)}"]
        if doc.kind:
            lines.append(f"kind = {_value(doc.kind)}")
        if doc.url:
            lines.append(f"url = {_value(doc.url)}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def edited(text: str, change: Callable[[TOMLDocument], None]) -> str:
    """`text` with `change` made to its document; comments and layout kept. Raises ValueError
    when the text is not TOML."""
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ValueError(f"not valid TOML: {exc}") from None
    change(doc)
    out = tomlkit.dumps(doc)
    return out if out.endswith("\n") else out + "\n"


def _table(doc: TOMLDocument, key: str) -> Table:
    if key not in doc:
        doc.add(tomlkit.nl())
        doc.add(key, tomlkit.table())
    table = doc[key]
    if not isinstance(table, Table):
        raise ValueError(f"{key} must be a table ([{key}])")
    return table


def add_documents(
    existing: list[str], entries: list[DocumentEntry]
) -> Callable[[TOMLDocument], None]:
    """Append `[[documents]]` entries. A story.toml that lists none takes every text file of
    its folder: those (`existing`) are listed first, so that adding one drops none."""

    def change(doc: TOMLDocument) -> None:
        if "documents" not in doc:
            doc.add(tomlkit.nl())
            doc.add("documents", tomlkit.aot())
            for file in existing:
                _append(doc, DocumentEntry(file))
        for entry in entries:
            _append(doc, entry)

    return change


def _append(doc: TOMLDocument, entry: DocumentEntry) -> None:
    documents = doc["documents"]
    if not isinstance(documents, AoT):
        raise ValueError("documents must be a list of tables ([[documents]])")
    table = tomlkit.table()
    table.add("file", entry.file)
    if entry.kind:
        table.add("kind", entry.kind)
    if entry.url:
        table.add("url", entry.url)
    documents.append(table)


def set_rules(
    *,
    must_mention: list[list[str]] | None = None,
    must_not_mention: list[str] | None = None,
    languages: list[str] | None = None,
    thresholds: dict[str, Any] | None = None,
    clear: Iterable[str] = (),
) -> Callable[[TOMLDocument], None]:
    """Clear the rules named in `clear` ("matching" for the thresholds), then add the phrases
    and languages given (each once) and set the thresholds (None: back to the config's)."""

    def change(doc: TOMLDocument) -> None:
        rules = _table(doc, "rules")
        for key in clear:
            if key == "matching":
                if "matching" in doc:
                    _table(doc, "matching").clear()
            elif key in rules:
                rules[key] = []
        additions: dict[str, list] = {
            "must_mention": [e[0] if len(e) == 1 else e for e in must_mention or []],
            "must_not_mention": must_not_mention or [],
            "languages": languages or [],
        }
        for key, added in additions.items():
            if not added:
                continue
            current = list(rules.get(key, []))
            for value in added:
                if value not in current:
                    current.append(value)
            rules[key] = current
        if thresholds:
            matching = _table(doc, "matching")
            for key, value in thresholds.items():
                if value is None:
                    matching.pop(key, None)
                else:
                    matching[key] = value

    return change
