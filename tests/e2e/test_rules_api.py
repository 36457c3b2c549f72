"""The rules API over real HTTP: CRUD, and backtests (an unsaved rule and a saved one) against events the
engine detected from the simulated store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from phantom.core.settings import StoreConfig
from phantom.sim.server import SimConfig, SimServer
from tests.e2e.served import Served, offline_settings, serve
from tests.e2e.support import wait_for
from tests.e2e.task_support import RecordingEngine, call

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(SimConfig(shopify_stores=1, footsites_stores=0, products_per_store=10)) as server:
        yield server


@pytest.fixture
async def api(sim: SimServer, tmp_path: Path) -> AsyncIterator[Served]:
    settings = offline_settings(
        tmp_path / "rules.db", stores=[StoreConfig(url=sim.shop_url("store-0"), interval=0.5)]
    )
    engine = RecordingEngine(settings, monitor=True)
    async with serve(settings, engine=engine) as served:
        assert engine.scheduler is not None
        await wait_for(lambda: all(m.health.polls >= 2 for m in engine.scheduler.monitors()), what="baseline")  # type: ignore[union-attr]
        yield served


class TestRulesApi:
    async def test_crud(self, api: Served) -> None:
        async with api.client() as http:
            _, stores = await call(http, api, "GET", "/api/stores")
            store_id = stores[0]["id"]
            status, rule = await call(
                http,
                api,
                "POST",
                "/api/rules",
                {
                    "name": "Dunks",
                    "keywords": "+dunk -kids",
                    "sizes": ["10"],
                    "store_ids": [store_id],
                    "max_price": 20000,
                },
            )
            assert status == 201, rule
            assert rule["events"] == ["new_product", "new_variant", "restock"] and rule["mode"] == "assist"
            status, high = await call(http, api, "POST", "/api/rules", {"name": "Any", "priority": 10})
            assert status == 201
            _, listed = await call(http, api, "GET", "/api/rules")
            assert [r["id"] for r in listed] == [high["id"], rule["id"]]

            status, patched = await call(
                http,
                api,
                "PATCH",
                f"/api/rules/{rule['id']}",
                {"enabled": False, "max_price": None, "events": ["restock"]},
            )
            assert status == 200 and patched["enabled"] is False and patched["max_price"] is None
            assert patched["events"] == ["restock"] and patched["keywords"] == "+dunk -kids"

            for body, error in (
                ({"name": "x", "store_ids": ["ghost"]}, "InvalidRule"),
                ({"name": "x", "mode": "browser"}, "InvalidRule"),
                ({"name": "x", "events": ["checkout_link"]}, "InvalidRule"),
                ({"name": "x", "profile": "nobody"}, "InvalidRule"),
            ):
                status, refused = await call(http, api, "POST", "/api/rules", body)
                assert (status, refused["error"]) == (400, error), body
            status, _ = await call(http, api, "DELETE", f"/api/rules/{rule['id']}")
            assert status == 204
            status, gone = await call(http, api, "GET", f"/api/rules/{rule['id']}")
            assert status == 404 and gone["error"] == "RuleNotFound"

    async def test_backtest_finds_the_events_a_rule_would_have_fired_on(
        self, api: Served, sim: SimServer
    ) -> None:
        sim.state.shop_drop("store-0", title="Nike Dunk Low Backtest Panda", sizes=["9", "10"])
        sim.state.shop_drop("store-0", title="Adidas Samba Backtest", sizes=["10"])
        async with api.client() as http:

            async def events() -> list[dict[str, object]]:
                _, page = await call(http, api, "GET", "/api/events", kind="new_product")
                return list(page["items"])

            for _ in range(200):
                if len(await events()) >= 2:
                    break
                await asyncio.sleep(0.05)
            assert len(await events()) >= 2, "the drops were detected"

            unsaved = {"rule": {"name": "try", "keywords": "dunk", "sizes": ["10"]}, "limit": 10}
            status, result = await call(http, api, "POST", "/api/rules/backtest", unsaved)
            assert status == 200, result
            assert [m["product_title"] for m in result["matches"]] == ["Nike Dunk Low Backtest Panda"]
            assert result["matched"] == 1 and result["complete"] is True and result["scanned"] >= 2
            assert result["by_kind"] == {"new_product": 1} and sum(result["by_store"].values()) == 1

            _, saved = await call(
                http, api, "POST", "/api/rules", {"name": "samba", "keywords": "samba", "enabled": False}
            )
            status, result = await call(http, api, "POST", f"/api/rules/{saved['id']}/backtest", {})
            assert status == 200 and [m["product_title"] for m in result["matches"]] == [
                "Adidas Samba Backtest"
            ]
            status, result = await call(
                http, api, "POST", f"/api/rules/{saved['id']}/backtest", {"since": "2999-01-01T00:00:00Z"}
            )
            assert status == 200 and result["matched"] == 0 and result["scanned"] == 0
            status, _ = await call(http, api, "POST", "/api/rules/nope/backtest", {})
            assert status == 404
