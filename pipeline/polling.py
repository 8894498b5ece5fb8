"""When a feed is due again, and whether it is still worth polling. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

from .config import PollingConfig


def next_poll_at(
    now: datetime,
    *,
    failures: int,
    interval: float | None,
    retry_after: float | None,
    config: PollingConfig,
) -> datetime:
    """The feed's interval (never under the floor); doubled per consecutive failure up to
    `max_backoff`; never sooner than the server's Retry-After."""
    base = max(interval or config.interval, config.min_interval)
    delay = min(base * 2**failures, config.max_backoff) if failures else base
    return now + timedelta(seconds=max(delay, retry_after or 0))


def should_disable(failures: int, config: PollingConfig) -> bool:
    return failures >= config.disable_after
