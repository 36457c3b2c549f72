"""Shared HTTP plumbing for store sources: one aiohttp session per process, capped body reads, error mapping.

Everything HTTP-library specific stays here: callers get an `HttpResponse` or a `StoreUnavailable`.
No retries here — the monitor loop owns back-off.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import aiohttp
import aiohttp_socks
from aiohttp.http_exceptions import HttpProcessingError

from phantom.domain.errors import StoreUnavailable

DEFAULT_RETRY_AFTER = 60.0  # seconds, when a 429 names no Retry-After
MAX_RETRY_AFTER = 3600.0  # a hostile or broken header must not park a store for days
_KEPT_HEADERS = ("etag", "last-modified", "retry-after", "content-type", "location")
NO_HEADERS: Mapping[str, str] = {}
# aiohttp-socks raises its own errors (not aiohttp's) when a SOCKS proxy fails.
SOCKS_ERRORS = (aiohttp_socks.ProxyError, aiohttp_socks.ProxyConnectionError, aiohttp_socks.ProxyTimeoutError)
_PROXY_ERRORS = (aiohttp.ClientHttpProxyError, aiohttp.ClientProxyConnectionError, *SOCKS_ERRORS)


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: dict[str, str]  # lower-case names; only the few in _KEPT_HEADERS
    url: str  # final URL (after redirects, when followed)
    body: bytes
    elapsed_ms: float

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def location(self) -> str | None:
        return self.headers.get("location")


def create_http_session(
    *, limit: int, limit_per_host: int, user_agent: str, timeout: float, socks_proxy: str | None = None
) -> aiohttp.ClientSession:
    """The one client session of the process (call inside the running loop; the engine closes it).

    The User-Agent is honest: Phantom never poses as a browser. Cookies are not kept: a poller has no
    business carrying one store's session (or queue ticket) into the next request. With `socks_proxy`
    (socks5://…) every connection of the session is tunnelled through that proxy (names resolved by it).
    """
    connector: aiohttp.TCPConnector
    if socks_proxy is not None:
        connector = aiohttp_socks.ProxyConnector.from_url(
            socks_proxy, limit=limit, limit_per_host=limit_per_host, enable_cleanup_closed=True
        )
    else:
        connector = aiohttp.TCPConnector(
            limit=limit, limit_per_host=limit_per_host, ttl_dns_cache=300, enable_cleanup_closed=True
        )
    return aiohttp.ClientSession(
        connector=connector,
        headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=aiohttp.ClientTimeout(total=timeout),
        cookie_jar=aiohttp.DummyCookieJar(),
        auto_decompress=True,
    )


@functools.lru_cache(maxsize=32)
def _client_timeout(total: float) -> aiohttp.ClientTimeout:
    return aiohttp.ClientTimeout(total=total)


async def get_bytes(
    session: aiohttp.ClientSession,
    url: str,
    *,
    headers: Mapping[str, str] = NO_HEADERS,
    max_bytes: int,
    timeout: float,  # noqa: ASYNC109 - per-request aiohttp timeout, passed straight to aiohttp
    allow_redirects: bool = True,
    proxy: str | None = None,
) -> HttpResponse:
    """GET `url` and read at most `max_bytes` of (decoded) body, through the http(s) `proxy` if given.

    Raises StoreUnavailable for every transport failure and for an oversized body; never an aiohttp error.
    """
    started = time.perf_counter()
    try:
        async with session.get(
            url,
            headers=headers,
            timeout=_client_timeout(timeout),
            allow_redirects=allow_redirects,
            proxy=proxy,
        ) as resp:
            body = await _read_capped(resp, max_bytes)
            kept = {name: value for name in _KEPT_HEADERS if (value := resp.headers.get(name)) is not None}
            final_url = str(resp.url)
            status = resp.status
    except StoreUnavailable:
        raise
    except (
        aiohttp.ClientError,
        HttpProcessingError,
        TimeoutError,
        OSError,
        ValueError,
        *SOCKS_ERRORS,
    ) as exc:
        raise StoreUnavailable(describe_error(exc)) from exc
    return HttpResponse(status, kept, final_url, body, (time.perf_counter() - started) * 1000)


async def _read_capped(resp: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    if resp.status in (204, 304):
        return b""
    declared = resp.content_length
    if declared is not None and declared > max_bytes:  # refuse before reading a byte of it
        raise StoreUnavailable(f"body larger than {max_bytes} bytes")
    chunks: list[bytes] = []
    total = 0
    async for chunk in resp.content.iter_any():
        total += len(chunk)
        if total > max_bytes:  # decoded size: a small gzip body can still inflate past the cap
            raise StoreUnavailable(f"body larger than {max_bytes} bytes")
        chunks.append(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def describe_error(exc: BaseException) -> str:
    """A short, stable reason for a transport failure (shown in store health, used as a metric label)."""
    if isinstance(exc, TimeoutError):  # includes aiohttp's ServerTimeoutError and asyncio timeouts
        return "timeout"
    if isinstance(exc, _PROXY_ERRORS):
        return _describe_proxy_error(exc)
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "truncated body"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "server disconnected"
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "dns lookup failed"
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ConnectionRefusedError):
            return "connection refused"
        return "connection failed"
    if isinstance(exc, aiohttp.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, aiohttp.InvalidURL):
        return "invalid url"
    if isinstance(exc, aiohttp.ClientResponseError | HttpProcessingError):
        return "malformed http response"
    if isinstance(exc, aiohttp.ClientOSError | OSError):
        return "connection error"
    if isinstance(exc, ValueError):
        return "invalid request"
    return f"http error ({type(exc).__name__})"


def _describe_proxy_error(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientHttpProxyError):  # the proxy refused CONNECT
        return "proxy authentication failed (407)" if exc.status == 407 else f"proxy refused ({exc.status})"
    if isinstance(exc, aiohttp_socks.ProxyTimeoutError):
        return "proxy timeout"
    if isinstance(exc, aiohttp_socks.ProxyError):
        text = str(exc)
        if "authentication" in text.lower():
            return "proxy authentication failed"
        return f"proxy error: {text[:80]}"  # python-socks' fixed reply texts
    if isinstance(exc, aiohttp.ClientProxyConnectionError) and isinstance(
        exc.os_error, ConnectionRefusedError
    ):
        return "proxy connection refused"
    return "proxy connection failed"


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date; None when absent or invalid."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        return _retry_after_date(text, now)
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def _retry_after_date(text: str, now: datetime) -> float | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" or obsolete forms: HTTP-dates are always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def retry_after_seconds(
    headers: Mapping[str, str], now: datetime | None = None, *, default: float = DEFAULT_RETRY_AFTER
) -> float:
    """Retry-After of a 429 as the loop should honour it: `default` when absent or invalid, capped at an hour."""
    parsed = parse_retry_after(headers.get("retry-after"), now or datetime.now(UTC))
    if parsed is None:
        return default
    return min(parsed, MAX_RETRY_AFTER)
