"""The first API slice over real HTTP on 127.0.0.1: stores CRUD, health, events, metrics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from phantom.sim.server import SimConfig, SimServer
from tests.e2e.served import Served, offline_settings, serve

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(SimConfig(shopify_stores=2, footsites_stores=0, products_per_store=30)) as server:
        yield server


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Served]:
    async with serve(offline_settings(tmp_path / "api.db")) as served:
        yield served


class TestStores:
    async def test_crud_and_health(self, api: Served, sim: SimServer) -> None:
        async with api.client() as http:
            async with http.post(
                f"{api.url}/api/stores", json={"url": sim.shop_url("store-0") + "/", "interval": 0.5}
            ) as r:
                assert r.status == 201
                store = await r.json()
            assert store["url"] == sim.shop_url("store-0"), "the URL is normalised"
            async with http.post(f"{api.url}/api/stores", json={"url": sim.shop_url("store-0")}) as r:
                assert r.status == 409
                assert (await r.json())["error"] == "DuplicateStore"

            async def polled() -> bool:
                async with http.get(f"{api.url}/api/stores/{store['id']}/health") as r:
                    return bool((await r.json())["polls"] >= 1)

            for _ in range(100):
                if await polled():
                    break
                await asyncio.sleep(0.05)
            async with http.get(f"{api.url}/api/stores/{store['id']}/health") as r:
                health = await r.json()
            assert health["status"] == "healthy" and health["last_latency_ms"] is not None

            async with http.patch(
                f"{api.url}/api/stores/{store['id']}", json={"interval": 3, "name": "Main"}
            ) as r:
                assert r.status == 200
                assert (await r.json())["interval"] == 3
            async with http.get(f"{api.url}/api/stores") as r:
                assert [s["name"] for s in await r.json()] == ["Main"]
            async with http.delete(f"{api.url}/api/stores/{store['id']}") as r:
                assert r.status == 204
            async with http.get(f"{api.url}/api/stores/{store['id']}") as r:
                assert r.status == 404
                assert (await r.json()) == {
                    "error": "StoreNotFound",
                    "detail": f"no store with id {store['id']}",
                }

    async def test_bad_input_is_refused_without_echo(self, api: Served) -> None:
        async with api.client() as http:
            async with http.post(
                f"{api.url}/api/stores", json={"url": "ftp://secret-host.example", "interval": 2}
            ) as r:
                assert r.status == 400
            async with http.post(
                f"{api.url}/api/stores", json={"url": "https://x.example", "interval": "fast"}
            ) as r:
                assert r.status == 422
                body = await r.json()
                assert body["error"] == "ValidationError" and "fast" not in body["detail"]


class TestEvents:
    async def test_events_are_listed_newest_first_with_filters(self, api: Served, sim: SimServer) -> None:
        async with api.client() as http:
            async with http.post(
                f"{api.url}/api/stores", json={"url": sim.shop_url("store-1"), "interval": 0.5}
            ) as r:
                store = await r.json()
            await asyncio.sleep(1.5)  # baseline
            first = sim.state.shop_drop("store-1", title="Nike Air Max 1 - Red")
            await asyncio.sleep(1.2)
            sim.state.shop_sold_out("store-1", first["product"]["handle"])
            items: list[dict[str, object]] = []
            for _ in range(100):
                async with http.get(f"{api.url}/api/events", params={"store_id": store["id"]}) as r:
                    items = (await r.json())["items"]
                if len(items) >= 2:
                    break
                await asyncio.sleep(0.05)
            assert [e["kind"] for e in items] == ["sold_out", "new_product"]
            async with http.get(f"{api.url}/api/events", params={"kind": "new_product", "limit": 1}) as r:
                page = await r.json()
            assert [e["product_title"] for e in page["items"]] == ["Nike Air Max 1 - Red"]
            async with http.get(f"{api.url}/metrics") as r:
                text = await r.text()
            assert "phantom_polls_total" in text and 'phantom_events_total{kind="new_product"} 1.0' in text
            async with http.get(f"{api.url}/health") as r:
                assert (await r.json())["status"] == "ok"
