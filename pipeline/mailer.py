"""Sending mail: the only SMTP caller. One session for a batch, a fresh one when it breaks,
and a result per message as soon as the server has answered for it."""

from __future__ import annotations

import smtplib
import ssl
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.utils import getaddresses

from typing_extensions import Buffer

from .alerts import inert_text
from .config import SmtpConfig

# A hang-up after DATA may hide a delivery: this many in a row and the rest of the batch waits
BROKEN_SESSIONS = 2


@dataclass(frozen=True)
class SendResult:
    error: str | None = None
    permanent: bool = False  # the server refused for good: retrying cannot help
    tried: bool = True  # False: the sender gave up on the server before this message
    handed_over: bool = True  # False: the session broke before the server had the message

    @property
    def ok(self) -> bool:
        return self.error is None


def send_notice(config: SmtpConfig, message: EmailMessage) -> str | None:
    """Deliver one message to the operator (a report, a failure); the error, if any."""
    ((_, result),) = send(config, [(0, message)])
    return result.error


def send(
    config: SmtpConfig, messages: Iterable[tuple[int, EmailMessage]]
) -> Iterator[tuple[int, SendResult]]:
    """Deliver messages, each to its own `To`; yield a result per message as soon as the server
    has answered for it, so the caller can record it before the next goes out.

    A session that breaks is replaced by a fresh one and the batch goes on: a message the
    server had not been handed yet is sent on the new session, one it was taking when the
    session broke is a failure of that message alone. Bounded: when the server cannot be
    reached, a fresh session breaks before its first message is handed over, or messages break
    BROKEN_SESSIONS sessions in a row with no delivery between, the message in hand fails and
    the others are yielded as not tried (nothing happened to them).
    """
    queue = deque(messages)
    stop: str | None = None
    broken = 0  # sessions in a row that a message broke, with no delivery since
    while queue and stop is None:
        try:
            smtp = _connect(config)
        except (OSError, smtplib.SMTPException) as exc:
            stop = f"cannot reach {config.host}:{config.port}: {_exception_text(exc)}"
            yield queue.popleft()[0], SendResult(stop)
            break
        with smtp:
            fresh = True
            while queue:
                ident, msg = queue[0]
                result = _send_one(smtp, config.sender, msg)
                if not result.handed_over and not fresh:
                    break  # the server hung up after the previous message: this one, anew
                queue.popleft()
                yield ident, result
                fresh = False
                if result.ok:
                    broken = 0
                elif not result.permanent and _session_lost(smtp):
                    broken += 1
                    stop = _not_worth_a_session(result, broken)
                    break
    for ident, _ in queue:
        yield ident, SendResult(stop, tried=False)


def _not_worth_a_session(result: SendResult, broken: int) -> str | None:
    """Why, after `result` broke the session (the `broken`-th in a row), the server gets no
    new one; None when it does."""
    if not result.handed_over:  # only a fresh session gets here: it broke at once
        return f"a new session broke before its first message: {result.error}"
    if broken >= BROKEN_SESSIONS:
        return f"{broken} sessions in a row broke: {result.error}"
    return None


class _Client(smtplib.SMTP):
    """An SMTP client that notes when a message is handed over (DATA): a session that breaks
    before then did not take it; one that breaks after may have, the client cannot know."""

    handed_over = False

    def data(self, msg: Buffer | str) -> tuple[int, bytes]:
        self.handed_over = True
        return super().data(msg)


class _TlsClient(_Client, smtplib.SMTP_SSL):
    pass


def _send_one(smtp: _Client, sender: str, msg: EmailMessage) -> SendResult:
    # every address of To: an alert has one, a notice one per operator
    recipients = [address for _, address in getaddresses(msg.get_all("To", []))]
    smtp.handed_over = False
    try:
        refused = smtp.send_message(msg, from_addr=sender, to_addrs=recipients)
    except smtplib.SMTPRecipientsRefused as exc:  # every one of them
        return _broken(smtp, _refused(exc.recipients))
    except smtplib.SMTPResponseException as exc:  # sender refused, data refused, ...
        return _broken(smtp, _refusal(type(exc).__name__, exc.smtp_code, exc.smtp_error))
    except (OSError, smtplib.SMTPException) as exc:
        if smtp.handed_over:
            return SendResult(
                "the connection broke while the server took the message (it may have arrived; "
                f"the retry goes out under the same Message-ID): {_exception_text(exc)}"
            )
        return _broken(smtp, SendResult(_exception_text(exc)))
    if refused:  # some of several: the others have it
        return _refused(refused)
    return SendResult()


def _refused(recipients: dict[str, tuple[int, bytes]]) -> SendResult:
    each = [_refusal(f"{who} refused", code, reply) for who, (code, reply) in recipients.items()]
    return SendResult(
        "; ".join(r.error or "" for r in each), permanent=all(r.permanent for r in each)
    )


def _broken(smtp: _Client, result: SendResult) -> SendResult:
    """The result, marked as never handed over when the session is gone before DATA (smtplib
    closes it on a hang-up and on a 421): the server did not refuse the message itself."""
    if smtp.sock is None and not smtp.handed_over:
        return replace(result, handed_over=False)
    return result


def _refusal(what: str, code: int | None, reply: bytes | str) -> SendResult:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return SendResult(f"{what}: {code} {inert_text(text)}", permanent=bool(code and code >= 500))


def _session_lost(smtp: _Client) -> bool:
    try:
        return smtp.noop()[0] != 250
    except (OSError, smtplib.SMTPException):
        return True


def _exception_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _connect(config: SmtpConfig) -> _Client:
    context = ssl.create_default_context(cafile=config.ca_file)
    if config.security == "tls":
        smtp: _Client = _TlsClient(
            config.host, config.port, timeout=config.timeout, context=context
        )
    else:
        smtp = _Client(config.host, config.port, timeout=config.timeout)
    try:
        if config.security == "starttls":
            # raises if the server does not offer STARTTLS: never fall back to plain text
            smtp.starttls(context=context)
        if config.username:
            password = config.password.get_secret_value() if config.password else ""
            smtp.login(config.username, password)
    except BaseException:
        smtp.close()
        raise
    return smtp
