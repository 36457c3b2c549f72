"""Products API over real HTTP on 127.0.0.1 against the simulated store: a drop shows up in the search with
its sizes, a sell-out and a restock give it a history with a sell-out time, and errors keep their shape."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from phantom.sim.server import SimConfig, SimServer
from tests.e2e.served import Served, offline_settings, serve

pytestmark = pytest.mark.asyncio

TITLE = "Phantom Test Dunk Low Retro Panda"


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(SimConfig(shopify_stores=1, footsites_stores=0, products_per_store=20)) as server:
        yield server


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Served]:
    async with serve(offline_settings(tmp_path / "products.db")) as served:
        yield served


async def _get(http: aiohttp.ClientSession, url: str, **params: Any) -> tuple[int, Any]:
    async with http.get(url, params={k: str(v) for k, v in params.items()}) as r:
        return r.status, await r.json()


async def _until(check: Callable[[], Awaitable[Any]], what: str, timeout: float = 10.0) -> Any:
    """Poll an async check every 50 ms until it returns something truthy; fail after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if result := await check():
            return result
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)


class TestProductsApi:
    async def test_drop_restock_and_history(self, api: Served, sim: SimServer) -> None:
        async with api.client() as http:
            async with http.post(
                f"{api.url}/api/stores", json={"url": sim.shop_url("store-0"), "interval": 0.5}
            ) as r:
                assert r.status == 201
                store = await r.json()
            products = f"{api.url}/api/products"

            async def baseline() -> bool:
                _, page = await _get(http, products, store_id=store["id"], limit=200)
                return len(page["items"]) == 20

            await _until(baseline, "the baseline catalogue")

            drop = sim.state.shop_drop("store-0", title=TITLE, sizes=["9", "9.5", "10"], price="120.00")
            handle = drop["product"]["handle"]

            async def found() -> list[dict[str, Any]]:
                _, page = await _get(http, products, q="+dunk panda -kids")
                return [p for p in page["items"] if p["handle"] == handle]

            [item] = await _until(found, "the drop in the search")
            assert item["title"] == TITLE and item["available"] is True
            assert item["sizes_in_stock"] == ["9", "9.5", "10"]
            assert item["price"] == 12000
            assert item["url"] == f"{sim.shop_url('store-0')}/products/{handle}"
            pid = item["product_id"]

            status, sized = await _get(http, products, size="US 9.5", store_id=store["id"], available="true")
            assert status == 200 and pid in [p["product_id"] for p in sized["items"]]
            status, detail = await _get(http, f"{products}/{store['id']}/{pid}")
            assert status == 200
            assert [(v["size"], v["available"]) for v in detail["variants"]] == [
                ("9", True),
                ("9.5", True),
                ("10", True),
            ]

            sim.state.shop_sold_out("store-0", handle)

            async def sold_out() -> bool:
                _, p = await _get(http, f"{products}/{store['id']}/{pid}")
                return p["available"] is False

            await _until(sold_out, "the sell-out")
            sim.state.shop_restock("store-0", handle, ["10"])

            async def history() -> dict[str, Any] | None:
                _, h = await _get(http, f"{products}/{store['id']}/{pid}/history")
                return h if len(h["points"]) >= 3 else None

            h = await _until(history, "the restock in the history")
            assert [(p["kind"], p["sizes_in_stock"]) for p in h["points"]] == [
                ("new_product", ["9", "9.5", "10"]),
                ("sold_out", []),
                ("restock", ["10"]),
            ]
            assert h["sell_out_seconds"] is not None and 0 < h["sell_out_seconds"] < 10
            status, recent = await _get(
                http, f"{products}/{store['id']}/{pid}/history", since=h["points"][2]["at"]
            )
            assert status == 200 and [p["kind"] for p in recent["points"]] == ["restock"]

    async def test_errors_have_the_shared_body(self, api: Served) -> None:
        async with api.client() as http:
            status, body = await _get(http, f"{api.url}/api/products/nope/nothing")
            assert status == 404 and body == {
                "error": "ProductNotFound",
                "detail": "no product nothing in store nope",
            }
            status, body = await _get(http, f"{api.url}/api/products/nope/nothing/history")
            assert status == 404 and body["error"] == "ProductNotFound"
            status, body = await _get(http, f"{api.url}/api/products", cursor="garbage-cursor")
            assert status == 400 and body["error"] == "InvalidProductQuery"
            status, body = await _get(http, f"{api.url}/api/products", limit=1000)
            assert status == 422 and body["error"] == "ValidationError"
            status, body = await _get(
                http, f"{api.url}/api/products/s/p/history", since="2025-01-01T00:00:00"
            )
            assert status == 422, "a time without a UTC offset is refused, not guessed"
        async with aiohttp.ClientSession() as anonymous:
            status, _ = await _get(anonymous, f"{api.url}/api/products")
            assert status == 401
