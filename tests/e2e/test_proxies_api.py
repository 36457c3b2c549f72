"""The proxies API over real HTTP: lists (passwords masked), the tester against local proxies, and a store
assigned to a list polling the simulated store through its one sticky proxy — kept after a block's hold,
and again after a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from phantom.core.settings import DatabaseSettings, MonitorSettings, Settings, StoreConfig
from phantom.domain.health import HealthStatus
from phantom.sim.server import SimConfig, SimServer
from tests.e2e.served import Served, serve
from tests.e2e.support import free_port, wait_for
from tests.proxyserver import HttpProxy

pytestmark = pytest.mark.asyncio

SECRET = "s3cret-pw"


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(SimConfig(shopify_stores=1, footsites_stores=0, products_per_store=10)) as server:
        yield server


def settings_for(sim: SimServer, db: Path) -> Settings:
    return Settings(
        database=DatabaseSettings(url=f"sqlite+aiosqlite:///{db}"),
        monitor=MonitorSettings(jitter=0.0, blocked_backoff=1.0),
        stores=[StoreConfig(url=sim.shop_url("store-0"), interval=0.5)],
    )


@pytest.fixture
async def api(sim: SimServer, tmp_path: Path) -> AsyncIterator[Served]:
    async with serve(settings_for(sim, tmp_path / "px.db")) as served:
        yield served


@pytest.fixture
async def proxies() -> AsyncIterator[tuple[HttpProxy, HttpProxy]]:
    async with (
        HttpProxy(username="alice", password=SECRET) as a,
        HttpProxy(username="alice", password=SECRET) as b,
    ):
        yield a, b


async def call(http: aiohttp.ClientSession, method: str, url: str, body: Any = None) -> tuple[int, Any]:
    async with http.request(method, url, json=body) as r:
        text = await r.text()
        assert SECRET not in text, f"{method} {url} leaked a proxy password"
        return r.status, (await r.json()) if text else None


async def store_id(http: aiohttp.ClientSession, api: Served) -> str:
    _, stores = await call(http, "GET", f"{api.url}/api/stores")
    return str(stores[0]["id"])


class TestLists:
    async def test_crud_with_masked_passwords(self, api: Served) -> None:
        text = f"# vendor export\n1.2.3.4:8080:alice:{SECRET}\nsocks5://bob:{SECRET}@5.6.7.8:1080\n\n"
        async with api.client() as http:
            status, created = await call(
                http, "POST", f"{api.url}/api/proxies", {"name": "resi", "proxies": text}
            )
            assert status == 201
            assert [p["url"] for p in created["proxies"]] == [
                "http://alice:***@1.2.3.4:8080",
                "socks5://bob:***@5.6.7.8:1080",
            ]
            assert created["proxies"][1] == {
                "scheme": "socks5",
                "host": "5.6.7.8",
                "port": 1080,
                "username": "bob",
                "url": "socks5://bob:***@5.6.7.8:1080",
            }
            lid = created["id"]
            status, listed = await call(http, "GET", f"{api.url}/api/proxies")
            assert status == 200 and [p["id"] for p in listed] == [lid]
            status, renamed = await call(http, "PATCH", f"{api.url}/api/proxies/{lid}", {"name": "resi-eu"})
            assert status == 200 and renamed["name"] == "resi-eu" and renamed["proxies"] == created["proxies"]
            status, replaced = await call(
                http, "PATCH", f"{api.url}/api/proxies/{lid}", {"proxies": ["9.9.9.9:3128"]}
            )
            assert status == 200 and [p["url"] for p in replaced["proxies"]] == ["http://9.9.9.9:3128"]
            status, got = await call(http, "GET", f"{api.url}/api/proxies/{lid}")
            assert got == replaced
            status, _ = await call(http, "DELETE", f"{api.url}/api/proxies/{lid}")
            assert status == 204
            status, body = await call(http, "GET", f"{api.url}/api/proxies/{lid}")
            assert status == 404 and body["error"] == "ProxyListNotFound"

    async def test_bad_lines_duplicates_and_unknown_ids(self, api: Served) -> None:
        async with api.client() as http:
            status, body = await call(
                http,
                "POST",
                f"{api.url}/api/proxies",
                {"name": "x", "proxies": ["1.1.1.1:80", f"h:99999:u:{SECRET}"]},
            )
            assert status == 400 and body["error"] == "InvalidProxy"
            assert body["detail"] == "line 2: port must be a number from 1 to 65535"
            assert (
                await call(http, "POST", f"{api.url}/api/proxies", {"name": "x", "proxies": "1.1.1.1:80"})
            )[0] == 201
            status, body = await call(
                http, "POST", f"{api.url}/api/proxies", {"name": "x", "proxies": "2.2.2.2:80"}
            )
            assert status == 409 and body["error"] == "DuplicateProxyList"
            status, body = await call(http, "POST", f"{api.url}/api/proxies", {"name": "y", "proxies": 42})
            assert status == 422
            assert (await call(http, "PATCH", f"{api.url}/api/proxies/nope", {"name": "z"}))[0] == 404
            assert (await call(http, "DELETE", f"{api.url}/api/proxies/nope"))[0] == 404


class TestTester:
    async def test_results_per_proxy(self, api: Served, sim: SimServer, proxies) -> None:
        good, _ = proxies
        address = good.bare_url.split("//")[1]
        lines = [f"{address}:alice:{SECRET}", f"127.0.0.1:{free_port()}", f"{address}:alice:wrong"]
        async with api.client() as http:
            _, created = await call(http, "POST", f"{api.url}/api/proxies", {"name": "t", "proxies": lines})
            target = f"{sim.shop_url('store-0')}/products.json"
            status, results = await call(
                http, "POST", f"{api.url}/api/proxies/{created['id']}/test", {"url": target, "timeout": 3}
            )
        assert status == 200
        assert [(r["ok"], r["status"], r["error"]) for r in results] == [
            (True, 200, None),
            (False, None, "proxy connection refused"),
            (False, 407, "proxy authentication failed (407)"),
        ]
        assert results[0]["proxy"] == f"http://alice:***@{address}" and results[0]["latency_ms"] > 0
        assert good.targets() == [target], "one request through the good proxy, no retries anywhere"

    async def test_only_http_urls_and_sane_timeouts(self, api: Served) -> None:
        async with api.client() as http:
            _, created = await call(
                http, "POST", f"{api.url}/api/proxies", {"name": "t", "proxies": "1.1.1.1:80"}
            )
            test_url = f"{api.url}/api/proxies/{created['id']}/test"
            assert (await call(http, "POST", test_url, {"url": "ftp://127.0.0.1/x"}))[0] == 422
            assert (await call(http, "POST", test_url, {"url": "http://127.0.0.1/", "timeout": 600}))[
                0
            ] == 422
            status, body = await call(
                http, "POST", f"{api.url}/api/proxies/nope/test", {"url": "http://127.0.0.1/"}
            )
            assert status == 404 and body["error"] == "ProxyListNotFound"


class TestAssignment:
    async def test_store_polls_through_its_sticky_proxy_and_keeps_it_after_a_block(
        self, api: Served, sim: SimServer, proxies, tmp_path: Path
    ) -> None:
        a, b = proxies
        async with api.client() as http:
            sid = await store_id(http, api)
            _, created = await call(
                http, "POST", f"{api.url}/api/proxies", {"name": "pool", "proxies": [a.url, b.url]}
            )
            status, assigned = await call(
                http,
                "PUT",
                f"{api.url}/api/proxies/assignments/stores/{sid}",
                {"proxy_list_id": created["id"]},
            )
            assert status == 200 and assigned["proxy_list_id"] == created["id"]
            mine, other = (a, b) if f":{a.port}" in assigned["proxy"] else (b, a)
            assert assigned["proxy"] == f"http://alice:***@127.0.0.1:{mine.port}"
            _, listed = await call(http, "GET", f"{api.url}/api/proxies/assignments")
            assert listed == [assigned]

            await wait_for(lambda: len(mine.log) >= 2, what="polls through the proxy")
            assert all(h.authorized and "/shop/store-0/products.json" in h.target for h in mine.log)

            # A 403 challenge: the store is held (blocked_backoff 1 s), then probes again — same proxy.
            async with aiohttp.ClientSession() as plain:
                fault = {"mode": "403", "count": 1}
                async with plain.post(sim.control_url("/shop/store-0/fault"), json=fault) as r:
                    assert r.status == 200
            scheduler = api.engine.scheduler
            assert scheduler is not None

            def status_is(wanted: HealthStatus) -> bool:
                health = scheduler.health(sid)
                return health is not None and health.status is wanted

            await wait_for(lambda: status_is(HealthStatus.BLOCKED), what="blocked")
            seen_at_block = len(mine.log)
            await wait_for(
                lambda: status_is(HealthStatus.HEALTHY), timeout=15, what="recovery after the hold"
            )
            assert len(mine.log) > seen_at_block, "the probe after the hold went through the same proxy"
            assert other.log == [], "never rotated to the other proxy of the list"

            status, cleared = await call(
                http, "PUT", f"{api.url}/api/proxies/assignments/stores/{sid}", {"proxy_list_id": None}
            )
            assert status == 200 and cleared == {"store_id": sid, "proxy_list_id": None, "proxy": None}
            stopped_at = len(mine.log)
            polls = scheduler.health(sid).polls  # type: ignore[union-attr]
            await wait_for(lambda: scheduler.health(sid).polls >= polls + 3, what="direct polls")  # type: ignore[union-attr]
            assert len(mine.log) <= stopped_at + 2  # at most the polls already in flight

    async def test_the_route_survives_a_restart(self, sim: SimServer, proxies, tmp_path: Path) -> None:
        a, _ = proxies
        settings = settings_for(sim, tmp_path / "restart.db")
        async with serve(settings) as first, first.client() as http:
            sid = await store_id(http, first)
            _, created = await call(
                http, "POST", f"{first.url}/api/proxies", {"name": "one", "proxies": [a.url]}
            )
            await call(
                http,
                "PUT",
                f"{first.url}/api/proxies/assignments/stores/{sid}",
                {"proxy_list_id": created["id"]},
            )
        before = len(a.log)
        async with serve(settings) as second:
            await wait_for(lambda: len(a.log) >= before + 2, what="polls through the proxy after restart")
            assert second.engine.scheduler is not None

    async def test_unknown_store_or_list(self, api: Served) -> None:
        async with api.client() as http:
            sid = await store_id(http, api)
            status, body = await call(
                http, "PUT", f"{api.url}/api/proxies/assignments/stores/nope", {"proxy_list_id": None}
            )
            assert status == 404 and body["error"] == "StoreNotFound"
            status, body = await call(
                http, "PUT", f"{api.url}/api/proxies/assignments/stores/{sid}", {"proxy_list_id": "nope"}
            )
            assert status == 404 and body["error"] == "ProxyListNotFound"
            assert (await call(http, "PUT", f"{api.url}/api/proxies/assignments/stores/{sid}", {}))[0] == 422
