"""What every `storywatch` command shares: its settings, and its errors as one line and an
exit code.

Exit codes: 0 done, 1 done but something failed (recorded: the summary says what), 2 bad
usage or config, 3 a bug in storywatch. Every error is one line on stderr; the mapping from
the error family (pipeline.errors) to that line and code is `Storywatch.invoke`, here only.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import importlib
import json
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import click

from .config import load_settings
from .errors import BUG, RecordedFailures, StorywatchError
from .interrupt import Interrupted

EXIT_CODES = (
    "Exit codes: 0 done; 1 done, but something failed and was recorded (the summary says "
    "what); 2 bad usage or config; 3 a bug in storywatch."
)


class Problem(click.ClickException):
    """One line on stderr and an exit code."""

    def __init__(self, message: str, exit_code: int):
        # DuckDB and pydantic spread a message over lines; a user gets one
        super().__init__("; ".join(line.strip() for line in message.splitlines() if line.strip()))
        # click declares exit_code per class, but reads it from the instance it catches
        self.exit_code = exit_code  # type: ignore[misc]


class Storywatch(click.Group):
    """The group whose `invoke` turns every error of every command into one line. `lazy`
    names commands by "module:attribute", imported when the command is first asked for."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, attribute = self.lazy[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            where = f"`{exc.ctx.command_path} --help`" if exc.ctx else "`storywatch --help`"
            raise Problem(
                f"{exc.format_message().rstrip('.')}; see {where}", exc.exit_code
            ) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Interrupted as exc:
            # a stop that was asked for, not an error: the line says what was kept
            click.echo(str(exc), err=True)
            raise click.exceptions.Exit(exc.exit_code) from None
        except StorywatchError as exc:
            raise Problem(str(exc), exc.exit_code) from None
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            what = f"{type(exc).__name__}: {exc}"
            raise Problem(
                f"unexpected {what}; this is a bug: please report it "
                "(--debug or STORYWATCH_DEBUG=1 shows the traceback)",
                BUG,
            ) from None


def with_settings(command):
    """Give the command `--config PATH` and call it with the loaded Settings."""

    @click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Config file (default: $STORYWATCH_CONFIG or ./storywatch.toml).",
    )
    @functools.wraps(command)
    def wrapper(config_path: Path | None, **kwargs):
        from .snapshot import publish_if_written

        settings = load_settings(config_path)
        try:
            result = command(settings, **kwargs)
        except click.exceptions.Exit as done:
            # done, or done with failures recorded: what it wrote is whole. An error or a stop
            # midway publishes nothing: the readers keep the last whole state
            if done.exit_code in (0, RecordedFailures.exit_code):
                publish_if_written(settings)
            raise
        publish_if_written(settings)
        return result

    return wrapper


def exit_for(summaries) -> None:
    """Exit 1 when a stage summary counts failures (each is recorded where it happened): its
    `failed`, or the match stage's articles that could not be judged."""
    if any(s.failed or getattr(s, "errors", 0) for s in summaries):
        raise click.exceptions.Exit(RecordedFailures.exit_code)


def json_option(command):
    """Give the command `--json`: what it lists or sums up, as one JSON document on stdout
    (through `echo_json`), for scripts; the command is called with `as_json`."""
    return click.option(
        "--json", "as_json", is_flag=True, help="Print it as one JSON document instead."
    )(command)


def echo_json(value: Any) -> None:
    """One JSON document on stdout: times in ISO 8601, durations in seconds, JSON columns (as
    DuckDB returns them, text) as they are."""
    click.echo(json.dumps(value, ensure_ascii=False, default=_jsonable))


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, UUID | Path):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def echo_csv(columns: list[str], rows: list[tuple]) -> None:
    """Rows as CSV with a header on stdout: times in ISO 8601, lists and objects as JSON."""
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(columns)
    for row in rows:
        out.writerow([_csv_cell(value) for value in row])


def _csv_cell(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False, default=_jsonable)
    return _jsonable(value)


class ProgressBars:
    """The `progress` a stage is given (see pipeline.progress): a bar on stderr per kind of
    work, when stderr is a terminal; nothing otherwise (a log, a pipe, cron). `close` takes
    the bars away before a summary line is printed, so the two never mix."""

    def __init__(self) -> None:
        self.shown = sys.stderr.isatty()
        self._bars: Any = None  # rich's Progress, started at the first report
        self._tasks: dict[str, Any] = {}

    def __call__(self, what: str, done: int, total: int | None) -> None:
        if not self.shown:
            return
        if self._bars is None:
            from rich.console import Console  # only a terminal pays for importing rich
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bars = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(file=sys.stderr),
                transient=True,
                # stdout is the summaries': it is not drawn through the bars
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._bars.start()
        if what not in self._tasks:
            self._tasks[what] = self._bars.add_task(what, total=total)
        self._bars.update(self._tasks[what], completed=done, total=total)

    def close(self) -> None:
        if self._bars is not None:
            self._bars.stop()
        self._bars, self._tasks = None, {}

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
