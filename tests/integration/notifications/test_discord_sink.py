"""DiscordNotifier against the simulated store's Discord-like webhook sink, over 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from phantom.domain.notifications import DeliveryOutcome
from phantom.notifications.discord import DiscordNotifier
from phantom.sim.server import SimConfig, SimServer
from tests.unit.notifications.factories import channel, product, restock, variant


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
        data = await resp.json()
    return list(data["messages"] if isinstance(data, dict) else data)


async def fault(http: aiohttp.ClientSession, sim: SimServer, name: str, **body: Any) -> None:
    async with http.post(f"{sim.base_url}/_control/sink/{name}", json=body) as resp:
        assert resp.status == 200, await resp.text()


class TestDelivery:
    async def test_a_sent_alert_arrives_with_its_embed(self, sim, http):
        notifier = DiscordNotifier(http)

        result = await notifier.send(channel(sim.sink_url("main")), restock(event_id="01HSENT"))

        assert result.outcome is DeliveryOutcome.SENT
        assert result.detail.startswith("message ")
        [message] = await messages(http, sim, "main")
        assert message["query"].get("wait") == "true"
        body = message["body"]
        assert body["username"] == "Phantom"
        assert body["allowed_mentions"] == {"parse": []}
        embed = body["embeds"][0]
        assert embed["title"] == "Nike Dunk Low Panda"
        assert embed["footer"]["text"] == "Phantom · event 01HSENT"
        sizes = next(f["value"] for f in embed["fields"] if f["name"].startswith("Sizes"))
        assert "https://kith.example/cart/101:1" in sizes

    async def test_an_overlong_title_and_size_list_still_land(self, sim, http):
        sizes = tuple(variant(str(i), f"size {i} " + "x" * 80) for i in range(300))
        event = restock(product(title="Air Jordan 1 Retro High OG " * 50, variants=sizes))

        result = await DiscordNotifier(http).send(channel(sim.sink_url("long")), event)

        assert result.outcome is DeliveryOutcome.SENT, result.detail
        [message] = await messages(http, sim, "long")
        assert message["body"]["embeds"][0]["title"].endswith("…")

    async def test_existing_query_is_kept(self, sim, http):
        url = sim.sink_url("thread") + "?thread_id=77"

        result = await DiscordNotifier(http).send(channel(url), restock())

        assert result.outcome is DeliveryOutcome.SENT
        [message] = await messages(http, sim, "thread")
        assert message["query"] == {"thread_id": "77", "wait": "true"}


class TestRateLimits:
    async def test_ten_quick_sends_to_a_five_per_two_seconds_bucket_all_arrive_without_429(self, sim, http):
        await fault(http, sim, "burst", mode="none", limit=5, window=2.0)
        notifier = DiscordNotifier(http)
        target = channel(sim.sink_url("burst"))

        started = time.monotonic()
        results = await asyncio.gather(*(notifier.send(target, restock(event_id=f"e{i}")) for i in range(10)))
        elapsed = time.monotonic() - started

        assert [r.outcome for r in results] == [DeliveryOutcome.SENT] * 10
        recorded = await messages(http, sim, "burst")
        assert [m["body"]["embeds"][0]["footer"]["text"] for m in recorded] == [
            f"Phantom · event e{i}" for i in range(10)
        ]
        assert 1.8 <= elapsed < 8.0  # the second five waited for the bucket to refill

    async def test_429_returns_retry_with_discords_retry_after(self, sim, http):
        await fault(http, sim, "limited", mode="429", count=1, retry_after=2.5)

        result = await DiscordNotifier(http).send(channel(sim.sink_url("limited")), restock())

        assert result.outcome is DeliveryOutcome.RETRY
        assert result.retry_after == pytest.approx(2.5)

    async def test_after_a_429_the_next_send_to_that_webhook_waits_it_out(self, sim, http):
        await fault(http, sim, "limited", mode="429", count=1, retry_after=0.6)
        notifier = DiscordNotifier(http)
        target = channel(sim.sink_url("limited"))
        await notifier.send(target, restock())

        started = time.monotonic()
        result = await notifier.send(target, restock())

        assert result.outcome is DeliveryOutcome.SENT
        assert 0.5 <= time.monotonic() - started < 1.5  # retry_after, not the unrelated bucket window

    async def test_a_wait_longer_than_max_wait_becomes_retry_instead_of_blocking(self, sim, http):
        await fault(http, sim, "limited", mode="429", count=1, retry_after=5.0)
        notifier = DiscordNotifier(http, max_wait=0.5)
        target = channel(sim.sink_url("limited"))
        await notifier.send(target, restock())

        started = time.monotonic()
        result = await notifier.send(target, restock())

        assert result.outcome is DeliveryOutcome.RETRY
        assert result.retry_after is not None
        assert 4.0 < result.retry_after <= 5.1
        assert time.monotonic() - started < 0.5

    async def test_global_429_pauses_sends_to_every_webhook(self, sim, http):
        await fault(http, sim, "first", mode="global429", count=1, retry_after=1.0)
        notifier = DiscordNotifier(http)

        limited = await notifier.send(channel(sim.sink_url("first")), restock())
        started = time.monotonic()
        other = await notifier.send(channel(sim.sink_url("second"), cid="c2"), restock())
        waited = time.monotonic() - started

        assert limited.outcome is DeliveryOutcome.RETRY
        assert limited.retry_after == pytest.approx(1.0)
        assert other.outcome is DeliveryOutcome.SENT
        assert waited >= 0.9
        assert len(await messages(http, sim, "second")) == 1

    async def test_wait_ready_waits_for_an_empty_bucket_to_refill(self, sim, http):
        await fault(http, sim, "ready", mode="none", limit=1, window=0.8)
        notifier = DiscordNotifier(http)
        target = channel(sim.sink_url("ready"))
        assert (await notifier.send(target, restock())).outcome is DeliveryOutcome.SENT
        assert notifier.delay_for(target) > 0.5

        started = time.monotonic()
        await notifier.wait_ready(target)

        assert time.monotonic() - started >= 0.5
        assert notifier.delay_for(target) == 0.0


class TestFailures:
    @pytest.mark.parametrize("status", ["404", "401"])
    async def test_deleted_webhook_or_bad_token_means_channel_gone(self, sim, http, status):
        await fault(http, sim, "gone", mode=status)

        result = await DiscordNotifier(http).send(channel(sim.sink_url("gone")), restock())

        assert result.outcome is DeliveryOutcome.CHANNEL_GONE
        assert result.detail == f"webhook deleted or token invalid ({status})"

    async def test_server_error_is_retried_with_back_off(self, sim, http):
        await fault(http, sim, "flaky", mode="500", count=1)

        result = await DiscordNotifier(http).send(channel(sim.sink_url("flaky")), restock())

        assert result.outcome is DeliveryOutcome.RETRY
        assert result.retry_after is None

    async def test_slow_answer_times_out_into_retry(self, sim, http):
        await fault(http, sim, "slow", mode="slow", count=1, delay=1.0)

        result = await DiscordNotifier(http, timeout=0.2).send(channel(sim.sink_url("slow")), restock())

        assert result.outcome is DeliveryOutcome.RETRY
        assert "in time" in result.detail

    async def test_connection_refused_is_retry(self, http):
        result = await DiscordNotifier(http).send(channel("http://127.0.0.1:9/webhooks/1/token"), restock())

        assert result.outcome is DeliveryOutcome.RETRY
        assert "connection error" in result.detail

    async def test_the_webhook_token_never_reaches_the_logs(self, sim, http, capsys):
        await fault(http, sim, "secret", mode="429", count=1, retry_after=0.1)

        await DiscordNotifier(http).send(channel(sim.sink_url("secret")), restock())

        out = capsys.readouterr()
        assert "webhooks/1/***" in out.out + out.err
        assert "webhooks/1/token" not in out.out + out.err
