"""Every setting is declared once (the models in pipeline.config and pipeline.stories) and
documented in the README's Settings tables, as datasette checks its settings against its docs:
each key is in a table with its default, and each key a table names exists."""

from __future__ import annotations

import re
import tomllib
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python

from pipeline.config import MatchingConfig, Settings
from pipeline.matching import Thresholds
from pipeline.stories import _StoryFile

CHECKOUT = Path(__file__).resolve().parent.parent
REQUIRED = "required"  # a key without a default; "–" in the README is a key unset by default


def documented(table: str) -> dict[str, object]:
    """{key: default} of one table of the README's Settings section."""
    readme = CHECKOUT.joinpath("README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Settings\n")[1].split("\n## ")[0]
    rows = section.split(f"\n### {table}\n")[1].split("\n### ")[0]
    cells = re.findall(r"^\| `([^`]+)` \| (`[^`]*`|–|required) \|", rows, re.M)
    return {key: _read(default) for key, default in cells}


def _read(cell: str) -> object:
    if cell in (REQUIRED, "–"):
        return {"–": None}.get(cell, cell)
    return tomllib.loads(f"v = {cell.strip('`')}")["v"]


def declared(model: type[BaseModel], summarised: tuple[str, ...] = ()) -> dict[str, object]:
    """{key: default} for every key of `model`, those of its tables included."""
    keys = {}
    for name, info in model.model_fields.items():
        table = _model_in(info.annotation)
        if name in summarised:
            keys[f"[{name}]"] = None  # another table's keys, documented there
        elif table and typing.get_origin(info.annotation) is list:
            keys[name] = _default(info)  # `feeds = [...]`, or `[[feeds]]` tables
            keys |= {f"[[{name}]] {k}": v for k, v in declared(table).items()}
        elif table:
            keys |= {f"[{name}] {k}": v for k, v in declared(table).items()}
        else:
            keys[name] = _default(info)
    return keys


def _model_in(annotation) -> type[BaseModel] | None:
    for kind in (annotation, *typing.get_args(annotation)):
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            return kind
    return None


def _default(info) -> object:
    return REQUIRED if info.is_required() else to_jsonable_python(info.default)


@pytest.mark.parametrize(
    ("table", "keys"),
    [
        ("storywatch.toml", declared(Settings)),
        ("story.toml", declared(_StoryFile, summarised=("matching",))),
    ],
)
def test_every_setting_is_documented_with_its_default_and_nothing_else(table, keys):
    readme = documented(table)
    assert sorted(set(keys) - set(readme)) == [], "settings the README does not document"
    assert sorted(set(readme) - set(keys)) == [], "keys the README documents that do not exist"
    wrong = {k: (readme[k], keys[k]) for k in keys if readme[k] != keys[k]}
    assert wrong == {}, "(README, model) defaults that differ"


def test_the_shipped_config_writes_out_the_defaults():
    """What storywatch.toml shows a newcomer is what storywatch does when a key is left out."""
    text = CHECKOUT.joinpath("storywatch.toml").read_text(encoding="utf-8")
    shipped = Settings(**tomllib.loads(text))
    defaults = Settings()
    assert shipped.model_dump(exclude={"recipients"}) == defaults.model_dump(exclude={"recipients"})


def test_the_matcher_is_held_to_the_bounds_of_the_config():
    assert Thresholds() == MatchingConfig()
    with pytest.raises(ValidationError, match="less than or equal to 1"):
        Thresholds(match=1.5)  # a backtest cannot run with a threshold no config could set
