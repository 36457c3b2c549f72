"""AppriseNotifier's json:// plugin delivering to the sim sink's raw route over 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from phantom.domain.notifications import ChannelKind, DeliveryOutcome
from phantom.notifications.apprise_notifier import AppriseNotifier
from phantom.notifications.discord import DiscordNotifier
from phantom.notifications.router import ChannelRouter
from phantom.sim.server import SimConfig, SimServer
from tests.unit.notifications.factories import channel, restock


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(SimConfig(shopify_stores=0, footsites_stores=0)) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def messages(http: aiohttp.ClientSession, sim: SimServer, name: str) -> list[dict[str, Any]]:
    async with http.get(f"{sim.base_url}/_control/sink/{name}/messages") as resp:
        assert resp.status == 200
        return list(await resp.json())


def json_url(sim: SimServer, name: str) -> str:
    return f"json://{sim.host}:{sim.port}/sink/{name}/raw"


class TestAppriseJson:
    async def test_json_plugin_posts_title_and_plain_text_body(self, sim, http):
        result = await AppriseNotifier().send(channel(json_url(sim, "ap"), ChannelKind.APPRISE), restock())

        assert result.outcome is DeliveryOutcome.SENT
        [message] = await messages(http, sim, "ap")
        assert message["body"] == {
            "version": "1.0",
            "title": "Restock: Nike Dunk Low Panda",
            "message": (
                "Store: Kith\nPrice: $145.00\nSizes: 9, 9.5\nLink: https://kith.example/products/dunk-low-panda"
            ),
            "attachments": [],
            "type": "info",
        }

    async def test_server_error_becomes_retry_with_apprises_reason(self, sim, http):
        async with http.post(f"{sim.base_url}/_control/sink/down", json={"mode": "500", "count": 1}) as resp:
            assert resp.status == 200

        result = await AppriseNotifier().send(channel(json_url(sim, "down"), ChannelKind.APPRISE), restock())

        assert result.outcome is DeliveryOutcome.RETRY
        assert "500" in result.detail or "failure" in result.detail
        assert await messages(http, sim, "down") == []

    async def test_router_sends_each_kind_to_its_own_sink(self, sim, http):
        router = ChannelRouter(DiscordNotifier(http), AppriseNotifier())

        d = await router.send(channel(sim.sink_url("d"), ChannelKind.DISCORD, "d"), restock())
        a = await router.send(channel(json_url(sim, "a"), ChannelKind.APPRISE, "a"), restock())

        assert (d.outcome, a.outcome) == (DeliveryOutcome.SENT, DeliveryOutcome.SENT)
        assert "embeds" in (await messages(http, sim, "d"))[0]["body"]
        assert "message" in (await messages(http, sim, "a"))[0]["body"]
