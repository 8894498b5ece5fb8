"""The only network client. Feeds and article pages both come through `Fetcher.get`, so every
limit applies to both:

- a total deadline per request, redirects included, however slowly the server drips its bytes;
- a body cap counted after decompression, so a gzip bomb stops at the cap;
- at most `max_redirects` redirects, none from https to http, none to another scheme;
- an SSRF guard: the address actually connected to (after DNS, on every hop) must be public,
  unless its host is in `allow_private`;
- politeness: one request at a time per host, a minimum gap between them, and the server's
  Retry-After reported to the caller;
- conditional GET with the validators exactly as the server sent them.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import certifi
import httpcore
import httpx

from .config import HttpConfig

REDIRECTS = {301, 302, 303, 307, 308}
# brotli is not asked for: Python's brotli bindings cannot bound the output of one chunk
ACCEPT_ENCODING = "gzip, deflate"


class FetchError(Exception):
    """A request that produced no usable response; the message says why."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after  # seconds the server asked us to wait (429, 503)


class AddressRefused(FetchError):
    """The SSRF guard refused the address a host resolved to."""


@dataclass(frozen=True)
class Response:
    url: str  # the final URL, after redirects
    status: int
    headers: dict[str, str] = field(repr=False)
    content: bytes = field(repr=False)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def is_public(address: str) -> bool:
    """True for an address on the public internet; IPv4-mapped IPv6 is judged as its IPv4."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    # is_global is False for loopback, private, link-local (cloud metadata), CGNAT 100.64/10,
    # unique-local fc00::/7, documentation and reserved ranges
    return ip.is_global and not ip.is_multicast


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves the host itself, vets every address, and connects to a vetted one, so a DNS
    answer that changes between a check and the connection cannot slip through."""

    def __init__(self, allow: list[str]):
        self.hosts = {a.lower() for a in allow if not _network(a)}
        self.networks = [n for n in map(_network, allow) if n]

    def allowed(self, host: str, address: str) -> bool:
        ip = ipaddress.ip_address(address.split("%")[0])
        return host.lower() in self.hosts or any(ip in n for n in self.networks)

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise FetchError(f"cannot resolve {host}: {exc.strerror}") from None
        except UnicodeError:
            # the name is encoded (IDNA) before any lookup: an empty label ("a..b") fails there
            raise FetchError(f"cannot resolve {host}: not a valid host name") from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:
            if not is_public(address) and not self.allowed(host, address):
                raise AddressRefused(
                    f"refused to connect to {host} ({address}): not a public address; "
                    "list the host under [http] allow_private to allow it"
                )
        error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(
                    address, port, timeout, local_address, socket_options or []
                )
            except httpcore.ConnectError as exc:
                error = exc
        raise error or FetchError(f"cannot resolve {host}")


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, allow: list[str]):
        super().__init__(trust_env=False)
        # httpx offers no public hook for the network backend; httpcore's pool does
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl.create_default_context(cafile=certifi.where()),
            network_backend=_GuardedBackend(allow),
        )


