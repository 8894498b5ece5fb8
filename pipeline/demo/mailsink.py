"""An SMTP server on 127.0.0.1 that keeps every message it receives as an .eml file."""

from __future__ import annotations

import itertools
import socket
from pathlib import Path

from aiosmtpd.controller import Controller


class _SaveToFolder:
    def __init__(self, folder: Path):
        self.folder = folder
        self.counter = itertools.count(1 + len(list(folder.glob("*.eml"))))

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd hook)
        path = self.folder / f"{next(self.counter):04d}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


class MailSink:
    """`with MailSink(folder) as sink:` listens on `sink.port` until the block ends."""

    def __init__(self, folder: Path, port: int = 0):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.port = port or _free_port()
        self.controller = Controller(_SaveToFolder(folder), hostname="127.0.0.1", port=self.port)

    def messages(self) -> list[Path]:
        return sorted(self.folder.glob("*.eml"))

    def __enter__(self) -> MailSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def _free_port() -> int:
    # aiosmtpd must know its port before it binds (it connects to itself to check it is up)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
