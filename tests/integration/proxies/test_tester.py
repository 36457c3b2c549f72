"""The proxy tester over 127.0.0.1: real HTTP and SOCKS5 proxies in front of the simulated store, a dead
port, a proxy that refuses the credentials (407), and one that never answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from phantom.adapters.proxy_tester import AiohttpProxyTester
from phantom.domain.proxies import Proxy, parse_proxy
from phantom.sim import SimServer
from tests.e2e.support import free_port
from tests.proxyserver import HttpProxy, Socks5Proxy

USER_AGENT = "Phantom/0.1 (tests)"


@pytest.fixture
def tester() -> AiohttpProxyTester:
    return AiohttpProxyTester(user_agent=USER_AGENT, concurrency=4)


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A port that accepts connections and never says a word."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for writer in held:
            writer.close()
        await server.wait_closed()


def catalogue(sim: SimServer) -> str:
    return f"{sim.shop_url('store-0')}/products.json?limit=1"


def with_creds(proxy: HttpProxy | Socks5Proxy, username: str, password: str) -> Proxy:
    scheme, _, address = proxy.bare_url.partition("://")
    return parse_proxy(f"{scheme}://{username}:{password}@{address}")


class TestHttpProxy:
    async def test_reachable_proxy_reports_status_and_latency(self, tester, sim, http_proxy) -> None:
        [result] = await tester.test([parse_proxy(http_proxy.url)], catalogue(sim), request_timeout=5)
        assert result.ok and result.status == 200 and result.error is None
        assert result.latency_ms is not None and result.latency_ms > 0
        assert http_proxy.targets() == [catalogue(sim)], "exactly one request, through the proxy"

    async def test_credentials_are_sent_and_a_wrong_password_is_a_407(self, tester, sim, auth_proxy) -> None:
        good, bad = with_creds(auth_proxy, "alice", "s3cret"), with_creds(auth_proxy, "alice", "wrong")
        results = await tester.test([good, bad], catalogue(sim), request_timeout=5)
        assert [(r.ok, r.status) for r in results] == [(True, 200), (False, 407)]
        assert results[1].error == "proxy authentication failed (407)"
        assert sorted(h.authorized for h in auth_proxy.log) == [False, True]
        assert len(auth_proxy.log) == 2, "no retry after the 407"

    async def test_407_on_connect_for_an_https_target(self, tester, auth_proxy) -> None:
        bad = with_creds(auth_proxy, "alice", "wrong")
        [result] = await tester.test([bad], "https://127.0.0.1:1/", request_timeout=5)
        assert not result.ok and result.error == "proxy authentication failed (407)"
        assert [h.method for h in auth_proxy.log] == ["CONNECT"]

    async def test_target_error_status_is_not_ok(self, tester, sim, http_proxy) -> None:
        [result] = await tester.test(
            [parse_proxy(http_proxy.url)], f"{sim.shop_url('nope')}/products.json", request_timeout=5
        )
        assert not result.ok and result.status == 404 and result.error == "answered 404"


class TestSocks5:
    async def test_reachable_with_credentials(self, tester, sim, socks_proxy) -> None:
        [result] = await tester.test([parse_proxy(socks_proxy.url)], catalogue(sim), request_timeout=5)
        assert result.ok and result.status == 200
        port = sim.shop_url("store-0").split(":")[2].split("/")[0]
        assert socks_proxy.targets() == [f"127.0.0.1:{port}"]

    async def test_wrong_password(self, tester, sim, socks_proxy) -> None:
        [result] = await tester.test(
            [with_creds(socks_proxy, "bob", "nope")], catalogue(sim), request_timeout=5
        )
        assert not result.ok and result.status is None
        assert result.error == "proxy authentication failed"
        assert [h.method for h in socks_proxy.log] == ["AUTH"]


class TestFailures:
    async def test_dead_ports(self, tester, sim) -> None:
        port = free_port()
        results = await tester.test(
            [parse_proxy(f"127.0.0.1:{port}"), parse_proxy(f"socks5://127.0.0.1:{port}")],
            catalogue(sim),
            request_timeout=5,
        )
        assert [r.ok for r in results] == [False, False]
        assert results[0].error == "proxy connection refused"
        assert results[1].error is not None and results[1].error.startswith("proxy connection")

    async def test_a_silent_proxy_times_out(self, tester, sim, silent_port) -> None:
        [result] = await tester.test(
            [parse_proxy(f"127.0.0.1:{silent_port}")], catalogue(sim), request_timeout=0.5
        )
        assert not result.ok and result.error == "timeout" and result.latency_ms is None

    async def test_results_keep_input_order_and_one_bad_proxy_spoils_nothing(
        self, tester, sim, http_proxy, socks_proxy
    ) -> None:
        proxies = [
            parse_proxy(f"127.0.0.1:{free_port()}"),
            parse_proxy(http_proxy.url),
            parse_proxy(socks_proxy.url),
        ]
        results = await tester.test(proxies, catalogue(sim), request_timeout=5)
        assert [r.proxy for r in results] == proxies
        assert [r.ok for r in results] == [False, True, True]