class Fetcher:
    """One client shared by all threads of a stage; use it in a `with` block."""

    def __init__(self, config: HttpConfig):
        self.config = config
        self.client = httpx.Client(
            transport=_GuardedTransport(config.allow_private),
            headers={"User-Agent": config.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            follow_redirects=False,  # followed by hand, to vet every hop
            trust_env=False,  # a proxy from the environment must not route around the guard
        )
        self._host_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._host_last: dict[str, float] = {}
        self._locks_lock = threading.Lock()

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
        spent = [0.0]  # seconds on the wire so far, all hops; waiting for a host's turn is free
        current = _checked(url)
        for _ in range(self.config.max_redirects + 1):
            response = self._one(current, headers, spent)
            if isinstance(response, Response):
                return response
            current = next_hop(current, response)
        raise FetchError(f"more than {self.config.max_redirects} redirects")

    def _one(self, url: httpx.URL, headers: dict, spent: list[float]) -> Response | str:
        """One hop: a Response, or the Location a redirect points to."""
        with self._polite(url.host):
            started = time.monotonic()
            remaining = self.config.timeout - spent[0]
            deadline = started + remaining
            try:
                return self._hop(url, headers, remaining, deadline)
            finally:
                spent[0] += time.monotonic() - started

    def _hop(self, url: httpx.URL, headers: dict, remaining: float, deadline: float):
        """The request itself, within `remaining` seconds."""
        if remaining <= 0:
            raise FetchError(f"took longer than {self.config.timeout:g}s")
        try:
            with self.client.stream(
                "GET", url, headers=headers, timeout=httpx.Timeout(remaining)
            ) as resp:
                if resp.status_code in REDIRECTS and resp.headers.get("location"):
                    return resp.headers["location"]
                if resp.status_code >= 400:
                    raise FetchError(
                        f"HTTP {resp.status_code} {resp.reason_phrase}",
                        resp.status_code,
                        self._retry_after(resp),
                    )
                body = self._read(resp, deadline)
                return Response(str(url), resp.status_code, dict(resp.headers), body)
        except httpx.TimeoutException:
            raise FetchError(f"took longer than {self.config.timeout:g}s") from None
        except httpx.InvalidURL as exc:
            # httpx parses a redirect's Location even when it does not follow it
            raise FetchError(f"refused a redirect to a URL that is not http(s): {exc}") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from None

    def _read(self, resp: httpx.Response, deadline: float) -> bytes:
        cap = self.config.max_bytes
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap and "content-encoding" not in resp.headers:
            raise FetchError(f"body larger than {cap} bytes ({declared} declared)")
        if resp.status_code in (204, 304):
            return b""  # no body, whatever Content-Encoding a server labels it with
        decoder = _decoder(resp.headers.get("content-encoding", ""))
        body = bytearray()
        received = 0
        try:
            for chunk in resp.iter_raw():
                received += len(chunk)
                # max_length stops a bomb inside one chunk, before it takes memory
                body += decoder.decompress(chunk, cap + 1 - len(body)) if decoder else chunk
                if len(body) > cap:
                    raise FetchError(f"body larger than {cap} bytes")
                if time.monotonic() > deadline:
                    raise FetchError(f"took longer than {self.config.timeout:g}s")
        except zlib.error as exc:
            raise FetchError(f"corrupt compressed body: {exc}") from None
        if decoder and received and not decoder.eof:
            raise FetchError("compressed body ends before its end marker (truncated)")
        return bytes(body)

    def _retry_after(self, resp: httpx.Response) -> float | None:
        if resp.status_code not in (429, 503):
            return None
        return parse_retry_after(resp.headers.get("retry-after"), self.config.max_retry_after)

    def _polite(self, host: str):
        with self._locks_lock:
            lock = self._host_locks[host]
        return _HostTurn(self, host, lock)


class _HostTurn:
    """Holds the host's lock for one request, after waiting out the gap since the last one."""

    def __init__(self, fetcher: Fetcher, host: str, lock: threading.Lock):
        self.fetcher, self.host, self.lock = fetcher, host, lock

    def __enter__(self) -> None:
        self.lock.acquire()
        last = self.fetcher._host_last.get(self.host)
        if last is not None:
            time.sleep(max(0.0, last + self.fetcher.config.per_host_gap - time.monotonic()))

    def __exit__(self, *exc) -> None:
        self.fetcher._host_last[self.host] = time.monotonic()
        self.lock.release()


def parse_retry_after(value: str | None, cap: float) -> float | None:
    """Retry-After in seconds or as an HTTP date, as seconds from now, at most `cap`."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), cap)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, (when - datetime.now(UTC)).total_seconds()), cap)


def next_hop(current: httpx.URL, location: str) -> httpx.URL:
    """Where a redirect leads: an http(s) URL, and never from https down to http."""
    try:
        following = _checked(current.join(location))
    except httpx.InvalidURL as exc:
        raise FetchError(f"refused a redirect to a URL that is not http(s): {exc}") from None
    if current.scheme == "https" and following.scheme == "http":
        raise FetchError(f"refused a redirect from https to http ({following})")
    return following


def _network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """An allow-list entry that is an address or a network ("10.0.0.0/8"), else None."""
    try:
        return ipaddress.ip_network(entry.strip("[]"), strict=False)
    except ValueError:
        return None


def _checked(url: str | httpx.URL) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchError(f"not a valid URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError(f"only http and https URLs are fetched, not {str(url)[:80]!r}")
    return parsed


def _decoder(encoding: str):
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib- or gzip-wrapped, as sent
    raise FetchError(f"unsupported Content-Encoding {encoding!r}")
