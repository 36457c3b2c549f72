"""`/ws` against a real engine watching the simulated store: live events, health changes, delivery
results and pings reach a logged-in dashboard; a client that never reads is dropped without slowing the
engine."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from phantom.api.routers.ws import live_stats
from phantom.core.settings import WebSettings
from phantom.domain.ports import EventQuery
from phantom.services.events import list_events
from phantom.sim.server import SimConfig, SimServer
from tests.e2e.served import Served, login, serve
from tests.e2e.support import embeds, engine_settings, wait_for

pytestmark = pytest.mark.asyncio


@dataclass
class Feed:
    """A well-behaved dashboard: reads every message as it comes."""

    ws: aiohttp.ClientWebSocketResponse
    messages: list[tuple[float, dict[str, Any]]] = field(default_factory=list)

    async def run(self) -> None:
        async for message in self.ws:
            if message.type is aiohttp.WSMsgType.TEXT:
                self.messages.append((time.monotonic(), json.loads(message.data)))

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [m for _, m in self.messages if m["type"] == kind]

    def first(self, message_type: str, **data: Any) -> float | None:
        for at, m in self.messages:
            if m["type"] == message_type and all(m.get("data", {}).get(k) == v for k, v in data.items()):
                return at
        return None


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(SimConfig(shopify_stores=1, footsites_stores=0, products_per_store=30)) as server:
        yield server


@pytest.fixture
async def served(sim: SimServer, tmp_path: Path) -> AsyncIterator[Served]:
    settings = engine_settings(sim, tmp_path / "ws.db", shops=["store-0"], interval=0.5)
    settings.web = WebSettings(ws_heartbeat=0.3, ws_queue=64)
    async with serve(settings) as s:
        assert s.engine.scheduler is not None
        await wait_for(
            lambda: all(m.health.polls >= 2 for m in s.engine.scheduler.monitors()),  # type: ignore[union-attr]
            what="baseline polls",
        )
        yield s


@contextlib.asynccontextmanager
async def dashboard(served: Served) -> AsyncIterator[Feed]:
    """Log in like the browser does and open /ws with the session cookie and our own Origin."""
    async with aiohttp.ClientSession() as http:
        session = await login(http, served)
        async with http.ws_connect(served.ws_url, headers={**session.cookie, "Origin": served.url}) as ws:
            feed = Feed(ws)
            task = asyncio.create_task(feed.run())
            try:
                yield feed
            finally:
                await ws.close()
                await asyncio.wait_for(task, timeout=5)


class TestLiveFeed:
    async def test_drop_health_delivery_and_ping_arrive(self, served: Served, sim: SimServer) -> None:
        async with dashboard(served) as feed:
            await wait_for(lambda: bool(feed.of("ping")), timeout=3, what="a ping")
            started = time.monotonic()
            sim.state.shop_drop("store-0", title="Nike Dunk Low - Live Feed", sizes=["9", "10"])
            await wait_for(
                lambda: feed.first("event", product_title="Nike Dunk Low - Live Feed") is not None,
                what="the drop on the feed",
            )
            event = next(
                m for m in feed.of("event") if m["data"]["product_title"] == "Nike Dunk Low - Live Feed"
            )
            assert event["data"]["kind"] == "new_product"
            assert {v["size"] for v in event["data"]["variants"]} == {"9", "10"}
            await wait_for(lambda: bool(feed.of("notification")), what="the delivery result")
            note = feed.of("notification")[0]["data"]
            assert note["event_id"] == event["data"]["id"] and note["status"] == "sent"
            assert note["error"] is None and len(embeds(sim)) == 1
            latency = feed.first("event", product_title="Nike Dunk Low - Live Feed") - started  # type: ignore[operator]
            print(f"\ndrop → dashboard: {latency * 1000:.0f} ms")

            sim.state.set_fault("store-0", "500")
            await wait_for(lambda: bool(feed.of("store_health")), what="the store going unhealthy")
            health = feed.of("store_health")[0]["data"]
            assert health["status"] == "degraded" and health["last_error"]
            sim.state.set_fault("store-0", "none")
            await wait_for(
                lambda: any(m["data"]["status"] == "healthy" for m in feed.of("store_health")),
                what="the store recovering",
            )


def tiny_socket(port: int) -> socket.socket:
    """A client socket with a tiny receive buffer, so a client that stops reading backs up quickly."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    return sock


