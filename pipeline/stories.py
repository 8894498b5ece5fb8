"""Story folders: `<stories_dir>/<slug>/story.toml` plus the seed documents it lists."""

from __future__ import annotations

import codecs
import hashlib
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional, TypeAlias

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    create_model,
    field_validator,
)

from .alert_policy import AlertPolicy, Delivery, parse_duration
from .channels import Channel
from .config import ChannelUrl, EmailAddress, MatchingConfig
from .errors import StorywatchError
from .outputs import make_folder, write_file
from .rules import Rules
from .story_toml import DocumentEntry, new_story_toml

DOCUMENT_SUFFIXES = (".txt", ".md")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SEED_NAME_CHARS = 60  # a seed file's name, from its title, is at most this long (and .txt)
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


class StoryError(StorywatchError, ValueError):
    """A story folder that cannot be used; the message names the folder and the problem."""


class _DocumentEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str
    kind: str | None = None
    url: str | None = None


def _overrides_of(config: type[BaseModel]) -> type[BaseModel]:
    """The same keys as `config`, with its types and bounds, each optional (unset: the config's)."""
    fields: dict[str, Any] = {
        name: (
            # with the bounds (ge, le); Optional[], as mypy cannot `|` an annotation held in a value
            # (a key without bounds, a flag, has no metadata, and Annotated needs some)
            Annotated[Optional[info.annotation], *info.metadata]  # noqa: UP045
            if info.metadata
            else Optional[info.annotation],  # noqa: UP045
            Field(None, description=info.description),
        )
        for name, info in config.model_fields.items()
    }
    return create_model(
        f"{config.__name__}Overrides", __config__=ConfigDict(extra="forbid"), **fields
    )


# A story's own thresholds: any key of [matching] in storywatch.toml, within the same bounds.
if TYPE_CHECKING:  # a class made at import is no type to mypy: a model is what it knows of it
    MatchingOverrides: TypeAlias = BaseModel
else:
    MatchingOverrides = _overrides_of(MatchingConfig)


class _AlertsTable(BaseModel):
    """`[alerts]`: when the story's recipients hear of its updates."""

    model_config = ConfigDict(extra="forbid")
    delivery: Delivery = "immediate"
    cooldown: float = 0.0  # seconds; "15m", "2h", "1d" are read too
    channels: list[ChannelUrl] = []  # apprise URLs; the config's `channels` if empty

    @field_validator("cooldown", mode="before")
    @classmethod
    def _duration(cls, value: str | float) -> float:
        return parse_duration(value).total_seconds()


def _phrase(value: str) -> str:
    if not value.split():
        raise ValueError("an empty word or phrase matches everything; drop it")
    return " ".join(value.split())


def _language_tag(value: str) -> str:
    if not LANGUAGE_TAG.match(value):
        raise ValueError(f"{value!r} is not a language tag (such as en, de, pt-BR)")
    return value


Phrase = Annotated[str, AfterValidator(_phrase)]


class _RulesTable(BaseModel):
    """`[rules]`: what an article must say, or must not, to be the story (see `rules`)."""

    model_config = ConfigDict(extra="forbid")
    # an entry that is a list is mentioned when any of its phrases is
    must_mention: list[list[Phrase]] = []
    must_not_mention: list[Phrase] = []
    languages: list[Annotated[str, AfterValidator(_language_tag)]] = []

    @field_validator("must_mention", mode="before")
    @classmethod
    def _entries_as_alternatives(cls, entries: Any) -> Any:
        # "ISS" is the entry ["ISS"]: one phrase, no alternative
        if isinstance(entries, list):
            return [[e] if isinstance(e, str) else e for e in entries]
        return entries

    @field_validator("must_mention")
    @classmethod
    def _no_empty_alternatives(cls, entries: list[list[str]]) -> list[list[str]]:
        if any(not e for e in entries):
            raise ValueError("an empty list of alternatives can never be mentioned; drop it")
        return entries

    def rules(self) -> Rules:
        return Rules(
            must_mention=tuple(tuple(e) for e in self.must_mention),
            must_not_mention=tuple(self.must_not_mention),
            languages=tuple(self.languages),
        )


