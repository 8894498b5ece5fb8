"""The one error family: what a user can fix, each with the exit code the CLI gives it.

The CLI maps a StorywatchError to one line and its exit code in one place (`cli_common`);
anything else is a bug. Exit codes: 0 done, 1 done but something failed (and was recorded),
2 bad usage or config, 3 a bug in storywatch (an exception outside this family).
"""

from __future__ import annotations

DONE, FAILURES, BAD_USAGE, BUG = 0, 1, 2, 3


class StorywatchError(Exception):
    """A problem the user can fix; the message says what is wrong and what to do."""

    exit_code = BAD_USAGE


class UsageError(StorywatchError, ValueError):
    """An argument names something that does not exist or cannot be used (a file, an id)."""


class SourceError(UsageError):
    """A file or URL given on the command line gives nothing usable."""


class RecordedFailures(StorywatchError):
    """The work is done, but some of it failed; the failures are recorded where they belong."""

    exit_code = FAILURES


def one_line(exc: BaseException, limit: int = 500) -> str:
    """An exception as one line of at most `limit` characters: its type and message, as stored
    where the failure is recorded."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
