"""Alert emails through the whole pipeline, received by real SMTP servers on 127.0.0.1.

The demo site publishes the story's seeds first (duplicates: no email), then, one by one:
the follow-up (Russia to stay until 2028: an update), the same news from another outlet (a
rehash: no email of its own, listed as "also reported by"), and a second update (the first
ROSS module in 2027). Each test reads what the server received.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import stages
from pipeline.cli import main
from pipeline.paths import SEEDS_DIR
from pipeline.store import open_store
from tests.smtp_servers import RefusingHandler, smtp_server
from tests.story_news import ALSO, FOLLOW_UP, SECOND, T0, news_site, run


@pytest.fixture
def site():
    with news_site() as s:
        yield s


@pytest.fixture
def stories_dir(tmp_path):
    """A copy of the seed story, so a test can set its [alerts] policy."""
    folder = tmp_path / "stories"
    shutil.copytree(SEEDS_DIR / "iss-withdrawal", folder / "iss-withdrawal")
    return folder


def set_policy(stories_dir: Path, **alerts) -> None:
    path = stories_dir / "iss-withdrawal" / "story.toml"
    text = path.read_text()
    body = "".join(f'{k} = "{v}"\n' for k, v in alerts.items())
    head, rest = text.split("[alerts]\n", 1)
    path.write_text(head + "[alerts]\n" + body + rest.split("\n\n", 1)[1])


def received(sink) -> list[EmailMessage]:
    return [BytesParser(policy=policy.default).parse(p.open("rb")) for p in sink.messages()]


def outbox(settings) -> list[dict]:
    with open_store(settings.database, read_only=True) as store:
        rows = store.rows("alert_outbox", {"status": None, "story": None, "limit": None})
    return sorted(rows, key=lambda r: r["id"])


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


@pytest.fixture
def pipeline(make_settings, site, stories_dir):
    """Settings on the held-back site; the seeds' pass is done (duplicates, no email)."""
    settings = make_settings(stories_dir=str(stories_dir))
    first = run(settings, T0 - timedelta(hours=1))
    assert first[3].sent == 0
    return settings


def test_an_update_email_says_what_is_new_where_and_why(pipeline, site, mail):
    site.publish(FOLLOW_UP)
    assert run(pipeline, T0)[3].sent == 1
    (message,) = received(mail)
    assert message["Subject"] == (
        "[Russia leaves the ISS] NASA says Russia now plans to stay on the ISS until 2028"
    )
    assert message["To"] == "desk@example.org"
    assert message.is_multipart() and message.get_content_type() == "multipart/alternative"
    text = text_of(message)
    new = text.split("What is new:")[1].split("Why this alert:")[0]
    assert '"According to Lueders, the Russian side indicated that this means remaining on ' in new
    assert "The Daily Orbit, 27 Jul 2022 18:40 UTC" in text
    assert f"{site.url}/articles/{FOLLOW_UP}.html" in text
    why = text.split("Why this alert: ")[1].split("\n")[0]
    assert why.startswith("it tells the story (how close to the story: ")
    assert " out of 100; it names " in why and "Roscosmos" in why
    assert "match score" not in text and "Alert 1." not in text
    html = html_of(message)
    assert f'<a href="{site.url}/articles/{FOLLOW_UP}.html"' in html
    assert "<blockquote" in html and "remaining on board until <mark" in html
    assert "match score" not in html and "how close to the story" in html
    # without [site] base_url there is no timeline to link to
    assert "The story so far" not in text and "The story so far" not in html


def test_an_email_says_how_to_stop_it_and_links_the_timeline(make_settings, site, mail):
    settings = make_settings(site={"base_url": "https://desk.example.org/storywatch/"})
    run(settings, T0 - timedelta(hours=1))
    site.publish(FOLLOW_UP)
    assert run(settings, T0)[3].sent == 1
    (message,) = received(mail)
    assert message["List-Unsubscribe"].strip() == (
        "<mailto:storywatch@localhost?subject=unsubscribe%20iss-withdrawal>"
    )
    text, html = text_of(message), html_of(message)
    page = "https://desk.example.org/storywatch/iss-withdrawal/"
    assert f"The story so far: {page}\n" in text
    assert f"Its feed, for a feed reader: {page}updates.xml\n" in text
    footer = text.split("\n-- \n")[1]
    assert 'write to storywatch@localhost with the subject "unsubscribe iss-withdrawal"' in footer
    assert footer.rstrip().endswith("storywatch story mute iss-withdrawal")
    assert f'<a href="{page}"' in html and f'<a href="{page}updates.xml"' in html
    assert "storywatch story mute iss-withdrawal" in html
    # what the story is, in the HTML part too
    assert "build its own station." in html.split("<body")[1].split("NASA says Russia")[0]