class _StoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    recipients: list[EmailAddress] = []
    alert_policy: Literal["updates", "none"] = "updates"
    language: str = "en"
    matching: MatchingOverrides = MatchingOverrides()
    alerts: _AlertsTable = _AlertsTable()
    rules: _RulesTable = _RulesTable()
    documents: list[_DocumentEntry] = []


@dataclass(frozen=True)
class SeedDocument:
    file: str
    source: str  # the document's URL where known, else its file name
    text: str
    kind: str | None = None  # what it is, for people ("original report")


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
    alerts: AlertPolicy = AlertPolicy()
    # where its updates are posted besides email; secrets, so kept out of the database and of
    # `definition_hash` (an edit of a channel alone is no new definition of the story)
    channels: list[Channel] = field(default_factory=list)
    rules: Rules = Rules()

    @property
    def definition_hash(self) -> str:
        h = hashlib.sha256()
        for part in (
            self.name,
            self.description,
            self.alert_policy,
            self.language,
            json.dumps(self.matching, sort_keys=True),
            self.alerts.delivery,
            str(self.alerts.cooldown.total_seconds()),
            *self.recipients,
        ):
            h.update(part.encode() + b"\0")
        if self.rules:  # a story without rules keeps the hash it had before there were any
            h.update(json.dumps(self.rules_json(), sort_keys=True).encode() + b"\0")
        for doc in self.documents:
            h.update(doc.source.encode() + b"\0" + doc.text.encode() + b"\0")
        return h.hexdigest()[:16]

    def rules_json(self) -> dict[str, list]:
        """The rules as story.toml and `story_definitions` hold them."""
        return {
            "must_mention": [list(e) for e in self.rules.must_mention],
            "must_not_mention": list(self.rules.must_not_mention),
            "languages": list(self.rules.languages),
        }


@dataclass(frozen=True)
class BrokenStory:
    """A story folder that did not load, and why, in one line that says what to fix."""

    slug: str  # the folder's name
    error: str

    def __str__(self) -> str:
        return f"story {self.slug} not loaded, not matched until fixed: {self.error}"


@dataclass(frozen=True)
class StoryFolders:
    """What the stories folder holds: the stories that loaded, and the folders that did not."""

    stories: list[Story]
    broken: list[BrokenStory]


def load_stories(
    stories_dir: Path,
    default_recipients: list[str],
    default_channels: list[SecretStr] | None = None,
) -> StoryFolders:
    """Every story folder under `stories_dir`, sorted by slug; a broken one does not stop the
    others, it is returned with its problem."""
    stories, broken = [], []
    for folder in story_folders(stories_dir):
        try:
            stories.append(load_story(folder, default_recipients, default_channels))
        except StoryError as exc:
            broken.append(BrokenStory(folder.name, str(exc)))
    return StoryFolders(stories, broken)


def story_folders(stories_dir: Path) -> list[Path]:
    """The folders of `stories_dir` that hold a story.toml, sorted by name."""
    if not stories_dir.is_dir():
        raise StoryError(f"{stories_dir}: stories folder not found; set stories_dir in the config")
    return sorted(p for p in stories_dir.iterdir() if (p / "story.toml").is_file())


def find_story(stories_dir: Path, slug: str, default_recipients: list[str]) -> Story:
    """The story of folder `slug`; an unknown one is told with the stories there are."""
    folders = story_folders(stories_dir)
    if slug not in {f.name for f in folders}:
        known = ", ".join(f.name for f in folders) or "none yet (`storywatch story add`)"
        raise StoryError(f"no story {slug!r} in {stories_dir}; the stories are: {known}")
    return load_story(stories_dir / slug, default_recipients)


def load_story(
    folder: Path,
    default_recipients: list[str],
    default_channels: list[SecretStr] | None = None,
    text: str | None = None,
) -> Story:
    """The story of a folder; with `text`, as it would be with that story.toml (to check an
    edit before it is saved)."""
    where = folder / "story.toml"
    if not SLUG.match(folder.name):
        raise StoryError(
            f"{folder}: folder name must be lower-case letters, digits and '-'; rename the folder"
        )
    try:
        spec = _StoryFile(**tomllib.loads(read_text(where) if text is None else text))
    except tomllib.TOMLDecodeError as exc:
        raise StoryError(f"{where}: not valid TOML: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise StoryError(f"{where}: {problems}") from None
    entries = spec.documents or [_DocumentEntry(file=name) for name in implicit_documents(folder)]
    documents = []
    for entry in entries:
        path = folder / entry.file
        if not path.is_file():
            raise StoryError(f"{where}: document {entry.file} not found; add it or drop its entry")
        documents.append(
            SeedDocument(entry.file, entry.url or entry.file, read_text(path), entry.kind)
        )
    if not documents:
        raise StoryError(f"{folder}: a story needs at least one seed document (a .txt or .md file)")
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
        channels=[Channel(url) for url in spec.alerts.channels or default_channels or []],
        rules=spec.rules.rules(),
    )


