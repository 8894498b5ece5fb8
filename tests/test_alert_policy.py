"""The outbox's decisions, pure: windows, cooldowns, facts already told, other outlets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipeline.alert_policy import (
    AlertPolicy,
    History,
    KnownUpdate,
    corroborated,
    decide,
    digest_window,
    fact_keys,
    parse_duration,
    retry_delay,
)
from pipeline.paths import SEEDS_DIR
from pipeline.stories import StoryError, load_story

NOW = datetime(2026, 3, 2, 10, 20, tzinfo=UTC)
FACTS = fact_keys(["Russia stays until 2028."], [{"was": "after 2024", "now": "until 2028"}])


IMMEDIATE, NOTHING_SENT = AlertPolicy(), History()


def outcome(policy=IMMEDIATE, history=NOTHING_SENT, baseline=False, now=NOW, facts=FACTS):
    return decide(
        story_slug="s", article_id=5, recipient="Desk@Example.org", policy=policy,
        baseline=baseline, facts=facts, history=history, now=now,
    )  # fmt: skip


@pytest.mark.parametrize(
    "text, seconds", [(90, 90), ("90", 90), ("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86400)]
)
def test_durations(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


def test_a_bad_duration_is_refused():
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("soon")


def test_digest_windows_are_the_hour_and_the_utc_day():
    assert digest_window(NOW, "hourly") == (NOW.replace(minute=0), NOW.replace(hour=11, minute=0))
    start, end = digest_window(NOW, "daily")
    assert (start.hour, end - start) == (0, timedelta(days=1))


def test_an_immediate_update_is_due_now_under_its_own_key():
    o = outcome()
    assert (o.status, o.due_at, o.key) == ("pending", NOW, "update:s:5:desk@example.org")


def test_updates_of_one_hour_share_a_digest_due_when_the_hour_ends():
    a = outcome(AlertPolicy("hourly"))
    b = outcome(AlertPolicy("hourly"), now=NOW + timedelta(minutes=30))
    c = outcome(AlertPolicy("hourly"), now=NOW + timedelta(minutes=45))
    assert a.key == b.key != c.key
    assert a.due_at == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)


def test_suppression_reasons():
    assert outcome(baseline=True).reason.startswith("baseline")
    told = History(facts=FACTS)
    assert outcome(history=told).reason.startswith("already alerted")
    partly = History(facts=frozenset(list(FACTS)[:1]))
    assert outcome(history=partly).status == "pending"  # something in it is still news
    recent = History(last_alert_at=NOW - timedelta(minutes=20))
    cool = AlertPolicy(cooldown=timedelta(hours=1))
    assert outcome(cool, recent).reason.startswith("cooldown")
    assert outcome(cool, History(last_alert_at=NOW - timedelta(hours=2))).status == "pending"


def test_facts_are_the_same_whatever_their_spacing_or_case():
    assert fact_keys(["Russia  STAYS until 2028"], []) <= FACTS


def test_a_rehash_or_a_copy_of_an_update_is_another_outlet_of_it():
    update = KnownUpdate(3, frozenset({40, 41}), frozenset({"Russia stays until 2028."}))
    covered = {"nearest_sentences": [{"known_as": "Russia stays until 2028.", "cover": 0.9}]}
    weak = {"nearest_sentences": [{"known_as": "Russia stays until 2028.", "cover": 0.2}]}
    common = dict(updates=[update], sentence_known=0.55)
    assert corroborated(verdict="rehash", duplicate_of=None, reasons=covered, **common) == [3]
    assert corroborated(verdict="rehash", duplicate_of=None, reasons=weak, **common) == []
    assert corroborated(verdict="duplicate", duplicate_of=41, reasons={}, **common) == [3]
    assert corroborated(verdict="duplicate", duplicate_of=7, reasons={}, **common) == []
    assert corroborated(verdict="related", duplicate_of=None, reasons=covered, **common) == []


def test_retries_back_off_up_to_an_hour():
    delays = [retry_delay(n) for n in range(1, 10)]
    assert delays[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert delays == sorted(delays) and delays[-1] == timedelta(hours=1)


def test_story_toml_alerts_table(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "a.txt").write_text("A seed.")
    (folder / "story.toml").write_text(
        'name = "S"\n[alerts]\ndelivery = "daily"\ncooldown = "2h"\n'
    )
    assert load_story(folder, []).alerts == AlertPolicy("daily", timedelta(hours=2))
    (folder / "story.toml").write_text('name = "S"\n[alerts]\ndelivery = "weekly"\n')
    with pytest.raises(StoryError, match="alerts.delivery"):
        load_story(folder, [])
    assert load_story(SEEDS_DIR / "iss-withdrawal", []).alerts == AlertPolicy()
