"""The notification channels API over real HTTP against the simulated store and its webhook sink."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from phantom.core.settings import DatabaseSettings, MonitorSettings, Settings, StoreConfig
from phantom.sim.server import SimConfig, SimServer
from tests.e2e.served import Served, serve
from tests.e2e.support import embeds, wait_for

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(SimConfig(shopify_stores=1, footsites_stores=0, products_per_store=20)) as server:
        yield server


@pytest.fixture
async def api(sim: SimServer, tmp_path: Path) -> AsyncIterator[Served]:
    settings = Settings(
        database=DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path / 'ch.db'}"),
        monitor=MonitorSettings(jitter=0.0),
        stores=[StoreConfig(url=sim.shop_url("store-0"), interval=0.5)],
    )
    async with serve(settings) as served:
        assert served.engine.scheduler is not None
        await wait_for(
            lambda: all(m.health.polls >= 2 for m in served.engine.scheduler.monitors()),  # type: ignore[union-attr]
            what="baseline",
        )
        yield served


class TestChannels:
    async def test_crud_test_message_and_redaction(self, api: Served, sim: SimServer) -> None:
        hook = sim.sink_url("dash")
        async with api.client() as http:
            async with http.post(
                f"{api.url}/api/channels",
                json={
                    "kind": "discord",
                    "url": hook,
                    "name": "Main",
                    "keywords": "+dunk -kids",
                    "sizes": ["9.5"],
                },
            ) as r:
                assert r.status == 201
                created = await r.json()
            assert created["url"].endswith("/webhooks/1/***") and "token" not in created["url"]
            assert created["keywords"] == "dunk -kids" and created["sizes"] == ["9.5"]
            assert created["events"] == sorted(created["events"]) and "sold_out" not in created["events"]
            cid = created["id"]

            async with http.post(f"{api.url}/api/channels/{cid}/test") as r:
                assert r.status == 200
                assert (await r.json())["outcome"] == "sent"
            assert len(sim.state.sink("dash").messages) == 1
            assert "Phantom test alert" in embeds(sim, "dash")[0]["title"]

            async with http.patch(
                f"{api.url}/api/channels/{cid}", json={"name": "Renamed", "max_price": 15000}
            ) as r:
                assert r.status == 200
                patched = await r.json()
            assert patched["name"] == "Renamed" and patched["max_price"] == 15000
            assert patched["url"] == created["url"]
            async with http.post(f"{api.url}/api/channels/{cid}/test") as r:
                assert (await r.json())["outcome"] == "sent", "PATCH without url kept the real webhook"
            assert len(sim.state.sink("dash").messages) == 2
            async with http.patch(f"{api.url}/api/channels/{cid}", json={"max_price": None}) as r:
                assert (await r.json())["max_price"] is None

            async with http.get(f"{api.url}/api/channels") as r:
                assert [c["id"] for c in await r.json()] == [cid]
            async with http.get(f"{api.url}/api/channels/{cid}") as r:
                assert (await r.json())["name"] == "Renamed"
            async with http.delete(f"{api.url}/api/channels/{cid}") as r:
                assert r.status == 204
            async with http.get(f"{api.url}/api/channels/{cid}") as r:
                assert r.status == 404 and (await r.json())["error"] == "ChannelNotFound"

    async def test_bad_input_is_refused_without_echo(self, api: Served) -> None:
        async with api.client() as http:
            async with http.post(
                f"{api.url}/api/channels", json={"kind": "discord", "url": "ftp://hooks.example/SECRET-1"}
            ) as r:
                assert r.status == 400 and (await r.json())["error"] == "InvalidChannel"
            async with http.post(
                f"{api.url}/api/channels",
                json={"kind": "carrier-pigeon", "url": "https://x.example/SECRET-2"},
            ) as r:
                body = await r.text()
                assert r.status == 422 and "SECRET-2" not in body and "carrier-pigeon" not in body
            async with http.post(
                f"{api.url}/api/channels", data=b"{not json", headers={"Content-Type": "application/json"}
            ) as r:
                assert r.status == 422 and (await r.json())["error"] == "ValidationError"

    async def test_delivery_log_after_a_drop(self, api: Served, sim: SimServer) -> None:
        async with api.client() as http:
            channels = []
            for name, sink in (("good", sim.sink_url("ok")), ("gone", sim.sink_url("gone"))):
                async with http.post(
                    f"{api.url}/api/channels", json={"kind": "discord", "url": sink, "name": name}
                ) as r:
                    channels.append((await r.json())["id"])
            sim.state.sink("gone").configure({"mode": "404"})  # Discord deleted this webhook
            sim.state.shop_drop("store-0", title="Jordan 1 Retro High - Delivery Log", sizes=["10"])
            await wait_for(lambda: len(sim.state.sink("ok").messages) == 1, what="the alert")

            async def log(path: str) -> list[dict[str, object]]:
                async with http.get(f"{api.url}{path}") as r:
                    assert r.status == 200
                    return list(await r.json())

            deliveries: list[dict[str, object]] = []

            async def settled() -> bool:
                nonlocal deliveries
                deliveries = await log("/api/deliveries")
                return len(deliveries) == 2 and all(d["status"] in ("sent", "failed") for d in deliveries)

            for _ in range(100):
                if await settled():
                    break
                await asyncio.sleep(0.05)
            by_channel = {d["channel_id"]: d for d in deliveries}
            gone = by_channel[channels[1]]
            assert gone["status"] == "failed" and "404" in str(gone["last_error"])
            async with http.get(f"{api.url}/api/channels/{channels[1]}") as r:
                channel = await r.json()
            assert channel["enabled"] is False and channel["disabled_reason"]
            good = await log(f"/api/channels/{channels[0]}/deliveries")
            assert len(good) == 1
            assert good[0]["status"] == "sent" and good[0]["sent_at"] is not None
            assert good[0]["product_title"] == "Jordan 1 Retro High - Delivery Log"
            assert good[0]["event_kind"] == "new_product"
            sent = await log("/api/deliveries?status=sent")
            assert {d["channel_id"] for d in sent} >= {channels[0]}
            async with http.get(f"{api.url}/api/channels/nope/deliveries") as r:
                assert r.status == 404


class TestErrorShape:
    async def test_unknown_method_lists_every_allowed_one(self, api: Served) -> None:
        async with api.client() as http:
            async with http.put(f"{api.url}/api/channels/x", json={}) as r:
                assert r.status == 405 and r.headers["Allow"] == "DELETE, GET, PATCH"
                assert (await r.json())["error"] == "MethodNotAllowed"
            async with http.get(f"{api.url}/api/nothing-here") as r:
                assert r.status == 404 and (await r.json())["error"] == "NotFound"
