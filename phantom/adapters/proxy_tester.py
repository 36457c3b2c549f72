"""The proxy tester (the ProxyTester port): one GET of a URL the person chose through each proxy of a list.

It measures reachability and latency and reports what happened (status code, or why it failed: timeout,
refused, proxy authentication failed…). One request per proxy, no retries, bounded concurrency, a fresh
session per test so a result never rides on a connection an earlier poll opened. Testing is for the
person to choose and check proxies; it never feeds an automatic switch between them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import aiohttp

from phantom.adapters.http import SOCKS_ERRORS, create_http_session, describe_error
from phantom.domain.proxies import Proxy, ProxyScheme, ProxyTestResult

DEFAULT_CONCURRENCY = 20
_ERRORS = (aiohttp.ClientError, TimeoutError, OSError, ValueError, *SOCKS_ERRORS)


class AiohttpProxyTester:
    def __init__(self, *, user_agent: str, concurrency: int = DEFAULT_CONCURRENCY) -> None:
        self._user_agent = user_agent
        self._concurrency = concurrency

    async def test(
        self, proxies: Sequence[Proxy], url: str, *, request_timeout: float
    ) -> list[ProxyTestResult]:
        """Results in input order. A proxy's failure is in its result, never raised."""
        gate = asyncio.Semaphore(self._concurrency)
        async with self._session(request_timeout) as http:

            async def one(proxy: Proxy) -> ProxyTestResult:
                async with gate:
                    if proxy.scheme is ProxyScheme.SOCKS5:
                        async with self._session(request_timeout, socks=proxy.url) as tunnelled:
                            return await _probe(tunnelled, proxy, url, request_timeout, via=None)
                    return await _probe(http, proxy, url, request_timeout, via=proxy.url)

            return list(await asyncio.gather(*(one(p) for p in proxies)))

    def _session(self, timeout: float, socks: str | None = None) -> aiohttp.ClientSession:
        # limit_per_host=0: every proxy has its own connections to the (same) target host.
        return create_http_session(
            limit=self._concurrency,
            limit_per_host=0,
            user_agent=self._user_agent,
            timeout=timeout,
            socks_proxy=socks,
        )


async def _probe(
    http: aiohttp.ClientSession,
    proxy: Proxy,
    url: str,
    timeout: float,  # noqa: ASYNC109 - aiohttp's per-request timeout
    *,
    via: str | None,
) -> ProxyTestResult:
    started = time.perf_counter()
    try:
        async with http.get(
            url, proxy=via, timeout=aiohttp.ClientTimeout(total=timeout), allow_redirects=False
        ) as resp:
            status = resp.status  # latency: until the target's status line and headers came back
            latency_ms = round((time.perf_counter() - started) * 1000, 1)
    except _ERRORS as exc:
        return ProxyTestResult(proxy, ok=False, error=describe_error(exc))
    if status == 407:  # a plain-http target: the proxy answers the request itself
        return ProxyTestResult(
            proxy, ok=False, status=status, latency_ms=latency_ms, error="proxy authentication failed (407)"
        )
    ok = 200 <= status < 400
    return ProxyTestResult(
        proxy, ok=ok, status=status, latency_ms=latency_ms, error=None if ok else f"answered {status}"
    )
