"""Hostile feed content, header injection, TLS and logins: rendered alerts sent to real
aiosmtpd servers on 127.0.0.1, and what arrived read back."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
import trustme

from pipeline import alerts, mailer
from pipeline.config import ConfigError, Settings, SmtpConfig
from pipeline.smtp_connection import smtp_from_connection
from tests.smtp_servers import RefusingHandler, password_check, smtp_server

WHEN = datetime(2022, 7, 27, 18, 40, tzinfo=UTC)


def hostile_alert(title: str = "A fine title", **update) -> alerts.Alert:
    source = alerts.Source(
        outlet=update.pop("outlet", "Daily Orbit"),
        title=title,
        url=update.pop("url", "https://news.example.org/a"),
        published_at=WHEN,
    )
    return alerts.Alert(
        id=7,
        recipient="desk@example.org",
        message_id=alerts.message_id("test:7"),
        story_slug="iss-withdrawal",
        story_name="Russia leaves the ISS",
        updates=[alerts.Update(source, update.pop("new_facts", ["Russia stays until 2028."]))],
    )


def deliver(alert: alerts.Alert, tmp_path, config: dict | None = None, **server):
    """Send through a real SMTP server; return (results, messages received)."""
    handler = RefusingHandler(tmp_path / "received")
    with smtp_server(handler, **server) as port:
        smtp = SmtpConfig(host="127.0.0.1", port=port, timeout=5, **(config or {}))
        results = list(mailer.send(smtp, [(alert.id, alerts.render(alert, smtp.sender))]))
    return results, handler.received()


@pytest.mark.parametrize(
    "title",
    [
        "Breaking\r\nBcc: victim@example.org",
        "Breaking\nX-Injected: 1",
        "Breaking\u2028X-Injected: 1\u2029Bcc: victim@example.org",
        "=?utf-8?b?QmNjOiB2aWN0aW1AZXhhbXBsZS5vcmc=?= hidden",
        "Breaking\x00\x1b[31m\x85X-Injected: 1",
        "x" * 5000,
    ],
)
def test_a_title_cannot_add_headers_or_recipients(title, tmp_path):
    (result,), (message,) = deliver(hostile_alert(title), tmp_path)
    assert result == (7, mailer.SendResult())
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert message["To"] == "desk@example.org"
    subject = message["Subject"]
    assert "\n" not in subject and "\r" not in subject and "\u2028" not in subject
    assert len(subject) <= alerts.SUBJECT_MAX
    assert "=?" not in subject  # a literal encoded word would be decoded by mail clients
    assert all(c.isprintable() for c in subject)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_hostile_content_is_shown_inert(tmp_path):
    alert = hostile_alert(
        title='<script>alert("title")</script>\u202egpj.exe',
        url="javascript:alert(document.cookie)",
        outlet="Evil<img src=x onerror=alert(1)>",
        new_facts=[
            '<img src=x onerror="alert(1)"> Russia stays',
            "<a href='javascript:alert(2)'>click</a> and <iframe src=//evil.example>",
        ],
    )
    _, (message,) = deliver(alert, tmp_path)
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    parser = _Tags()
    parser.feed(html)
    tags = {t for t, _ in parser.tags}
    assert not tags & {"script", "img", "iframe"}
    assert not [a for _, attrs in parser.tags for a in attrs if a.startswith("on")]
    assert all(attrs["href"].startswith("http") for t, attrs in parser.tags if t == "a")
    assert "javascript:" not in text.replace("javascript:alert(2)'>click", "")
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in html  # shown, as text
    for part in (html, text, message["Subject"]):
        assert "\u202e" not in part
    assert "gpj.exe" in text  # the text stays, in its true order


@pytest.mark.parametrize(
    "url, shown",
    [
        ("https://news.example.org/a?b=1&c=2", True),
        ("http://news.example.org/a", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>", False),
        ("https://news.example.org/\u202egpj", False),
        ("https://news.example.org/a b", False),
        ("//news.example.org/a", False),
        ("http://", False),
    ],
)
def test_only_plain_http_links_are_links(url, shown):
    assert (alerts.safe_url(url) is not None) == shown


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """A private CA and a certificate for 127.0.0.1; the CA file the client is told to trust."""
    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server)
    ca_file = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return server, str(ca_file)


@pytest.mark.parametrize("password", ["pw", "bad"])
def test_starttls_with_login_delivers_only_with_the_right_password(tls, tmp_path, password):
    server, ca_file = tls
    config = {"security": "starttls", "ca_file": ca_file, "username": "u", "password": password}
    ((_, result),), received = deliver(
        hostile_alert(),
        tmp_path,
        config,
        tls_context=server,
        require_starttls=True,
        auth_required=True,
        authenticator=password_check("u", "pw"),
    )
    if password == "pw":
        assert result == mailer.SendResult() and len(received) == 1
    else:
        assert not result.ok and "535" in result.error and received == []


def test_implicit_tls(tls, tmp_path):
    server, ca_file = tls
    results, received = deliver(
        hostile_alert(), tmp_path, {"security": "tls", "ca_file": ca_file}, ssl_context=server
    )
    assert results == [(7, mailer.SendResult())] and len(received) == 1


def test_an_untrusted_certificate_is_refused(tls, tmp_path):
    server, _ = tls
    ((_, result),), received = deliver(
        hostile_alert(), tmp_path, {"security": "starttls"}, tls_context=server
    )
    assert "CERTIFICATE_VERIFY_FAILED" in result.error and received == []


def test_starttls_required_but_not_offered_sends_nothing(tmp_path):
    ((_, result),), received = deliver(hostile_alert(), tmp_path, {"security": "starttls"})
    assert "STARTTLS" in result.error and received == []


def test_airflow_smtp_connection_becomes_the_smtp_settings():
    base = Settings(smtp=SmtpConfig(ca_file="/etc/ca.pem", sender="old@example.org"))
    starttls = smtp_from_connection(
        base,
        host="mail.example.org",
        port=None,
        login="alerts",
        password="s3cret",
        extra='{"from_email": "news@example.org", "disable_ssl": "true", "timeout": "12"}',
    ).smtp
    assert (starttls.host, starttls.port, starttls.security) == (
        "mail.example.org",
        587,
        "starttls",
    )
    assert (starttls.username, starttls.password.get_secret_value()) == ("alerts", "s3cret")
    assert (starttls.sender, starttls.timeout, starttls.ca_file) == (
        "news@example.org",
        12.0,
        "/etc/ca.pem",
    )
    implicit = smtp_from_connection(base, host="mail.example.org", extra={}).smtp
    assert (implicit.security, implicit.port, implicit.sender) == ("tls", 465, "old@example.org")
    plain = smtp_from_connection(
        base, host="relay", port=25, extra={"disable_ssl": True, "disable_tls": True}
    ).smtp
    assert (plain.security, plain.port, plain.username) == ("none", 25, None)
    with pytest.raises(ConfigError, match="extra is not JSON"):
        smtp_from_connection(base, host="relay", extra="{oops")
    with pytest.raises(ConfigError, match="smtp.port|port"):
        smtp_from_connection(base, host="relay", port=70000)
    with pytest.raises(ConfigError, match="certificates are checked"):
        smtp_from_connection(base, host="relay", extra={"ssl_context": "none"})
