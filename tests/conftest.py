"""Real parts on loopback: the demo's news site over HTTP, an SMTP server, DuckDB files."""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from pipeline.config import Settings, load_settings
from pipeline.demo import demo_pages
from pipeline.demo.mailsink import MailSink
from pipeline.demo.site import DemoSite
from pipeline.paths import PROJECT_ROOT, SEEDS_DIR


def pytest_configure(config: pytest.Config) -> None:
    # Airflow reads its home at import: give the whole session a private one, before any import
    home = Path(tempfile.mkdtemp(prefix="storywatch-airflow-"))
    os.environ["AIRFLOW_HOME"] = str(home)
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(PROJECT_ROOT / "dags")
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    for key in [k for k in os.environ if k.startswith("STORYWATCH_")]:
        del os.environ[key]  # a developer's own settings must not leak into the tests
    # the workers' shared locks (see alone() below)
    os.environ.setdefault("PYTEST_STORYWATCH_LOCKS", tempfile.mkdtemp(prefix="storywatch-locks-"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # longest first, so that the workers (-n) finish together: the real-scheduler and Celery
    # tests take minutes, mostly waiting on Airflow, then come the modules that share a costly
    # fixture
    items.sort(key=_start_rank)


def _start_rank(item: pytest.Item) -> int:
    if item.get_closest_marker("scheduler") or item.get_closest_marker("celery"):
        return 0
    return 1 if item.get_closest_marker("xdist_group") else 2


# Beside the other workers (-n), Airflow's task processes were starved of the two cores: the
# follow-up's email came after 63-107 s, not within the minute the scheduler tests assert. So
# each test holds a shared lock on RUNNING while it runs, and a scheduler test takes it alone
# for the time it measures. GATE stops new tests from starting meanwhile (flock would let a
# stream of shared holders starve the exclusive one).
GATE, RUNNING = "gate.lock", "running.lock"


@contextmanager
def _flock(name: str, mode: int) -> Iterator[None]:
    # the folder is the controller's, made before it started the workers, which inherit it
    with (Path(os.environ["PYTEST_STORYWATCH_LOCKS"]) / name).open("a") as held:
        fcntl.flock(held, mode)
        yield  # closing the file releases the lock


@contextmanager
def alone() -> Iterator[None]:
    """Until the block ends, no other test of this session runs (on any worker)."""
    with _flock(GATE, fcntl.LOCK_EX), _flock(RUNNING, fcntl.LOCK_EX):
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    if item.get_closest_marker("scheduler"):
        return (yield)  # it takes the locks itself, when it measures
    with ExitStack() as held:  # the module's fixtures too: the wheel's venv is built in setup
        with _flock(GATE, fcntl.LOCK_SH):
            held.enter_context(_flock(RUNNING, fcntl.LOCK_SH))
        return (yield)


@pytest.fixture
def site():
    """The demo news site with every page published."""
    with DemoSite(demo_pages()) as s:
        yield s


@pytest.fixture
def mail(tmp_path):
    with MailSink(tmp_path / "mail") as sink:
        yield sink


# the demo site is on 127.0.0.1, which the SSRF guard refuses unless allowed; it needs no gap
LOOPBACK_HTTP = {"timeout": 5, "allow_private": ["127.0.0.1"], "per_host_gap": 0}


def write_config(folder: Path, **values) -> Path:
    """A storywatch.toml in `folder`; values are TOML-ready (dicts become sections)."""
    return write_toml(folder / "storywatch.toml", **values)


def write_toml(path: Path, **values) -> Path:
    """A TOML file of `values` (dicts become sections, lists of dicts inline tables)."""
    lines, sections = [], []
    for key, value in values.items():
        if isinstance(value, dict):
            sections.append(f"[{key}]")
            sections += [f"{k} = {_toml(v)}" for k, v in value.items()]
        else:
            lines.append(f"{key} = {_toml(value)}")
    path.write_text("\n".join(lines + sections) + "\n", encoding="utf-8")
    return path


def _toml(value) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)  # strings, numbers and booleans are spelled alike


@pytest.fixture
def make_settings(tmp_path, site, mail):
    """Settings for a pipeline watching the demo site's feeds and mailing the sink.

    The site's feeds alert on their backlog, so a single pass can end in an email.
    """

    def make(feeds: list[str] | None = None, **overrides) -> Settings:
        values = {
            "database": "var/storywatch.duckdb",
            "stories_dir": str(SEEDS_DIR),
            "recipients": ["desk@example.org"],
            "feeds": feeds
            if feeds is not None
            else [{"url": site.feed_url(s), "alert_on_backlog": True} for s in site.sections],
            "smtp": {"host": "127.0.0.1", "port": mail.port, "timeout": 5},
            "http": LOOPBACK_HTTP,
            **overrides,
        }
        return load_settings(write_config(tmp_path, **values))

    return make
