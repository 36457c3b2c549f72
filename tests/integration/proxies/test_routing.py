"""Store sources polling the simulated store through a store's proxy (ProxyRoutes), over 127.0.0.1.

The proxies' own logs show which requests went through them. A store with no route goes direct; a blocked
store keeps its one proxy (nothing rotates); a proxy's own failure is StoreUnavailable, never a block.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest

from phantom.adapters.http import create_http_session
from phantom.adapters.proxy_routes import ProxyRoutes
from phantom.domain.errors import StoreBlocked, StoreUnavailable
from phantom.domain.models import Platform
from phantom.domain.ports import SourceCache
from phantom.domain.proxies import ProxyList, parse_proxy_lines, sticky_proxy
from phantom.domain.stores import Store
from phantom.monitors.footsites import FootsitesSource
from phantom.monitors.shopify import ShopifySource
from phantom.sim import SimServer
from tests.e2e.support import free_port
from tests.integration.monitors.conftest import control
from tests.proxyserver import HttpProxy

USER_AGENT = "Phantom/0.1 (tests)"
PAGE = 25  # 30 products: two pages


def new_session(socks_proxy: str | None = None) -> aiohttp.ClientSession:
    return create_http_session(
        limit=20, limit_per_host=4, user_agent=USER_AGENT, timeout=5.0, socks_proxy=socks_proxy
    )


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    s = new_session()
    yield s
    await s.close()


@pytest.fixture
async def routes(session: aiohttp.ClientSession) -> AsyncIterator[ProxyRoutes]:
    r = ProxyRoutes(session, new_session)
    yield r
    await r.close()


@pytest.fixture
def shopify(session: aiohttp.ClientSession, routes: ProxyRoutes) -> ShopifySource:
    return ShopifySource(session, max_body_bytes=4 * 1024 * 1024, timeout=5.0, page_size=PAGE, routes=routes)


def shop(sim: SimServer, name: str) -> Store:
    return Store(id=name, url=sim.shop_url(name), platform=Platform.SHOPIFY)


def catalogue_urls(sim: SimServer, name: str) -> list[str]:
    return [f"{sim.shop_url(name)}/products.json?limit={PAGE}&page={n}" for n in (1, 2)]


class TestHttpProxyRoute:
    async def test_only_the_routed_store_goes_through_the_proxy(
        self, sim, session, routes, shopify, auth_proxy
    ):
        routes.replace({"store-0": auth_proxy.url})
        routed = await shopify.fetch(shop(sim, "store-0"), SourceCache())
        direct = await shopify.fetch(shop(sim, "store-1"), SourceCache())
        assert routed.snapshot is not None and direct.snapshot is not None
        assert len(routed.snapshot.products) == 30
        assert auth_proxy.targets() == catalogue_urls(sim, "store-0")
        assert all(h.authorized for h in auth_proxy.log), "the credentials went with every request"
        seen = await control(session, sim, "/requests?store=store-1")
        assert len(seen) == 2, "store-1 reached the sim directly"

    async def test_conditional_requests_still_work_through_the_proxy(self, sim, routes, shopify, http_proxy):
        routes.replace({"store-0": http_proxy.url})
        cache = SourceCache()
        await shopify.fetch(shop(sim, "store-0"), cache)
        again = await shopify.fetch(shop(sim, "store-0"), cache)
        assert again.not_modified and len(http_proxy.log) == 4

    async def test_watched_product_goes_through_the_proxy_too(
        self, sim, session, routes, shopify, http_proxy
    ):
        handle = (await control(session, sim, "/shop/store-0"))["catalogue"][0]["handle"]
        routes.replace({"store-0": http_proxy.url})
        product = await shopify.fetch_product(shop(sim, "store-0"), handle, SourceCache())
        assert product is not None and product.handle == handle
        assert http_proxy.targets() == [f"{sim.shop_url('store-0')}/products/{handle}.js"]

    async def test_unrouting_sends_the_store_direct_again(self, sim, routes, shopify, http_proxy):
        routes.replace({"store-0": http_proxy.url})
        await shopify.fetch(shop(sim, "store-0"), SourceCache())
        routes.replace({})
        await shopify.fetch(shop(sim, "store-0"), SourceCache())
        assert len(http_proxy.log) == 2, "only the routed poll's two pages"

    async def test_a_proxy_refusing_the_credentials_is_unavailable_not_blocked(
        self, sim, routes, shopify, auth_proxy
    ):
        routes.replace({"store-0": auth_proxy.bare_url})  # no credentials: the proxy answers 407
        with pytest.raises(StoreUnavailable, match=r"proxy authentication failed \(407\)"):
            await shopify.fetch(shop(sim, "store-0"), SourceCache())

    async def test_a_dead_proxy_is_unavailable(self, sim, routes, shopify):
        routes.replace({"store-0": f"http://127.0.0.1:{free_port()}"})
        with pytest.raises(StoreUnavailable, match="proxy connection refused"):
            await shopify.fetch(shop(sim, "store-0"), SourceCache())


class TestSocksRoute:
    async def test_footsites_store_through_socks5_with_credentials(self, sim, session, routes, socks_proxy):
        listing = (await control(session, sim, "/fl/fl-0"))["catalogue"]
        store = Store(
            id="fl-0",
            url=sim.footsites_url("fl-0"),
            platform=Platform.FOOTSITES,
            skus=tuple(item["sku"] for item in listing),
        )
        source = FootsitesSource(session, max_body_bytes=1024 * 1024, timeout=5.0, routes=routes)
        routes.replace({"fl-0": socks_proxy.url})
        result = await source.fetch(store, SourceCache())
        assert result.snapshot is not None and set(result.snapshot.products) == set(store.skus)
        sim_address = sim.footsites_url("fl-0").split("//")[1].split("/")[0]
        assert socks_proxy.targets() and set(socks_proxy.targets()) == {sim_address}

    async def test_socks_session_is_shared_per_proxy_and_kept_while_routed(self, sim, routes, socks_proxy):
        routes.replace({"a": socks_proxy.url, "b": socks_proxy.url})
        assert routes.route("a").session is routes.route("b").session
        assert routes.route("a").session is not routes.direct.session and routes.route("a").proxy is None
        first = routes.route("a").session
        routes.replace({"a": socks_proxy.url})
        assert routes.route("a").session is first
        assert routes.route("b") is routes.direct

    async def test_a_wrong_socks_password_is_unavailable(self, sim, routes, shopify, socks_proxy):
        address = socks_proxy.bare_url.split("//")[1]
        routes.replace({"store-0": f"socks5://bob:wrong@{address}"})
        with pytest.raises(StoreUnavailable, match="proxy authentication failed"):
            await shopify.fetch(shop(sim, "store-0"), SourceCache())


class TestNoRotation:
    async def test_a_blocked_store_keeps_its_one_proxy(self, sim, session, routes, shopify):
        async with HttpProxy() as first, HttpProxy() as second:
            now = datetime.now(UTC)
            pool = ProxyList("pl", "pool", parse_proxy_lines([first.url, second.url]), now, now)
            chosen = sticky_proxy(pool, "store-0")
            other = second if chosen.port == first.port else first
            mine = first if other is second else second
            routes.replace({"store-0": chosen.url})
            cache = SourceCache()
            await shopify.fetch(shop(sim, "store-0"), cache)
            await control(session, sim, "/shop/store-0/fault", {"mode": "403", "count": 1})
            with pytest.raises(StoreBlocked):
                await shopify.fetch(shop(sim, "store-0"), cache)
            after = await shopify.fetch(
                shop(sim, "store-0"), cache
            )  # the hold is the monitor's; no switch here
            assert after.not_modified
            assert len(mine.log) == 5  # 2 pages, the blocked page 1, then 2 pages again
            assert other.log == [], "never rotated to the other proxy of the list"
