"""The reader's corrections (`storywatch feedback`), as a reader gives them: against the demo
site, a real SMTP sink and a DuckDB file. A correction changes what the story's next match
starts from, and sends nothing by itself."""

from __future__ import annotations

import getpass
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.demo import FOLLOW_UP, SEED_DAY, demo_pages
from pipeline.demo.pages import page_from_text
from pipeline.demo.site import DemoSite
from pipeline.paths import SEEDS_DIR
from pipeline.store import open_store

SLUG = "iss-withdrawal"

# In our own words. Two tellings of another event with the same actors: the warning Roscosmos's
# former chief gave a year before, that Russia might leave the station in 2025.
WARNING = "rogozin-warning"
WARNING_PAGE = """Title: Rogozin warns Russia could leave the ISS in 2025 over sanctions
Published: 2022-07-28T08:00:00Z
Section: space

Dmitry Rogozin, then head of Roscosmos, warned in April 2021 that Russia could leave the \
International Space Station in 2025 unless the sanctions on Russian space firms were lifted.

Rogozin said the ageing Russian modules of the station were wearing out and that Russia would \
rather build its own orbital station, which Putin had been told about.

The warning followed a year of sanctions that Rogozin said were hurting Roscosmos and its \
factories.
"""
WARNING_AGAIN = "rogozin-warning-recalled"
WARNING_AGAIN_PAGE = """Title: Looking back: Rogozin's 2025 threat to quit the ISS
Published: 2022-07-28T12:00:00Z
Section: space

In April 2021 the then Roscosmos chief Dmitry Rogozin said Russia might leave the \
International Space Station in 2025 if sanctions on its space firms stayed in place.

Rogozin argued the Russian modules were ageing, that Roscosmos would build its own station, \
and that Putin knew of the plan.

Rogozin blamed the sanctions for the troubles of Roscosmos factories that year.
"""

# The story told again (its news in the lead is the seeds'), with a fact of its own below.
RETOLD = "iss-exit-retold"
RETOLD_PAGE = """Title: Russia will leave the International Space Station after 2024
Published: 2022-07-28T09:00:00Z
Section: space

Roscosmos chief Yury Borisov told President Vladimir Putin on Tuesday that Russia will leave \
the International Space Station after 2024.

Borisov said Russia would fulfil its obligations to its partners before it leaves.

He said Russia would build its own orbital station, ROSS, instead.

The decision was reported from the Kremlin, where Borisov met Putin.

Engineers at Energia said the first ROSS module would weigh 21 tonnes and be named Vostok-M.
"""
# A later report that leads with that fact.
MODULE = "ross-module-vostok"
MODULE_PAGE = """Title: Roscosmos names the first ROSS module Vostok-M
Published: 2022-07-29T09:00:00Z
Section: space

Roscosmos said the first module of ROSS, the station Russia will build once it leaves the \
International Space Station, would be named Vostok-M and weigh 21 tonnes, Energia engineers said.

Yury Borisov has told Putin that Russia will leave the station after 2024.
"""

LATER = {WARNING_AGAIN, MODULE, FOLLOW_UP}


@pytest.fixture
def site():
    """The demo site with the seeds, two look-alikes and the story retold published; the
    others come later."""
    pages = [
        *demo_pages(),
        page_from_text(WARNING, WARNING_PAGE, SEED_DAY),
        page_from_text(WARNING_AGAIN, WARNING_AGAIN_PAGE, SEED_DAY),
        page_from_text(RETOLD, RETOLD_PAGE, SEED_DAY),
        page_from_text(MODULE, MODULE_PAGE, SEED_DAY),
    ]
    with DemoSite(pages, published={p.slug for p in pages} - LATER) as s:
        yield s


def following(make_settings, tmp_path: Path, **settings) -> Path:
    """A config following a copy of the seed story (with the default model unless
    `settings` say otherwise)."""
    shutil.copytree(SEEDS_DIR / SLUG, tmp_path / "stories" / SLUG)
    make_settings(stories_dir="stories", **settings)
    return tmp_path / "storywatch.toml"


@pytest.fixture
def config(make_settings, tmp_path) -> Path:
    """A config following a copy of the seed story by names and words (no model)."""
    return following(make_settings, tmp_path, embedding={"model": ""})


def storywatch(config: Path, *args: str):
    result = CliRunner().invoke(main, [*args, "--config", str(config)])
    assert "Traceback" not in result.output
    return result


def ran(config: Path, *args: str) -> str:
    result = storywatch(config, *args)
    assert result.exit_code == 0, result.output
    return result.output


def rows(config: Path, query: str, **params) -> list[dict]:
    with open_store(config.parent / "var" / "storywatch.duckdb", read_only=True) as store:
        return store.rows_sql(query, params)


def judged(config: Path, slug: str) -> dict:
    """The article the demo site published as `slug`, with the story's verdict on it."""
    (row,) = rows(
        config,
        "SELECT a.id, m.verdict, m.reasons, m.new_facts FROM articles a"
        " JOIN matches m ON m.article_id = a.id WHERE a.url LIKE $url",
        url=f"%/{slug}%",
    )
    return row | {"reasons": json.loads(row["reasons"])}


