"""Exit codes: 0 done, 1 done with failures that were recorded (the summary says which)."""

from __future__ import annotations

import re

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.demo.mailsink import _free_port
from pipeline.store import open_store


def test_a_failing_feed_makes_run_exit_1_and_the_summary_says_so(tmp_path, site, make_settings):
    good = site.feed_url(site.sections[0])
    make_settings(feeds=[good])
    config = str(tmp_path / "storywatch.toml")
    fine = CliRunner().invoke(main, ["run", "--stage", "poll", "--config", config])
    assert fine.exit_code == 0, fine.output

    settings = make_settings(feeds=[good, f"{site.url}/feeds/no-such-section.xml"])
    failing = CliRunner().invoke(main, ["run", "--stage", "poll", "--force", "--config", config])
    assert failing.exit_code == 1, failing.output
    assert "1 failed" in failing.stdout
    with open_store(settings.database, read_only=True) as store:
        health = {r["url"]: r["status"] for r in store.rows_sql("select * from feed_health")}
    assert health[f"{site.url}/feeds/no-such-section.xml"] != "ok"


def test_alerts_that_all_fail_make_run_and_resend_exit_1(tmp_path, make_settings):
    # nothing listens on this port: every delivery fails, and is recorded in the outbox
    settings = make_settings(smtp={"host": "127.0.0.1", "port": _free_port(), "timeout": 2})
    config = str(tmp_path / "storywatch.toml")
    result = CliRunner().invoke(main, ["run", "--config", config])
    assert result.exit_code == 1, result.output
    alert_line = result.stdout.splitlines()[-1]
    assert alert_line.startswith("alert") and "0 sent, 1 failed" in alert_line
    with open_store(settings.database, read_only=True) as store:
        (alert,) = store.rows_sql("select id, status from alerts")
    assert alert["status"] == "failed"

    resent = CliRunner().invoke(main, ["alerts", "resend", str(alert["id"]), "--config", config])
    assert resent.exit_code == 1
    (line,) = resent.stderr.strip().splitlines()
    assert f"alert {alert['id']} not sent" in line and "next attempt" in line


def test_reextract_exits_1_when_pages_could_not_be_extracted_again(tmp_path, site, make_settings):
    make_settings(feeds=[site.feed_url(site.sections[0])])
    config = str(tmp_path / "storywatch.toml")
    for stage in ("poll", "fetch"):
        assert (
            CliRunner().invoke(main, ["run", "--stage", stage, "--config", config]).exit_code == 0
        )
    # pages are now over the size that is extracted: each is a failure, kept as it was
    make_settings(feeds=[site.feed_url(site.sections[0])], extraction={"max_html_bytes": 1})
    result = CliRunner().invoke(main, ["reextract", "--config", config])
    assert result.exit_code == 1, result.output
    assert re.search(r"reextract 0 changed, 0 unchanged, [1-9]\d* failed", result.stdout)
