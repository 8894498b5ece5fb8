"""The stage registry: a record that does not fit its stage fails when the stages are imported,
not in a run; a caller's options reach the stages that take them, and no other."""

from dataclasses import dataclass, replace

import pytest

from pipeline import stage_registry, stages
from pipeline.stage_registry import BY_NAME, STAGES, Stage


@dataclass
class Counted:
    counted: int = 0
    failed: int = 0


def count(settings, force: bool = False) -> Counted:
    return Counted(counted=2 if force else 1)


def test_every_stage_fits_its_function_and_each_starts_the_next():
    for stage in STAGES:
        stage.check()
    assert [s.name for s in STAGES] == ["poll", "fetch", "match", "alert"]
    assert [s.summary for s in STAGES] == [
        stages.PollSummary, stages.FetchSummary, stages.MatchSummary, stages.SendSummary,
    ]  # fmt: skip
    assert all(s.emits for s in STAGES[:-1])


@pytest.mark.parametrize(
    "typo, message",
    [
        ({"produces": ("extracted", "fallbak")}, r"produces \['extracted', 'fallbak'\]"),
        ({"produces": ()}, r"produces \[\]"),
        ({"options": ("forse",)}, r"options \['forse'\]"),
        ({"entry": "pipeline.stages.fetch:fetch_article"}, "fetch_article"),
    ],
)
def test_a_typo_in_a_record_fails_its_check(typo, message):
    with pytest.raises((ValueError, AttributeError), match=message):
        replace(BY_NAME["fetch"], **typo).check()


def test_options_reach_only_the_stages_that_take_them(monkeypatch):
    takes = Stage("count", f"{__name__}:count", ("counted",), None, "Count.", options=("force",))
    ignores = replace(takes, name="ignore", options=())
    takes.check()
    monkeypatch.setattr(stage_registry, "STAGES", (takes, ignores))
    # the Airflow task gives `due_now` to every stage, the CLI `force`: each takes its own
    summaries = list(stages.each(None, force=True, due_now=["https://example.org/feed"]))
    assert summaries == [Counted(counted=2), Counted(counted=1)]
    assert takes.produced(summaries[0]) and not takes.produced(Counted())
    assert list(stages.each(None, only="ignore", force=True)) == [Counted(counted=1)]
