"""How far a long stage has come, told to whoever watches (the CLI's progress bar): a stage
calls `progress(what, done, total)` as its work goes and knows nothing of terminals. Called
from the stage's own thread only."""

from __future__ import annotations

from collections.abc import Callable

# what is being done ("fetching pages"), how many are done, of how many (None: not known)
Progress = Callable[[str, int, "int | None"], None]


def unwatched(what: str, done: int, total: int | None) -> None:
    """Nobody watches: a run under Airflow or cron, or output to a file."""
