"""A story remembers what it judged related: the next report of that look-alike, told with
the story's cast and near enough to the story to pass for it, is related too. Against the demo
site, with the default model and a DuckDB file, across two runs."""

from __future__ import annotations

import pytest

from pipeline.demo import SEED_DAY, demo_pages
from pipeline.demo.pages import page_from_text
from pipeline.demo.site import DemoSite
from tests.test_feedback import following, judged, ran

# its model is loaded once per worker, as by the other tests that read leads
pytestmark = pytest.mark.xdist_group("embedding")

# In our own words: a second report of the Soyuz coolant leak the demo site publishes, that
# names the story's people and recalls its news further down.
LEAK_AGAIN = "soyuz-unfit"
LEAK_AGAIN_PAGE = """Title: Leaking Soyuz at the space station may be unfit to bring its \
crew home, Roscosmos says
Published: 2022-12-16T14:00:00Z
Section: space

Engineers at Roscosmos said on Thursday that the Soyuz MS-22 capsule, which began spraying \
coolant while docked at the International Space Station, may be unfit to carry its crew home, \
and Russia may launch an empty Soyuz to the station instead.

Roscosmos chief Yury Borisov said a small meteoroid had probably punched a hole in the cooling \
loop. Russia announced in July that it would leave the International Space Station after 2024 \
and build its own orbital station, but it has said it will meet its obligations to its \
partners until then.

The cosmonauts Sergey Prokopyev and Dmitri Petelin and NASA's Frank Rubio arrived on the \
Soyuz in September.
"""
LEAK = "soyuz-coolant-leak"


@pytest.fixture
def site():
    pages = [*demo_pages(), page_from_text(LEAK_AGAIN, LEAK_AGAIN_PAGE, SEED_DAY)]
    with DemoSite(pages, published={p.slug for p in pages} - {LEAK_AGAIN}) as s:
        yield s


def test_the_next_report_of_a_look_alike_the_story_judged_related_is_related(
    make_settings, tmp_path, site, mail
):
    config = following(make_settings, tmp_path)  # the default model reads the leads
    ran(config, "run")
    leak = judged(config, LEAK)
    assert leak["verdict"] == "related"
    sent = mail.messages()

    site.publish(LEAK_AGAIN)
    ran(config, "run", "--force")  # a new run: the look-alike's lead comes from the database
    again = judged(config, LEAK_AGAIN)
    assert again["verdict"] == "related"
    reasons = again["reasons"]
    assert reasons["nearest_lookalike"] == leak["id"]
    # near enough to the story to pass for it, nearer still to the look-alike
    assert reasons["lookalike_similarity"] >= reasons["lead_similarity"] >= 0.88
    assert "judged related" in reasons["why"]
    assert mail.messages() == sent  # no email for it