def feedback_rows(config: Path) -> list[dict]:
    return rows(config, "SELECT * FROM feedback ORDER BY id")


def test_not_the_story_makes_the_next_look_alike_related(config, site, mail):
    ran(config, "run")
    warning = judged(config, WARNING)
    assert warning["verdict"] == "update"  # the matcher took the look-alike for news
    (alert,) = rows(
        config,
        "SELECT al.id FROM alerts al JOIN matches m ON m.id = al.match_id WHERE m.article_id = $id",
        id=warning["id"],
    )
    sent = mail.messages()

    said = ran(config, "feedback", "--alert", str(alert["id"]), "--not-story", "--by", "Ana")
    assert f"article {warning['id']}, story {SLUG}: not the story" in said
    assert "the matcher said update" in said
    (row,) = feedback_rows(config)
    assert (row["article_id"], row["alert_id"], row["correction"]) == (
        warning["id"],
        alert["id"],
        "not_story",
    )
    assert (row["verdict"], row["given_by"]) == ("update", "Ana") and row["given_at"]
    shown = ran(config, "story", "show", SLUG)
    assert "1 article not the story, by its reader's word" in shown
    assert "0 accepted updates" in shown  # the look-alike is known no more

    # another telling of that event: without the correction the story took it as told again
    site.publish(WARNING_AGAIN)
    ran(config, "run", "--force")
    again = judged(config, WARNING_AGAIN)
    assert again["verdict"] == "related"
    assert again["reasons"]["nearest_negative"] == warning["id"]
    assert (
        f"article {warning['id']}, which the reader said is not the story"
        in (again["reasons"]["why"])
    )
    assert mail.messages() == sent  # a correction sends nothing


@pytest.mark.parametrize("flag", [None, "--not-new", "--update"])
def test_what_the_reader_says_is_known_makes_a_later_report_of_it_a_rehash(
    config, site, mail, flag
):
    ran(config, "run")
    retold = judged(config, RETOLD)
    # the story retold, its fact below the lead: a rehash, whose sentences the story does not
    # learn by itself
    assert retold["verdict"] == "rehash" and "Vostok-M" in retold["reasons"]["background"][0]
    sent = mail.messages()
    if flag:
        said = ran(config, "feedback", str(retold["id"]), flag)  # the only story that took it
        assert f"article {retold['id']}, story {SLUG}:" in said
        (row,) = feedback_rows(config)
        assert row["correction"] == flag[2:].replace("-", "_")
        assert (row["verdict"], row["given_by"]) == ("rehash", getpass.getuser())
        assert mail.messages() == sent

    site.publish(MODULE)
    ran(config, "run", "--force")
    module = judged(config, MODULE)
    # the fact the reader made known is not news when a later report leads with it
    assert module["verdict"] == ("update" if flag is None else "rehash"), module
    shown = ran(config, "story", "show", SLUG)
    if flag == "--update":
        assert "2 accepted updates;" in shown  # the look-alike the matcher took, and this one
        assert len(mail.messages()) == len(sent)  # the missed update is not emailed late
    elif flag == "--not-new":
        assert "1 accepted update, 1 article with nothing new, by its reader's word" in shown


def test_bad_ids_and_bad_usage_are_one_line_and_exit_2(config, site):
    ran(config, "run")
    retold = judged(config, RETOLD)
    for args, told in [
        (("999999", "--not-story"), "no article 999999"),
        (("--alert", "999999", "--not-new"), "no alert 999999"),
        ((str(retold["id"]),), "say what is wrong"),
        ((str(retold["id"]), "--alert", "1", "--update"), "one of the two"),
        ((str(retold["id"]), "--update", "--story", "no-such-story"), "no story"),
    ]:
        result = storywatch(config, "feedback", *args)
        assert result.exit_code == 2, result.output
        assert told in result.output and len(result.output.strip().splitlines()) == 1
    assert feedback_rows(config) == []


def test_the_feedback_table_says_what_it_holds(config):
    ran(config, "init")
    described = rows(
        config,
        "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'feedback'",
    )
    assert len(described) == 8 and all(r["comment"] for r in described)
    (table,) = rows(config, "SELECT comment FROM duckdb_tables() WHERE table_name = 'feedback'")
    assert "correction" in table["comment"]


def test_with_the_model_a_look_alike_whose_lead_is_nearer_a_negative_is_related(
    make_settings, tmp_path, site, mail
):
    config = following(make_settings, tmp_path)  # the default model reads the leads
    ran(config, "run")
    warning = judged(config, WARNING)
    assert warning["verdict"] == "update"  # its lead reads as the story's to the model too
    ran(config, "feedback", str(warning["id"]), "--not-story")

    site.publish(WARNING_AGAIN)
    ran(config, "run", "--force")
    again = judged(config, WARNING_AGAIN)["reasons"]
    assert judged(config, WARNING_AGAIN)["verdict"] == "related"
    assert again["nearest_negative"] == warning["id"]
    # compared by the leads' meaning, as with the story's core
    assert again["negative_similarity"] >= again["lead_similarity"] >= 0.88
    assert "not the story" in again["why"]
