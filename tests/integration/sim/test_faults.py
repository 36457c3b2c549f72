import json
import time

import aiohttp
import pytest
from multidict import CIMultiDict

from phantom.sim import SimServer
from tests.integration.sim.client import post_json


async def fetch(http: aiohttp.ClientSession, url: str) -> tuple[int, CIMultiDict[str], bytes]:
    async with http.get(url, allow_redirects=False) as resp:
        return resp.status, resp.headers.copy(), await resp.read()


def products(sim: SimServer) -> str:
    return sim.shop_url("store-0") + "/products.json"


def pdp(sim: SimServer) -> str:
    return sim.footsites_url("fl-0") + f"/api/products/pdp/{sim.state.fls['fl-0'].skus[0]}"


class TestShopifyFaults:
    async def test_429_with_retry_after_then_reverts_after_count(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        status, _ = await post_json(
            http, sim.control_url("/shop/store-0/fault"), {"mode": "429", "retry_after": 7, "count": 2}
        )
        assert status == 200
        for _ in range(2):
            code, headers, _ = await fetch(http, products(sim))
            assert (code, headers["Retry-After"]) == (429, "7")
        code, _, body = await fetch(http, products(sim))
        assert code == 200
        assert json.loads(body)["products"]

    async def test_fractional_retry_after_rounds_up(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        sim.state.set_fault("store-0", "429", retry_after=0.4)
        _, headers, _ = await fetch(http, products(sim))
        assert headers["Retry-After"] == "1"

    @pytest.mark.parametrize(
        ("mode", "status", "needle"),
        [
            ("500", 500, b"Internal Server Error"),
            ("403", 403, b"Access Denied"),
            ("captcha", 200, b"g-recaptcha"),
            ("queue", 200, b"You are now in line"),
        ],
    )
    async def test_html_modes(
        self, sim: SimServer, http: aiohttp.ClientSession, mode: str, status: int, needle: bytes
    ) -> None:
        sim.state.set_fault("store-0", mode)
        code, headers, body = await fetch(http, products(sim))
        assert code == status
        assert headers["Content-Type"].startswith("text/html")
        assert needle in body

    async def test_status_override(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        sim.state.set_fault("store-0", "captcha", status=403)
        code, _, body = await fetch(http, products(sim))
        assert code == 403
        assert b"Please verify you are a human" in body

    async def test_garbage_alternates_invalid_json_and_wrong_shape(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        sim.state.set_fault("store-0", "garbage")
        code, _, first = await fetch(http, products(sim))
        assert code == 200
        with pytest.raises(ValueError, match=r"."):
            json.loads(first)
        code, _, second = await fetch(http, products(sim))
        assert code == 200
        assert not isinstance(json.loads(second)["products"], list)

    async def test_truncated_alternates_short_stream_and_cut_json(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        sim.state.set_fault("store-0", "truncated")
        with pytest.raises(aiohttp.ClientPayloadError):
            await fetch(http, products(sim))
        code, _, body = await fetch(http, products(sim))
        assert code == 200
        assert body.startswith(b'{"products":[')
        with pytest.raises(ValueError, match=r"."):
            json.loads(body)
        sim.state.set_fault("store-0", "none")
        code, _, body = await fetch(http, products(sim))
        assert code == 200
        assert json.loads(body)["products"]

    async def test_truncated_ignores_if_none_match(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        _, headers, _ = await fetch(http, products(sim))
        sim.state.set_fault("store-0", "truncated", count=2)
        sim.state.shops["store-0"].fault.served = 1  # start with the honest-length variant
        async with http.get(products(sim), headers={"If-None-Match": headers["ETag"]}) as resp:
            assert resp.status == 200
            assert len(await resp.read()) > 1000

    async def test_slow_delays_then_serves(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        sim.state.set_fault("store-0", "slow", delay=0.3, count=1)
        started = time.perf_counter()
        code, _, _ = await fetch(http, products(sim))
        assert code == 200
        assert time.perf_counter() - started >= 0.3
        started = time.perf_counter()
        await fetch(http, products(sim))
        assert time.perf_counter() - started < 0.3

    async def test_fault_applies_to_js_too(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        handle = sim.state.shops["store-0"].products[0].handle
        sim.state.set_fault("store-0", "403")
        code, _, _ = await fetch(http, sim.shop_url("store-0") + f"/products/{handle}.js")
        assert code == 403

    async def test_faults_are_per_store(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        sim.state.set_fault("store-0", "500")
        code, _, _ = await fetch(http, sim.shop_url("store-1") + "/products.json")
        assert code == 200


class TestFootsitesFaults:
    @pytest.mark.parametrize(
        ("mode", "status", "needle"),
        [
            ("captcha", 403, b"captcha-delivery.com"),
            ("queue", 529, b"You are now in line"),
            ("403", 403, b"Access Denied"),
            ("429", 429, b"Too Many Requests"),
            ("500", 500, b"Internal Server Error"),
        ],
    )
    async def test_modes(
        self, sim: SimServer, http: aiohttp.ClientSession, mode: str, status: int, needle: bytes
    ) -> None:
        code, _ = await post_json(http, sim.control_url("/fl/fl-0/fault"), {"mode": mode, "retry_after": 30})
        assert code == 200
        code, headers, body = await fetch(http, pdp(sim))
        assert code == status
        assert needle in body
        if mode == "429":
            assert headers["Retry-After"] == "30"

    async def test_garbage_wrong_shape(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        sim.state.set_fault("fl-0", "garbage")
        await fetch(http, pdp(sim))
        code, _, body = await fetch(http, pdp(sim))
        assert code == 200
        assert not isinstance(json.loads(body)["sellableUnits"], list)

    async def test_truncated(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        sim.state.set_fault("fl-0", "truncated", count=1)
        with pytest.raises(aiohttp.ClientPayloadError):
            await fetch(http, pdp(sim))
        code, _, body = await fetch(http, pdp(sim))
        assert code == 200
        assert json.loads(body)["sellableUnits"]
