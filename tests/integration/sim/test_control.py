import asyncio
import time
from typing import Any

import aiohttp

from phantom.sim import SimConfig, SimServer
from tests.integration.sim.client import get_json, post_json


async def newest(http: aiohttp.ClientSession, sim: SimServer, store: str = "store-0") -> dict[str, Any]:
    _, body = await get_json(http, sim.shop_url(store) + "/products.json?limit=1")
    top: dict[str, Any] = body["products"][0]
    return top


class TestDrop:
    async def test_drop_is_visible_at_the_top_with_visible_at(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        before = time.time()
        status, reply = await post_json(
            http,
            sim.control_url("/shop/store-0/drop"),
            {"title": "Nike Dunk Low Retro - White/Black", "sizes": ["8", "9", "10"], "price": "180.00"},
        )
        assert status == 200
        assert before <= reply["visible_at"] <= time.time()
        product = reply["product"]
        assert [v["size"] for v in product["variants"]] == ["8", "9", "10"]
        assert all(v["available"] for v in product["variants"])
        top = await newest(http, sim)
        assert top["handle"] == product["handle"]
        assert top["title"] == "Nike Dunk Low Retro - White/Black"
        assert {v["price"] for v in top["variants"]} == {"180.00"}
        assert [v["id"] for v in top["variants"]] == [v["id"] for v in product["variants"]]

    async def test_generated_drop_and_duplicate_handle(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        _, reply = await post_json(
            http, sim.control_url("/shop/store-1/drop"), {"handle": "my-drop", "available": False}
        )
        assert reply["product"]["handle"] == "my-drop"
        assert 5 <= len(reply["product"]["variants"]) <= 20  # apparel has 5-6 sizes, sneakers 8-20
        assert not any(v["available"] for v in reply["product"]["variants"])
        status, err = await post_json(http, sim.control_url("/shop/store-1/drop"), {"handle": "my-drop"})
        assert status == 409
        assert "error" in err


class TestStockAndPrice:
    async def test_restock_sold_out_price_remove(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        ctl = sim.control_url("/shop/store-0")
        _, drop = await post_json(http, f"{ctl}/drop", {"sizes": ["9", "10", "11"], "available": False})
        handle = drop["product"]["handle"]
        _, change = await post_json(http, f"{ctl}/restock", {"handle": handle, "sizes": ["10"]})
        assert change["sizes"] == ["10"]
        assert change["op"] == "restock"
        assert [v["available"] for v in (await newest(http, sim))["variants"]] == [False, True, False]
        await post_json(http, f"{ctl}/restock", {"handle": handle})
        assert all(v["available"] for v in (await newest(http, sim))["variants"])
        await post_json(http, f"{ctl}/sold_out", {"handle": handle, "sizes": ["9", "11"]})
        assert [v["available"] for v in (await newest(http, sim))["variants"]] == [False, True, False]
        await post_json(http, f"{ctl}/price", {"handle": handle, "price": "199"})
        assert {v["price"] for v in (await newest(http, sim))["variants"]} == {"199.00"}
        await post_json(http, f"{ctl}/remove", {"handle": handle})
        assert (await newest(http, sim))["handle"] != handle
        async with http.get(sim.shop_url("store-0") + f"/products/{handle}.js") as gone:
            assert gone.status == 404

    async def test_errors_have_statuses(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        handle = sim.state.shops["store-0"].products[0].handle
        cases = [
            ("/shop/nope/restock", {"handle": handle}, 404),
            ("/shop/store-0/restock", {"handle": "nope"}, 404),
            ("/shop/store-0/restock", {}, 400),
            ("/shop/store-0/restock", {"handle": handle, "sizes": ["99"]}, 400),
            ("/shop/store-0/explode", {}, 404),
            ("/shop/store-0/fault", {"mode": "meteor"}, 400),
        ]
        for path, body, expected in cases:
            status, reply = await post_json(http, sim.control_url(path), body)
            assert (status, "error" in reply) == (expected, True), path
        async with http.post(sim.control_url("/shop/store-0/restock"), data=b"{not json") as resp:
            assert resp.status == 400


class TestChangeLog:
    async def test_changes_are_recorded_in_order_per_store(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        handle = sim.state.shops["store-0"].products[0].handle
        sim.state.shop_sold_out(
            "store-0", handle, ["9"] if "9" in sim.state.shops["store-0"].products[0].sizes else None
        )
        sim.state.shop_drop("store-1")
        sim.state.shop_price("store-0", handle, "150.00")
        _, changes = await get_json(http, sim.control_url("/changes?store=store-0"))
        assert [c["op"] for c in changes] == ["sold_out", "price"]
        assert all(c["store"] == "store-0" and c["handle"] == handle for c in changes)
        assert changes[0]["seq"] < changes[1]["seq"]
        assert changes[0]["visible_at"] <= changes[1]["visible_at"]
        _, later = await get_json(http, sim.control_url(f"/changes?since={changes[0]['seq']}"))
        assert [c["op"] for c in later] == ["drop", "price"]


class TestChurn:
    async def test_every_page_one_poll_sees_a_change(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        status, _ = await post_json(http, sim.control_url("/shop/store-1/churn"), {"enabled": True})
        assert status == 200
        url = sim.shop_url("store-1") + "/products.json"
        tags: list[str] = []
        for _ in range(5):
            async with http.get(url, headers={"If-None-Match": tags[-1] if tags else '"x"'}) as resp:
                assert resp.status == 200
                tags.append(resp.headers["ETag"])
        assert len(set(tags)) == 5
        _, changes = await get_json(http, sim.control_url("/changes?store=store-1"))
        assert len(changes) == 5
        assert all(c.get("churn") for c in changes)
        await post_json(http, sim.control_url("/shop/store-1/churn"), {"enabled": False})
        async with http.get(url, headers={"If-None-Match": tags[-1]}) as resp:
            assert resp.status == 304


class TestStores:
    async def test_bulk_create_stores(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        started = time.perf_counter()
        status, reply = await post_json(
            http,
            sim.control_url("/stores"),
            {"platform": "shopify", "count": 1000, "products": 20, "prefix": "bench-"},
        )
        assert status == 200
        assert reply["count"] == 1000
        assert time.perf_counter() - started < 2.0
        last = reply["stores"][-1]
        assert last.startswith("bench-")
        _, body = await get_json(http, sim.shop_url(last) + "/products.json?limit=250")
        assert len(body["products"]) == 20
        _, overview = await get_json(http, sim.control_url("/stores"))
        assert len(overview["shopify"]) == 1002
        _, fl = await post_json(
            http,
            sim.control_url("/stores"),
            {"platform": "footsites", "count": 2, "products": 3, "prefix": "fx-"},
        )
        _, info = await get_json(http, sim.control_url(f"/fl/{fl['stores'][0]}"))
        assert info["skus"] >= 3

    async def test_new_stores_are_warmed_in_the_background(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        _, reply = await post_json(
            http, sim.control_url("/stores"), {"count": 20, "products": 5, "prefix": "w-"}
        )
        shops = [sim.state.shops[name] for name in reply["stores"]]
        for _ in range(50):
            if all(shop._products is not None for shop in shops):
                break
            await asyncio.sleep(0.01)
        assert all(len(shop._bytes) == 5 for shop in shops)

    async def test_reset_restores_the_start(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        first = await newest(http, sim)
        sim.state.shop_drop("store-0")
        sim.state.add_stores("shopify", 3)
        await post_json(http, sim.sink_url("s"), {"content": "x"})
        _, reply = await post_json(http, sim.control_url("/reset"))
        assert reply["reset"] is True
        assert (await newest(http, sim))["title"] == first["title"]
        assert sorted(sim.state.shops) == ["store-0", "store-1"]
        assert sim.state.sinks == {}
        _, changes = await get_json(http, sim.control_url("/changes"))
        assert changes == []


class TestSchedule:
    async def test_actions_run_on_time_scaled(self, http: aiohttp.ClientSession) -> None:
        async with SimServer(
            SimConfig(shopify_stores=1, footsites_stores=1, products_per_store=5, time_scale=10.0)
        ) as sim:
            handle = sim.state.shops["store-0"].products[0].handle
            sku = sim.state.fls["fl-0"].skus[0]
            actions = [
                {"at": 1.0, "op": "drop", "store": "store-0", "handle": "scheduled-drop"},
                {"at": 2.0, "op": "sold_out", "store": "store-0", "handle": handle},
                {"at": 2.0, "op": "restock", "store": "fl-0", "sku": sku},
                {"at": 3.0, "op": "password", "store": "store-0", "enabled": True},
            ]
            started = time.time()
            status, reply = await post_json(http, sim.control_url("/schedule"), {"actions": actions})
            assert status == 200
            assert reply["scheduled"] == 4
            assert "scheduled-drop" not in sim.state.shops["store-0"]._by_handle
            for _ in range(100):
                if sim.state.shops["store-0"].password:
                    break
                await asyncio.sleep(0.02)
            changes = sim.state.changes()
            assert [c["op"] for c in changes] == ["drop", "sold_out", "restock", "password"]
            offsets = [c["visible_at"] - started for c in changes]
            assert 0.08 <= offsets[0] < 0.25
            assert 0.18 <= offsets[1] < 0.4
            assert 0.28 <= offsets[3] < 0.6

    async def test_invalid_actions_are_rejected_up_front(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        bad = [
            [{"at": 1, "op": "drop", "store": "nope"}],
            [{"at": 1, "op": "teleport", "store": "store-0"}],
            [{"at": 1, "op": "drop", "store": "fl-0"}],
        ]
        for actions in bad:
            status, _ = await post_json(http, sim.control_url("/schedule"), {"actions": actions})
            assert status in (400, 404)
        assert sim.state.pending() == 0

    async def test_reset_cancels_pending_actions(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        await post_json(
            http, sim.control_url("/schedule"), {"actions": [{"at": 0.1, "op": "drop", "store": "store-0"}]}
        )
        assert sim.state.pending() == 1
        sim.state.reset()
        await asyncio.sleep(0.2)
        assert sim.state.changes() == []


class TestRequestLog:
    async def test_requests_are_logged_per_store(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        t0 = time.time()
        await get_json(http, sim.shop_url("store-0") + "/products.json?page=2")
        await get_json(http, sim.shop_url("store-1") + "/products.json")
        sim.state.set_fault("store-0", "500")
        async with http.get(sim.shop_url("store-0") + "/products.json") as resp:
            assert resp.status == 500
        _, log = await get_json(http, sim.control_url(f"/requests?store=store-0&since={t0}"))
        assert [(e["path"], e["status"]) for e in log] == [
            ("/shop/store-0/products.json?page=2", 200),
            ("/shop/store-0/products.json", 500),
        ]
        assert all(e["t"] >= t0 for e in log)
        _, none = await get_json(http, sim.control_url(f"/requests?store=store-0&since={time.time() + 1}"))
        assert none == []
        status, _ = await get_json(http, sim.control_url("/requests?store=nope"))
        assert status == 404

    async def test_ring_buffer_is_bounded(self, http: aiohttp.ClientSession) -> None:
        async with SimServer(
            SimConfig(shopify_stores=1, footsites_stores=0, products_per_store=3, request_log_size=10)
        ) as sim:
            for _ in range(15):
                async with http.get(sim.shop_url("store-0") + "/products.json") as resp:
                    await resp.read()
            assert len(sim.state.requests("store-0")) == 10
