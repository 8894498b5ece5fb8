"""Story folders: `<stories_dir>/<slug>/story.toml` plus the seed documents it lists."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .alert_policy import AlertPolicy, Delivery, parse_duration
from .config import EmailAddress
from .errors import StorywatchError

DOCUMENT_SUFFIXES = (".txt", ".md")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class StoryError(StorywatchError, ValueError):
    """A story folder that cannot be used; the message names the folder and the problem."""


class _DocumentEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str
    kind: str | None = None
    url: str | None = None


class MatchingOverrides(BaseModel):
    """A story's own thresholds: any key of [matching] in storywatch.toml."""

    model_config = ConfigDict(extra="forbid")
    match: float | None = None
    related: float | None = None
    cast_floor: float | None = None
    duplicate: float | None = None
    sentence_known: float | None = None
    new_rare_words: int | None = None
    min_fact_words: int | None = None
    lead_sentences: int | None = None


class _AlertsTable(BaseModel):
    """`[alerts]`: when the story's recipients hear of its updates."""

    model_config = ConfigDict(extra="forbid")
    delivery: Delivery = "immediate"
    cooldown: float = 0.0  # seconds; "15m", "2h", "1d" are read too

    @field_validator("cooldown", mode="before")
    @classmethod
    def _duration(cls, value: str | float) -> float:
        return parse_duration(value).total_seconds()


class _StoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    recipients: list[EmailAddress] = []
    alert_policy: Literal["updates", "none"] = "updates"
    language: str = "en"
    matching: MatchingOverrides = MatchingOverrides()
    alerts: _AlertsTable = _AlertsTable()
    documents: list[_DocumentEntry] = []


@dataclass(frozen=True)
class SeedDocument:
    file: str
    source: str  # the document's URL where known, else its file name
    text: str


@dataclass(frozen=True)
class Story:
    slug: str
    name: str
    description: str
    recipients: list[str]
    alert_policy: str
    documents: list[SeedDocument]
    language: str = "en"
    matching: dict = field(default_factory=dict)  # thresholds this story sets for itself
    # not part of the definition hash: changing when mail goes out changes nothing stored
    alerts: AlertPolicy = AlertPolicy()

    @property
    def definition_hash(self) -> str:
        h = hashlib.sha256()
        for part in (
            self.name,
            self.description,
            self.alert_policy,
            self.language,
            json.dumps(self.matching, sort_keys=True),
            *self.recipients,
        ):
            h.update(part.encode() + b"\0")
        for doc in self.documents:
            h.update(doc.source.encode() + b"\0" + doc.text.encode() + b"\0")
        return h.hexdigest()[:16]


def load_stories(stories_dir: Path, default_recipients: list[str]) -> list[Story]:
    """Every story folder under `stories_dir`, sorted by slug."""
    if not stories_dir.is_dir():
        raise StoryError(f"{stories_dir}: stories folder not found")
    return [
        load_story(folder, default_recipients)
        for folder in sorted(stories_dir.iterdir())
        if (folder / "story.toml").is_file()
    ]


def load_story(folder: Path, default_recipients: list[str]) -> Story:
    where = folder / "story.toml"
    if not SLUG.match(folder.name):
        raise StoryError(f"{folder}: folder name must be lower-case letters, digits and '-'")
    try:
        spec = _StoryFile(**tomllib.loads(where.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as exc:
        raise StoryError(f"{where}: not valid TOML: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise StoryError(f"{where}: {problems}") from None
    entries = spec.documents or [
        _DocumentEntry(file=p.name)
        for p in sorted(folder.iterdir())
        if p.suffix in DOCUMENT_SUFFIXES and p.name != "README.md"
    ]
    documents = []
    for entry in entries:
        path = folder / entry.file
        if not path.is_file():
            raise StoryError(f"{where}: document {entry.file} not found")
        documents.append(SeedDocument(entry.file, entry.url or entry.file, path.read_text("utf-8")))
    if not documents:
        raise StoryError(f"{folder}: a story needs at least one seed document")
    return Story(
        slug=folder.name,
        name=spec.name,
        description=spec.description,
        recipients=spec.recipients or default_recipients,
        alert_policy=spec.alert_policy,
        documents=documents,
        language=spec.language,
        matching=spec.matching.model_dump(exclude_none=True),
        alerts=AlertPolicy(
            delivery=spec.alerts.delivery, cooldown=timedelta(seconds=spec.alerts.cooldown)
        ),
    )


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def write_story(
    stories_dir: Path, name: str, description: str, documents: list[tuple[str, str, str | None]]
) -> Path:
    """Create a story folder from (file name, text, url) triples; refuses to overwrite one."""
    folder = stories_dir / slugify(name)
    if folder.exists():
        raise StoryError(f"{folder}: a story with this name already exists")
    folder.mkdir(parents=True)
    lines = [
        f"name = {_toml_str(name)}",
        f"description = {_toml_str(description)}",
        "recipients = []",
        'alert_policy = "updates"',
    ]
    for file, text, url in documents:
        (folder / file).write_text(text, encoding="utf-8")
        lines += ["", "[[documents]]", f"file = {_toml_str(file)}"]
        if url:
            lines.append(f"url = {_toml_str(url)}")
    (folder / "story.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _toml_str(value: str) -> str:
    # a JSON string is a valid TOML basic string: same quotes, same escapes
    return json.dumps(value, ensure_ascii=False)