def test_the_changed_values_are_marked_in_the_quoted_sentences(pipeline, site, mail):
    site.publish(FOLLOW_UP)
    run(pipeline, T0)
    (message,) = received(mail)
    html = html_of(message)
    changed = html.split("What changed</h2>")[1].split("</ul>")[0]
    # the article's sentence marks the new value, the story's sentence the old one
    said, had = changed.split("the story had:")
    assert re.search(r"<mark[^>]*>in 2028</mark> at the earliest", said)
    assert re.search(r"leave this station <mark[^>]*>after 2024</mark> has been made", had)
    new = html.split("What is new</h2>")[1].split("What changed</h2>")[0]
    assert re.search(r"remaining on board until <mark[^>]*>2028</mark>", new)
    assert "<mark" not in text_of(message)  # the text part quotes the sentences as they are


def test_two_updates_of_a_story_read_as_one_thread(pipeline, site, mail):
    site.publish(FOLLOW_UP)
    run(pipeline, T0)
    site.publish(SECOND)
    assert run(pipeline, T0 + timedelta(hours=2))[3].sent == 1
    first, second = received(mail)
    root = "<story.iss-withdrawal@storywatch.invalid>"
    assert first["In-Reply-To"] == root and first["References"] == root
    assert second["Message-ID"] != first["Message-ID"]
    assert second["In-Reply-To"] == first["Message-ID"]
    assert second["References"].split() == [root, first["Message-ID"]]
    assert "ROSS module to launch in 2027" in second["Subject"]
    changed = text_of(second).split("What changed:")[1]
    # the launch of the station's first module, not the date Russia leaves, is what moved
    assert "as soon as 2025 -> in 2027" in changed
    assert 'the story had: "' in changed and "first phase would launch as soon as 2025" in changed


def test_a_repeated_run_sends_nothing_again_and_a_second_outlet_is_listed_not_sent(
    pipeline, site, mail
):
    site.publish(FOLLOW_UP)
    run(pipeline, T0)
    again = run(pipeline, T0 + timedelta(minutes=5))
    assert (again[2].alerts_queued, again[3].sent) == (0, 0)
    site.publish(ALSO)
    also = run(pipeline, T0 + timedelta(minutes=10))
    assert also[2].verdicts.get("rehash") == 1 and also[3].sent == 0
    assert len(mail.messages()) == 1
    (alert,) = outbox(pipeline)
    preview = CliRunner().invoke(main, ["alerts", "preview", str(alert["id"]), *config(pipeline)])
    assert preview.exit_code == 0, preview.output
    listed = preview.output.split("Also reported by:")[1]
    assert "Russia to keep crews on the space station until 2028, NASA says" in listed
    assert f"{site.url}/articles/{ALSO}.html" in listed


def test_mail_server_down_then_up_delivers_once(make_settings, pipeline, site, mail, tmp_path):
    down = make_settings(
        stories_dir=str(pipeline.stories_dir), smtp={"host": "127.0.0.1", "port": 9, "timeout": 2}
    )
    site.publish(FOLLOW_UP)
    summary = run(down, T0)
    assert (summary[2].alerts_queued, summary[3].failed) == (1, 1)
    (alert,) = outbox(down)
    assert alert["status"] == "failed" and "cannot reach 127.0.0.1:9" in alert["last_error"]
    assert alert["next_attempt_at"] > T0  # backoff: not retried at once
    assert stages.send_alerts(down, now=T0).failed == 0
    assert stages.send_alerts(down, now=T0 + timedelta(minutes=2)).failed == 1

    up = make_settings(stories_dir=str(pipeline.stories_dir))
    assert stages.send_alerts(up, now=T0 + timedelta(minutes=3)).sent == 0  # not due yet
    assert stages.send_alerts(up, now=T0 + timedelta(minutes=10)).sent == 1
    assert stages.send_alerts(up, now=T0 + timedelta(hours=5)).sent == 0
    (message,) = received(mail)
    assert message["Message-ID"] == alert["message_id"]
    (after,) = outbox(up)
    assert (after["status"], after["attempts"], after["last_error"]) == ("sent", 3, None)


