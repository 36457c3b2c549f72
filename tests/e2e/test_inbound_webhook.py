"""The inbound webhook over real HTTP: a channel made through the API (secret shown once), signed messages
from an "external monitor" become events with alerts delivered to Discord (the sim's sink), and every
unsigned, wrongly signed, replayed or unknown-channel request gets the same 401."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from phantom.core.settings import NotificationConfig
from phantom.domain.inbound import MAX_BODY, sign
from phantom.sim.server import SimConfig, SimServer
from tests.e2e.served import Served, offline_settings, serve
from tests.e2e.support import embeds, wait_for
from tests.e2e.task_support import RecordingEngine, call

pytestmark = pytest.mark.asyncio

DISCORD_MESSAGE = {
    "username": "Cook Monitor",
    "embeds": [
        {
            "title": "Nike Dunk Low Retro Inbound - Restock",
            "url": "https://inbound-store.example/products/dunk-low-inbound",
            "fields": [
                {"name": "Sizes", "value": "9 [2] | 9.5 [1] | 10 [4]"},
                {"name": "Price", "value": "$115.00"},
                {"name": "SKU", "value": "DD1391-100"},
            ],
        }
    ],
}


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(SimConfig(shopify_stores=0, footsites_stores=0)) as server:
        yield server


@pytest.fixture
async def api(sim: SimServer, tmp_path: Path) -> AsyncIterator[Served]:
    channel = NotificationConfig.model_validate({"kind": "discord", "url": sim.sink_url("alerts")})
    settings = offline_settings(tmp_path / "inbound.db", notifications=[channel])
    async with serve(settings, engine=RecordingEngine(settings)) as served:
        yield served


async def deliver(
    served: Served, name: str, body: bytes, secret: str, *, skew: int = 0, signature: str | None = None
) -> tuple[int, Any]:
    """POST like an external monitor: no token, only the signature headers."""
    timestamp = str(int(time.time()) + skew)
    headers = {
        "Content-Type": "application/json",
        "X-Phantom-Timestamp": timestamp,
        "X-Phantom-Signature": signature or sign(secret, timestamp, body),
    }
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{served.url}/api/webhooks/inbound/{name}", data=body, headers=headers) as r,
    ):
        return r.status, await r.json()


class TestInboundWebhook:
    async def test_signed_messages_become_events_and_alerts(self, api: Served, sim: SimServer) -> None:
        async with api.client() as http:
            status, made = await call(http, api, "POST", "/api/webhooks/inbound-channels", {"name": "cook"})
            assert status == 201 and made["secret"].startswith("whsec_")
            assert made["webhook_path"] == "/api/webhooks/inbound/cook"
            status, shown = await call(http, api, "GET", f"/api/webhooks/inbound-channels/{made['id']}")
            assert status == 200 and "secret" not in shown, "the secret is shown once"

        body = json.dumps(DISCORD_MESSAGE).encode()
        status, result = await deliver(api, "cook", body, made["secret"])
        assert status == 200 and len(result["events"]) == 1 and result["duplicate"] is False
        status, again = await deliver(api, "cook", body, made["secret"])
        assert status == 200 and again == {"events": [], "duplicate": True}

        await wait_for(lambda: len(embeds(sim)) == 1, what="the alert on Discord")
        assert "Dunk Low Retro Inbound" in embeds(sim)[0]["title"]
        async with api.client() as http:
            _, page = await call(http, api, "GET", "/api/events")
            [event] = page["items"]
            assert event["id"] == result["events"][0] and event["kind"] == "restock"
            assert [v["size"] for v in event["variants"]] == ["9", "9.5", "10"] and event["price"] == 11500
            _, stores = await call(http, api, "GET", "/api/stores")
            [store] = [s for s in stores if s["url"] == "https://inbound-store.example"]
            assert store["enabled"] is False and store["id"] == event["store_id"], "a new store is not polled"

        simple = {
            "store_url": "https://inbound-store.example",
            "kind": "new_product",
            "title": "Air Max 1 Inbound",
            "handle": "air-max-1-inbound",
            "variants": [{"id": "801", "size": "9", "price": 150, "available": True}],
        }
        status, result = await deliver(api, "cook", json.dumps(simple).encode(), made["secret"])
        assert status == 200 and len(result["events"]) == 1
        await wait_for(lambda: len(embeds(sim)) == 2, what="the second alert")

    async def test_refusals_all_look_the_same(self, api: Served) -> None:
        async with api.client() as http:
            _, made = await call(http, api, "POST", "/api/webhooks/inbound-channels", {"name": "cook"})
            _, off = await call(
                http, api, "POST", "/api/webhooks/inbound-channels", {"name": "off", "enabled": False}
            )
        body = json.dumps(DISCORD_MESSAGE).encode()
        refusals = [
            await deliver(api, "cook", body, "wrong-secret"),
            await deliver(api, "ghost", body, made["secret"]),
            await deliver(api, "off", body, off["secret"]),
            await deliver(api, "cook", body, made["secret"], skew=-600),
            await deliver(api, "cook", body, made["secret"], signature="sha256=" + "0" * 64),
        ]
        assert {status for status, _ in refusals} == {401}
        assert {json.dumps(r, sort_keys=True) for _, r in refusals} == {
            json.dumps({"detail": "signature check failed", "error": "InboundUnauthorized"}, sort_keys=True)
        }
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{api.url}/api/webhooks/inbound/cook", data=body) as r:
                assert r.status == 401, "no signature headers at all"
            big = b"{" + b" " * MAX_BODY + b"}"
            async with http.post(f"{api.url}/api/webhooks/inbound/cook", data=big) as r:
                assert r.status == 413
        status, bad = await deliver(api, "cook", b'{"title": "no store"}', made["secret"])
        assert status == 400 and bad["error"] == "InvalidInboundMessage"
        async with api.client() as http:
            _, page = await call(http, api, "GET", "/api/events")
            assert page["items"] == []

    async def test_rotation_and_channel_management(self, api: Served) -> None:
        async with api.client() as http:
            _, made = await call(http, api, "POST", "/api/webhooks/inbound-channels", {"name": "cook"})
            status, dup = await call(http, api, "POST", "/api/webhooks/inbound-channels", {"name": "cook"})
            assert status == 409 and dup["error"] == "DuplicateInboundChannel"
            status, _ = await call(http, api, "POST", "/api/webhooks/inbound-channels", {"name": "Bad Name"})
            assert status == 422
            status, rotated = await call(
                http, api, "POST", f"/api/webhooks/inbound-channels/{made['id']}/rotate"
            )
            assert status == 200 and rotated["secret"] != made["secret"]
        body = json.dumps(DISCORD_MESSAGE).encode()
        assert (await deliver(api, "cook", body, made["secret"]))[0] == 401, "the old secret is dead"
        assert (await deliver(api, "cook", body, rotated["secret"]))[0] == 200
        async with api.client() as http:
            status, renamed = await call(
                http,
                api,
                "PATCH",
                f"/api/webhooks/inbound-channels/{made['id']}",
                {"name": "cook-2", "enabled": False},
            )
            assert status == 200 and renamed["name"] == "cook-2" and renamed["enabled"] is False
            _, listed = await call(http, api, "GET", "/api/webhooks/inbound-channels")
            assert [c["name"] for c in listed] == ["cook-2"]
            status, _ = await call(http, api, "DELETE", f"/api/webhooks/inbound-channels/{made['id']}")
            assert status == 204
            status, _ = await call(http, api, "GET", f"/api/webhooks/inbound-channels/{made['id']}")
            assert status == 404
        async with aiohttp.ClientSession() as http, http.get(f"{api.url}/api/webhooks/inbound-channels") as r:
            assert r.status == 401, "managing channels needs the token"
