"""The built wheel, installed in a fresh virtual environment, runs without the checkout."""

import os
import shutil
import subprocess
import sys
import zipfile
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from pipeline.paths import PROJECT_ROOT
from pipeline.store import open_store

# its module-scoped fixture is built once, on one worker, for all of its tests
pytestmark = pytest.mark.xdist_group("wheel")

# the checkout's folders and where the wheel puts them
SHIPPED = {
    "pipeline": "pipeline",
    "storywatch_airflow": "storywatch_airflow",
    "sql": "pipeline/sql",
    "seeds": "pipeline/seeds",
}
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the sources (setuptools' build/ would keep stale files)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT_ROOT / name, source)
    for folder in SHIPPED:
        shutil.copytree(PROJECT_ROOT / folder, source / folder, ignore=NOT_SHIPPED)
    out = tmp_path_factory.mktemp("wheel")
    pip(sys.executable, "wheel", "--no-deps", "--wheel-dir", out, source)
    (built,) = out.glob("storywatch-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel and its pinned dependencies: its bin/."""
    home = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", home], check=True)
    python = home / "bin" / "python"
    # this environment's pip installs into the new one (a fresh venv's own pip may be too old)
    pip(python, "install", "--constraint", PROJECT_ROOT / "constraints.txt", wheel)
    return python.parent


def pip(python: str | Path, *args) -> None:
    command = [sys.executable, "-m", "pip", "--python", str(python), *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]


def outside_checkout() -> dict[str, str]:
    """The environment of a user's shell: no storywatch settings, nothing of the checkout."""
    return {
        k: v for k, v in os.environ.items() if not k.startswith("STORYWATCH_") and k != "PYTHONPATH"
    }


def test_the_wheel_holds_the_sql_and_the_seed_stories(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, inside in SHIPPED.items():
        for path in (PROJECT_ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert f"{inside}/{path.relative_to(PROJECT_ROOT / folder)}" in names, path
    assert "pipeline/sql/migrations/0001_initial.sql" in names
    assert "pipeline/sql/queries/verdicts.sql" in names
    assert "pipeline/seeds/iss-withdrawal/story.toml" in names


def test_storywatch_demo_runs_from_the_installed_wheel(venv, tmp_path):
    done = subprocess.run(
        [venv / "storywatch", "demo"],
        cwd=tmp_path,
        env=outside_checkout(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "pass 2: a day later, a follow-up is published" in done.stdout
    assert "1 update; 1 alert queued" in done.stdout
    assert "emails received:" in done.stdout
    # with no config file, the database and the mail are under the current directory
    with open_store(tmp_path / "var" / "storywatch.duckdb", read_only=True) as store:
        verdicts = {r["title"]: r["verdict"] for r in store.rows("verdicts")}
    assert verdicts["NASA says Russia now plans to stay on the ISS until 2028"] == "update"
    assert list(verdicts.values()).count("duplicate") == 5
    (mail,) = (tmp_path / "var" / "mail").glob("*.eml")
    message = BytesParser(policy=policy.default).parse(mail.open("rb"))
    assert message["To"] == "you@example.org"
    assert "until 2028" in message["Subject"]


def test_the_installed_package_reads_nothing_from_the_checkout(venv, tmp_path):
    code = "import pipeline.paths as p; print(p.SQL); print(p.SEEDS_DIR); print(p.IN_CHECKOUT)"
    done = subprocess.run(
        [venv / "python", "-c", code],
        cwd=tmp_path,
        env=outside_checkout(),
        capture_output=True,
        text=True,
        check=True,
    )
    sql, seeds, in_checkout = done.stdout.split("\n")[:3]
    site = str(venv.parent)
    assert sql.startswith(site) and seeds.startswith(site)
    assert in_checkout == "False"
