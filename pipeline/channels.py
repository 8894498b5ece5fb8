"""Notification channels (Slack, Teams, Telegram, Matrix, ntfy, webhooks...): the only apprise
caller. A channel is an apprise URL, and the URL is a secret (it holds the token, the webhook
path, the topic): it is never stored, printed or recorded in full. What people see is its
masked form, and the outbox knows a channel by a hash of its URL.

Channel URLs are the operator's own configuration, not links from feeds: they are not held to
the SSRF guard of `pipeline.http` (a webhook on the local network is a normal thing to want).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import SecretStr

CUT = "…"
QUIET_LOGGERS = ("apprise", "urllib3")  # what logs a channel's URL while it is used
# parts this short cannot hide a secret worth the name, and cutting them from an error would
# cut ordinary words
SHORTEST_SECRET = 3


@dataclass(frozen=True)
class Channel:
    """One channel URL, with the names it goes by where people look."""

    url: SecretStr

    @property
    def id(self) -> str:
        """The outbox's name for the channel: a hash of its URL (a changed token is a new one)."""
        return channel_id(self.url.get_secret_value())

    @property
    def label(self) -> str:
        """The channel as listings show it: its URL with the secrets cut."""
        return mask(self.url.get_secret_value())


def channel_id(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def mask(url: str) -> str:
    """A channel URL with its secrets cut: the scheme and a real host name or address are
    shown, every other part (user, path, the host part of `slack://T0/B0/XX`) only by its
    first and last character, a password and the query not at all. Apprise's own privacy
    mode shows an ntfy topic in full, and a topic is all it takes to post to one."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return _cut(url)
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # `tgram://123:TOKEN/...`: a token where the port would be
        head, slash, tail = rest.partition("/")
        return f"{scheme}://{_cut(head)}{slash}{_cut_path(tail)}"
    host = _host_as_written(parts.netloc, port)
    netloc = (host if _is_host_name(host) else _cut(host)) + port
    if parts.username is not None:
        password = ":***" if parts.password is not None else ""
        netloc = f"{_cut(parts.username)}{password}@{netloc}"
    out = f"{scheme}://{netloc}{'/' if parts.path.startswith('/') else ''}"
    out += _cut_path(parts.path.lstrip("/"))
    if parts.query:
        out += f"?{CUT}"
    if parts.fragment:
        out += f"#{_cut(parts.fragment)}"
    return out


def redact(text: str, url: str) -> str:
    """`text` (an error apprise logged) without any part of `url` that `mask` would hide."""
    for secret in sorted(_secrets(url), key=len, reverse=True):
        text = text.replace(secret, CUT)
    return text


def problem(url: str) -> str | None:
    """Why apprise cannot send to `url` (the URL masked), or None when it can."""
    import apprise

    with _captured() as log:
        plugin = apprise.Apprise.instantiate(url)
    if plugin is not None:
        return None
    why = _last_line(log.getvalue(), url) or "apprise does not know it"
    return f"{mask(url)} is not a notification URL that apprise can send to: {why}"


def send(url: str, title: str, body: str) -> str | None:
    """Post one message to one channel; None once the service took it, else what went wrong
    (as apprise logged it, the URL's secrets cut)."""
    import apprise

    try:
        with _captured() as log:
            box = apprise.Apprise()
            ok = box.add(url) and box.notify(
                title=title, body=body, body_format=apprise.NotifyFormat.TEXT
            )
    except Exception as exc:  # a plugin's own bug is one channel's failure, not the run's
        return redact(f"{type(exc).__name__}: {exc}", url)
    if ok:
        return None
    return _last_line(log.getvalue(), url) or "the service did not take the message"


@contextmanager
def _captured() -> Iterator[StringIO]:
    """What apprise logs during one call, kept from every other log (Airflow's task log, a
    root handler): its lines, and urllib3's request lines under it, can hold the URL."""
    import apprise

    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    before = [logger.propagate for logger in loggers]
    for logger in loggers:
        logger.propagate = False
    try:
        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as log:
            yield log
    finally:
        for logger, propagate in zip(loggers, before, strict=True):
            logger.propagate = propagate


def _last_line(log: str, url: str) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    return redact(lines[-1], url) if lines else ""


def _is_host_name(host: str) -> bool:
    """A name or an address that the world can see anyway (`ntfy.sh`, `127.0.0.1`), not a
    token in the host's place."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return host == "localhost" or ("." in host and not host.startswith("."))


def _host_as_written(netloc: str, port: str) -> str:
    """The host part of `netloc` in its own case (urlsplit folds it: tokens have capitals)."""
    host = netloc.rpartition("@")[2]
    return host.removesuffix(port) if port else host


def _cut(part: str) -> str:
    return part[0] + CUT + part[-1] if len(part) > 4 else CUT if part else ""


def _cut_path(path: str) -> str:
    return "/".join(_cut(segment) for segment in path.split("/"))


def _secrets(url: str) -> Iterable[str]:
    """What of `url` must not be shown: the URL itself and each part `mask` cuts, as written
    and decoded."""
    found = {url}
    scheme, sep, rest = url.partition("://")
    try:
        parts = urlsplit(url)
        host = _host_as_written(parts.netloc, f":{parts.port}" if parts.port else "")
        found |= {parts.username or "", parts.password or "", parts.fragment}
        found |= {value for _, value in parse_qsl(parts.query)}
        found |= set(parts.path.split("/"))
        if not _is_host_name(host):
            found.add(host)
    except ValueError:
        found |= set(rest.replace("@", "/").replace(":", "/").split("/"))
    found |= {unquote(s) for s in found}
    return {s for s in found if len(s) >= SHORTEST_SECRET and not (sep and s == scheme)}