def test_a_refused_recipient_is_recorded_and_the_others_get_their_email(
    make_settings, site, stories_dir, tmp_path
):
    handler = RefusingHandler(tmp_path / "refusing", refuse={"gone@example.org"})
    with smtp_server(handler) as port:
        settings = make_settings(
            stories_dir=str(stories_dir),
            recipients=["desk@example.org", "gone@example.org", "chief@example.org"],
            smtp={"host": "127.0.0.1", "port": port, "timeout": 5},
        )
        run(settings, T0 - timedelta(hours=1))
        site.publish(FOLLOW_UP)
        summary = run(settings, T0)
        assert (summary[3].sent, summary[3].failed) == (2, 1)
        later = stages.send_alerts(settings, now=T0 + timedelta(days=1))
        assert (later.sent, later.failed) == (0, 0)  # a 550 is for good: not retried
    assert sorted(m["To"] for m in handler.received()) == ["chief@example.org", "desk@example.org"]
    rows = {r["recipient"]: r for r in outbox(settings)}
    assert rows["gone@example.org"]["status"] == "failed"
    assert rows["gone@example.org"]["last_error"].startswith("gone@example.org refused: 550")
    assert rows["desk@example.org"]["status"] == rows["chief@example.org"]["status"] == "sent"


def test_an_hourly_digest_is_one_email_with_every_update_and_outlet_of_the_hour(
    pipeline, site, mail, stories_dir
):
    set_policy(stories_dir, delivery="hourly")
    for minutes, slug in ((0, FOLLOW_UP), (10, ALSO), (20, SECOND)):
        site.publish(slug)
        assert run(pipeline, T0 + timedelta(minutes=minutes))[3].sent == 0
    (digest,) = outbox(pipeline)
    assert (digest["delivery"], digest["updates"], digest["status"]) == ("hourly", 2, "pending")
    at_the_hour = datetime(2026, 3, 2, 11, 0, 1, tzinfo=UTC)
    assert stages.send_alerts(pipeline, now=at_the_hour).sent == 1
    (message,) = received(mail)
    assert message["Subject"].startswith("[Russia leaves the ISS] 2 updates (hourly): NASA says")
    text = text_of(message)
    assert text.index("stay on the ISS until 2028") < text.index("first ROSS module")
    assert "Russia to keep crews on the space station until 2028" in text.split("Also reported")[1]
    assert "(hourly digest)" in text


def test_cooldown_holds_back_a_second_email_which_resend_delivers(
    pipeline, site, mail, stories_dir
):
    set_policy(stories_dir, delivery="immediate", cooldown="1h")
    site.publish(FOLLOW_UP)
    assert run(pipeline, T0)[3].sent == 1
    site.publish(SECOND)
    quiet = run(pipeline, T0 + timedelta(minutes=30))
    assert (quiet[2].verdicts, quiet[2].alerts_queued, quiet[3].sent) == ({"update": 1}, 0, 0)
    held = outbox(pipeline)[-1]
    assert held["status"] == "suppressed" and held["suppressed_reason"].startswith("cooldown:")

    listed = CliRunner().invoke(
        main, ["alerts", "list", "--status", "suppressed", *config(pipeline)]
    )
    assert listed.exit_code == 0 and "cooldown: an alert of this story went out" in listed.output
    resent = CliRunner().invoke(main, ["alerts", "resend", str(held["id"]), *config(pipeline)])
    assert resent.exit_code == 0, resent.output
    assert [m["Subject"].split("] ")[1] for m in received(mail)] == [
        "NASA says Russia now plans to stay on the ISS until 2028",
        "Roscosmos says first ROSS module to launch in 2027",
    ]