def implicit_documents(folder: Path) -> list[str]:
    """The documents of a story whose story.toml lists none: every .txt and .md file of its
    folder but README.md, by name."""
    return [
        p.name
        for p in sorted(folder.iterdir())
        if p.suffix in DOCUMENT_SUFFIXES and p.name != "README.md"
    ]


def read_bytes(path: Path) -> bytes:
    """A document's bytes, else a StoryError saying why not (a folder, missing, unreadable)."""
    if path.is_dir():
        raise StoryError(f"{path}: is a folder, not a document; name a file")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise StoryError(f"{path}: no such file") from None
    except OSError as exc:
        raise StoryError(f"{path}: cannot be read ({exc.strerror})") from None


def read_text(path: Path) -> str:
    """A text file of a story (or for one): UTF-8 text, else a StoryError saying what it is."""
    data = read_bytes(path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # as some editors save
        raise StoryError(f"{path}: is not UTF-8 text (it is UTF-16); save it as UTF-8")
    if b"\0" in data:
        raise StoryError(f"{path}: is a binary file, not a text document")
    try:
        return data.decode("utf-8-sig")  # a byte-order mark, as some editors write, is dropped
    except UnicodeDecodeError as exc:
        raise StoryError(
            f"{path}: is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start});"
            " save it as UTF-8"
        ) from None


def slugify(name: str) -> str:
    """The folder name of a story: its name in a-z, 0-9 and '-', accents folded ("Ölpreis" ->
    "olpreis"); letters with no ASCII form ("日本", "Россия") add a short hash of the name, so
    such a name still gets a folder, always the same one, and never another name's."""
    decomposed = unicodedata.normalize("NFKD", name).casefold()  # casefold: "ß" -> "ss"
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if any(c.isalnum() and not c.isascii() for c in folded):
        digest = hashlib.sha256(unicodedata.normalize("NFC", name).encode()).hexdigest()[:8]
        slug = f"{slug or 'story'}-{digest}"
    return slug


def new_story_folder(stories_dir: Path, name: str) -> Path:
    """Where a story named `name` goes: a folder named after it that does not exist yet."""
    slug = slugify(name)
    if not slug:
        raise StoryError(
            f"story name {name!r} gives no usable folder name: give it letters or digits"
        )
    folder = stories_dir / slug
    if folder.exists():
        raise StoryError(f"{folder}: a story with this name already exists")
    return folder


@dataclass(frozen=True)
class NewSeed:
    """A seed document to write into a story's folder."""

    file: str
    text: str
    url: str | None = None
    language: str | None = None  # as its page declares it, or as it was detected


def write_story(stories_dir: Path, name: str, description: str, documents: list[NewSeed]) -> Path:
    """Create a story folder with its seed documents and a complete story.toml; refuses to
    overwrite one. Its language is its pages' where they agree on one, else English."""
    folder = new_story_folder(stories_dir, name)
    make_folder(folder)
    for doc in documents:
        write_file(folder / doc.file, doc.text)
    languages = {d.language.split("-")[0] for d in documents if d.language}
    entries = [DocumentEntry(d.file, d.url) for d in documents]
    language = languages.pop() if len(languages) == 1 else "en"
    write_file(folder / "story.toml", new_story_toml(name, description, language, entries))
    return folder


def seed_file_name(title: str, taken: set[str]) -> str:
    """A seed document's file name, from its title ("ross-module-2027.txt"), unlike those
    `taken`."""
    stem = slugify(title)
    if len(stem) > SEED_NAME_CHARS:  # cut at a word's end
        stem = stem[: SEED_NAME_CHARS + 1].rsplit("-", 1)[0]
    stem = stem or "seed"
    name, n = f"{stem}.txt", 2
    while name in taken:
        name, n = f"{stem}-{n}.txt", n + 1
    return name
