"""Extraction in worker processes, so that a page trafilatura loops on costs its time limit
and no more: a worker that overruns is killed and replaced (pebble), and the page is marked."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import ExitStack, contextmanager

from pebble import ProcessPool
from pebble.common import ProcessExpired

from .config import ExtractionConfig
from .extract import Extracted, extract
from .interrupt import ignore_in_worker


class ExtractionFailed(Exception):
    """The page could not be extracted: too big, too slow, or the worker died."""


class ExtractionPool:
    """`with ExtractionPool(config) as pool: pool.extract(html, url)`; thread-safe."""

    def __init__(self, config: ExtractionConfig):
        self.config = config
        # workers start (and are replaced) at any time while the pool lives
        self._main = ExitStack()
        self._main.enter_context(_main_not_rerun())
        # forkserver: the stage forks from a process with threads, where fork is unsafe
        context = multiprocessing.get_context("forkserver")
        self.pool = ProcessPool(
            max_workers=config.workers, context=context, initializer=ignore_in_worker
        )

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.pool.stop()
            self.pool.join()
        finally:
            self._main.close()

    def extract(self, html: bytes, url: str | None) -> Extracted:
        if len(html) > self.config.max_html_bytes:
            raise ExtractionFailed(
                f"page of {len(html)} bytes is over the {self.config.max_html_bytes} to extract"
            )
        future = self.pool.schedule(extract, args=(html, url), timeout=self.config.timeout)
        try:
            return future.result()
        except FutureTimeout:
            raise ExtractionFailed(
                f"extraction took longer than {self.config.timeout:g}s and was stopped"
            ) from None
        except ProcessExpired as exc:
            raise ExtractionFailed(f"the extraction worker died ({exc})") from None
        except Exception as exc:  # trafilatura or lxml failing on one page, whatever the type
            raise ExtractionFailed(f"extraction failed: {type(exc).__name__}: {exc}") from None


@contextmanager
def _main_not_rerun() -> Iterator[None]:
    """A new worker first re-runs `__main__` from its file. Workers need only `extract`, and a
    host's main module may not run in one: under Airflow it is the `airflow` command, which
    fails there without its metadata database, so every worker died and every page fell back
    to the feed's summary. Without `__file__`, multiprocessing skips that step."""
    main = sys.modules["__main__"]
    saved = main.__dict__.pop("__file__", None)
    try:
        yield
    finally:
        if saved is not None:
            main.__file__ = saved
