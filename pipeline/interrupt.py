"""Ctrl-C and SIGTERM as a request to stop at the next safe point.

The CLI installs the handlers for the length of a run; a stage checks `requested()` between two
pieces of work (pages, feeds), stops starting new ones, stores what is done, and raises
`Interrupted` saying what it kept. Without the handlers installed (a library caller, an Airflow
task) nothing changes: `requested()` is always False.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import StorywatchError

SIGNALS = (signal.SIGINT, signal.SIGTERM)

_received: list[int] = []
_event = threading.Event()


class Interrupted(StorywatchError):
    """A stage stopped early on a signal; `done` says what it stored ("3 pages stored")."""

    def __init__(self, done: str, signum: int | None = None):
        super().__init__(f"interrupted: {done}, the rest waits for the next run")
        self.done = done
        self.signum = signum if signum is not None else received() or signal.SIGINT
        # the shell's convention: 130 for SIGINT, 143 for SIGTERM
        self.exit_code = 128 + self.signum


def requested() -> bool:
    return _event.is_set()


def received() -> int | None:
    return _received[0] if _received else None


def check(done: str) -> None:
    """Raise Interrupted (saying what is `done`) when a stop was asked for."""
    if requested():
        raise Interrupted(done)


def _on_signal(signum: int, _frame) -> None:
    if requested():
        # asked twice: the user does not want to wait for the safe point
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)
    _received.append(signum)
    _event.set()


@contextmanager
def handlers() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into a stop request while the block runs."""
    if threading.current_thread() is not threading.main_thread():
        yield  # Python takes signal handlers in the main thread only
        return
    previous = {s: signal.signal(s, _on_signal) for s in SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _received.clear()
        _event.clear()


def ignore_in_worker() -> None:
    """For worker processes: a Ctrl-C at the terminal reaches the whole process group, and a
    worker must finish its page for the stage to store it, not die with it half done."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