async def stalled_client(served: Served) -> ClientConnection:
    port = int(served.url.rsplit(":", 1)[1])
    return await connect(
        served.ws_url,
        sock=tiny_socket(port),
        additional_headers=served.bearer,
        compression=None,
        max_queue=1,
        ping_interval=None,
        proxy=None,
    )


class TestSlowClient:
    async def test_a_client_that_never_reads_is_dropped_and_the_engine_keeps_pace(
        self, served: Served, sim: SimServer
    ) -> None:
        handle = sim.state.shop_drop("store-0", title="Flood Seed", sizes=["9"])["product"]["handle"]
        services = served.engine.services
        assert services is not None
        await wait_for(lambda: len(embeds(sim)) == 1, what="seed event")
        [seed] = await list_events(EventQuery(limit=1), uow_factory=services.uow_factory)
        stats = live_stats(served.app)
        async with dashboard(served) as feed:
            stalled = await stalled_client(served)
            try:
                await wait_for(lambda: stats.connected == 2, what="both clients connected")
                # Flood the feed as a burst of drops would; in small batches so the good client keeps up.
                published = 0
                deadline = time.monotonic() + 20
                while stats.dropped == 0 and time.monotonic() < deadline:
                    for _ in range(16):
                        served.engine.bus.publish("event", seed)
                    published += 16
                    await asyncio.sleep(0.002)
                assert stats.dropped == 1, f"the stalled client was not dropped after {published} messages"
                assert stats.connected == 1, "the good client stays"
                print(f"\nstalled client dropped after {published} messages")

                # The engine and the good client are unaffected: a real restock arrives promptly.
                sim.state.shop_sold_out("store-0", handle)
                await wait_for(lambda: feed.first("event", kind="sold_out") is not None, what="sold out")
                changed = time.monotonic()
                sim.state.shop_restock("store-0", handle)
                await wait_for(
                    lambda: feed.first("event", kind="restock") is not None, what="restock", timeout=5
                )
                latency = feed.first("event", kind="restock") - changed  # type: ignore[operator]
                print(f"restock → good client after the flood: {latency * 1000:.0f} ms")
                assert latency < 2.0
                await wait_for(lambda: len(embeds(sim)) == 2, what="restock alert", timeout=5)
            finally:
                code = await drain_until_closed(stalled)
        assert code == 1013, f"the stalled client should hear 'try again later', got {code}"


async def drain_until_closed(ws: ClientConnection) -> int | None:
    """Start reading at last: take the backlog, then the close frame the server left for us."""
    try:
        async with asyncio.timeout(10):
            while True:
                await ws.recv()
    except ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else None
    finally:
        await ws.close()


class TestTaskFeed:
    async def test_a_task_started_and_stopped_elsewhere_moves_on_every_dashboard(
        self, served: Served, sim: SimServer
    ) -> None:
        async with dashboard(served) as feed, served.client() as http:
            async with http.get(f"{served.url}/api/stores") as r:
                stores = await r.json()
            store_id = (stores["items"] if isinstance(stores, dict) else stores)[0]["id"]
            body = {"store": store_id, "handle": "not-dropped-yet", "mode": "assist"}
            async with http.post(f"{served.url}/api/tasks", json=body) as r:
                assert r.status == 201, await r.text()
                task_id = (await r.json())["id"]
            async with http.post(f"{served.url}/api/tasks/{task_id}/start") as r:
                assert r.status == 200
            await wait_for(
                lambda: feed.first("task", task_id=task_id, status="waiting") is not None, what="waiting"
            )
            async with http.post(f"{served.url}/api/tasks/{task_id}/stop") as r:
                assert r.status == 200
            await wait_for(
                lambda: feed.first("task", task_id=task_id, status="cancelled") is not None, what="stop"
            )
            moves = [m["data"]["status"] for m in feed.of("task") if m["data"]["task_id"] == task_id]
            assert moves[0] == "waiting" and moves[-1] == "cancelled"
