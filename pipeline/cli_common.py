"""What every `storywatch` command shares: its settings, and its errors as one line and an
exit code.

Exit codes: 0 done, 1 done but something failed (recorded: the summary says what), 2 bad
usage or config, 3 a bug in storywatch. Every error is one line on stderr; the mapping from
the error family (pipeline.errors) to that line and code is `Storywatch.invoke`, here only.
"""

from __future__ import annotations

import functools
from pathlib import Path

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
    """The group whose `invoke` turns every error of every command into one line."""

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
        return command(load_settings(config_path), **kwargs)

    return wrapper


def exit_for(summaries) -> None:
    """Exit 1 when a stage summary counts failures (each is recorded where it happened): its
    `failed`, or the match stage's articles that could not be judged."""
    if any(s.failed or getattr(s, "errors", 0) for s in summaries):
        raise click.exceptions.Exit(RecordedFailures.exit_code)