def test_updates_in_a_feeds_backlog_alert_nobody(make_settings, site, stories_dir, mail):
    site.publish(FOLLOW_UP)
    feeds = [{"url": site.feed_url(s), "alert_on_backlog": False} for s in site.sections]
    settings = make_settings(stories_dir=str(stories_dir), feeds=feeds)
    summary = run(settings, T0)
    assert summary[2].verdicts["update"] == 1 and summary[3].sent == 0
    (alert,) = outbox(settings)
    assert alert["status"] == "suppressed" and alert["suppressed_reason"].startswith("baseline")
    assert mail.messages() == []


def test_preview_writes_the_html_and_resend_of_a_sent_alert_gets_a_new_message_id(
    pipeline, site, mail, tmp_path
):
    site.publish(FOLLOW_UP)
    run(pipeline, T0)
    (alert,) = outbox(pipeline)
    page = tmp_path / "alert.html"
    shown = CliRunner().invoke(
        main, ["alerts", "preview", str(alert["id"]), "--html", str(page), *config(pipeline)]
    )
    assert shown.exit_code == 0, shown.output
    assert f"Message-ID: {alert['message_id']}" in shown.output
    assert "What is new:" in shown.output
    assert page.read_text().startswith("<!DOCTYPE html>") and "until 2028" in page.read_text()
    assert CliRunner().invoke(main, ["alerts", "resend", "999", *config(pipeline)]).exit_code == 2
    resent = CliRunner().invoke(main, ["alerts", "resend", str(alert["id"]), *config(pipeline)])
    assert resent.exit_code == 0, resent.output
    first, second = received(mail)
    assert first["Message-ID"] != second["Message-ID"]  # else a mail system may drop it
    assert second["References"] == first["References"]  # in the story's thread all the same


def test_preview_into_a_folder_that_does_not_exist_is_bad_usage_naming_the_file(
    pipeline, site, tmp_path
):
    site.publish(FOLLOW_UP)
    run(pipeline, T0)
    (alert,) = outbox(pipeline)
    page = tmp_path / "out" / "missing" / "alert.html"
    shown = CliRunner().invoke(
        main, ["alerts", "preview", str(alert["id"]), "--html", str(page), *config(pipeline)]
    )
    assert shown.exit_code == 2, shown.output
    (line,) = shown.stderr.strip().splitlines()
    assert str(page) in line and "this is a bug" not in line
    assert not page.parent.exists()


def test_a_crash_after_the_server_accepted_costs_at_most_one_duplicate(
    make_settings, site, stories_dir, tmp_path
):
    """The sender is killed while the server takes the first message, before it is marked."""
    victim: list[subprocess.Popen] = []
    handler = RefusingHandler(tmp_path / "crash", on_data=lambda: victim and victim[0].kill())
    with smtp_server(handler) as port:
        settings = make_settings(
            stories_dir=str(stories_dir),
            recipients=["desk@example.org", "chief@example.org"],
            smtp={"host": "127.0.0.1", "port": port, "timeout": 5},
        )
        run(settings, T0 - timedelta(hours=1))
        site.publish(FOLLOW_UP)
        stages.poll(settings, force=True), stages.fetch_articles(settings)
        stages.match(settings, now=T0)
        config_file = settings.database.parent.parent / "storywatch.toml"
        sender = subprocess.Popen(
            [sys.executable, "-c", "from pipeline.cli import main; main()", "run", "--stage",
             "alert", "--config", str(config_file)],
        )  # fmt: skip
        victim.append(sender)
        sender.wait(timeout=60)
        assert sender.returncode != 0  # killed
        victim.clear()
        assert stages.send_alerts(settings).sent == 2
        assert stages.send_alerts(settings).sent == 0
    ids = [m["Message-ID"] for m in handler.received()]
    assert len(ids) == 3 and len(set(ids)) == 2  # the one in flight came twice, same Message-ID
    assert {r["status"] for r in outbox(settings)} == {"sent"}


def config(settings) -> list[str]:
    return ["--config", str(settings.database.parent.parent / "storywatch.toml")]
