"""SMTP servers on 127.0.0.1 for the alert tests: refusing recipients, TLS, logins.

The demo's MailSink is the plain case; these are aiosmtpd servers with the behaviours of real
mail servers that the sender must cope with.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from pipeline.demo.mailsink import _free_port, _SaveToFolder


class RefusingHandler(_SaveToFolder):
    """Keeps what it receives; answers 550 for the addresses in `refuse`; calls `on_data`
    when a message has arrived, before it answers."""

    def __init__(
        self, folder: Path, refuse: set[str] = frozenset(), on_data: Callable | None = None
    ):
        folder.mkdir(parents=True, exist_ok=True)
        super().__init__(folder)
        self.refuse = refuse
        self.on_data = on_data
        self.envelopes: list[list[str]] = []  # the accepted RCPT TO addresses, per message

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        answer = await super().handle_DATA(server, session, envelope)
        self.envelopes.append(list(envelope.rcpt_tos))
        if self.on_data:
            self.on_data()
        return answer

    def received(self) -> list[EmailMessage]:
        return [
            BytesParser(policy=policy.default).parse(p.open("rb"))
            for p in sorted(self.folder.glob("*.eml"))
        ]


def password_check(username: str, password: str):
    """An aiosmtpd authenticator accepting one user."""

    def check(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == (username, password)
        return AuthResult(success=ok, handled=False)

    return check


@contextmanager
def smtp_server(handler, **options) -> Iterator[int]:
    """An aiosmtpd server on 127.0.0.1 while the block runs; yields its port. `options` go to
    the Controller: `tls_context` (STARTTLS), `ssl_context` (implicit TLS), `authenticator`."""
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


class HangingUpHandler(RefusingHandler):
    """Hangs up on the client the ways a mail server that crashes, restarts or rations its
    sessions does; keeps what it accepted. Every hang-up is an abort: nothing written after it
    reaches the client.

    `hang_up` says when, for the messages to `hang_up_for` (everyone if None):
      "after_reply":  keeps the message, answers 250, then hangs up;
      "before_reply": keeps the message and hangs up before it answers, so the client cannot
                      know that it arrived;
      "during_data":  hangs up during DATA without keeping the message;
      "at_mail":      hangs up at every MAIL FROM, before any message is offered.
    `per_session`: once a session has carried this many messages, MAIL FROM is answered
    "421 too many messages" and the session is closed, as rationing servers do.
    `busy_for`: these recipients' messages are answered 421 at the end of DATA, then the
    session is closed (not kept). `refuse`: answered 550 at RCPT, as RefusingHandler does.
    """

    def __init__(
        self,
        folder: Path,
        hang_up: str | None = None,
        hang_up_for: set[str] | None = None,
        per_session: int | None = None,
        busy_for: set[str] = frozenset(),
        refuse: set[str] = frozenset(),
    ):
        super().__init__(folder, refuse=refuse)
        self.hang_up = hang_up
        self.hang_up_for = hang_up_for
        self.per_session = per_session
        self.busy_for = busy_for
        self.sessions = 0
        self.carried: dict[int, int] = {}  # messages accepted, per session

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:  # noqa: N802
        if self.hang_up == "at_mail":
            server.transport.abort()
            return "250 OK"
        if self.per_session is not None and self.carried.get(id(session), 0) >= self.per_session:
            asyncio.get_running_loop().call_soon(server.transport.close)  # after the answer
            return "421 4.7.0 Too many messages in this session, try again"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        recipient = envelope.rcpt_tos[0]
        if recipient in self.busy_for:
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.3.2 Service shutting down, try again later"
        targeted = self.hang_up_for is None or recipient in self.hang_up_for
        if targeted and self.hang_up == "during_data":
            server.transport.abort()
            return "250 OK"
        answer = await super().handle_DATA(server, session, envelope)
        self.carried[id(session)] = self.carried.get(id(session), 0) + 1
        if targeted and self.hang_up == "before_reply":
            server.transport.abort()
        elif targeted and self.hang_up == "after_reply":
            asyncio.get_running_loop().call_soon(server.transport.abort)  # after the answer
        return answer
