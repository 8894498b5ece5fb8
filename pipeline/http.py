"""The only network client: a total deadline and a body cap on every request, conditional GET.

Feeds and article pages both come through `Fetcher.get`, so every limit applies to both.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import httpx

from .config import HttpConfig


class FetchError(Exception):
    """A request that produced no usable response; the message says why."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Response:
    url: str  # the final URL, after redirects
    status: int
    headers: dict[str, str] = field(repr=False)
    content: bytes = field(repr=False)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """One HTTP client shared by all threads of a stage; close it when the stage ends."""

    def __init__(self, config: HttpConfig):
        self.config = config
        self.client = httpx.Client(
            follow_redirects=True,
            max_redirects=config.max_redirects,
            timeout=httpx.Timeout(config.timeout),
            headers={"User-Agent": config.user_agent},
            trust_env=False,  # a proxy from the environment must not route around our limits
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None):
        """GET with If-None-Match / If-Modified-Since; raises FetchError on any failure."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = time.monotonic() + self.config.timeout
        try:
            with self.client.stream("GET", url, headers=headers) as resp:
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body += chunk
                    if len(body) > self.config.max_bytes:
                        raise FetchError(f"body larger than {self.config.max_bytes} bytes")
                    if time.monotonic() > deadline:
                        raise FetchError(f"took longer than {self.config.timeout:g}s")
                if resp.status_code >= 400:
                    raise FetchError(
                        f"HTTP {resp.status_code} {resp.reason_phrase}", resp.status_code
                    )
                return Response(str(resp.url), resp.status_code, dict(resp.headers), bytes(body))
        except httpx.TooManyRedirects:
            raise FetchError(f"more than {self.config.max_redirects} redirects") from None
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {self.config.timeout:g}s") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from None
