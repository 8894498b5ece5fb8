"""SMTP servers on 127.0.0.1 for the alert tests: refusing recipients, TLS, logins.

The demo's MailSink is the plain case; these are aiosmtpd servers with the behaviours of real
mail servers that the sender must cope with.
"""

from __future__ import annotations

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

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        answer = await super().handle_DATA(server, session, envelope)
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
