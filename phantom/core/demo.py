"""`phantom demo`: the simulated stores, a scripted drop sequence, Phantom watching them and alerts landing
in a local webhook sink — all on 127.0.0.1, shown live in the terminal."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from collections import deque
from pathlib import Path

import aiohttp
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from phantom.core.engine import Engine
from phantom.core.logging import configure_logging
from phantom.core.settings import DatabaseSettings, MonitorSettings, NotificationConfig, Settings, StoreConfig
from phantom.domain.events import StoredEvent
from phantom.domain.models import Platform
from phantom.domain.stores import Store
from phantom.sim.server import SimConfig, SimServer

DEMO_SKU = "DEMO-AJ1-001"


def demo_script(stores: int) -> list[dict[str, object]]:
    """A drop morning, compressed: new releases, restocks, a price cut, a sell-out and a password page."""
    last = f"store-{stores - 1}"
    return [
        {
            "at": 4,
            "op": "drop",
            "store": "store-0",
            "title": "Nike Dunk Low Retro - Panda",
            "handle": "nike-dunk-low-retro-panda",
            "price": "110.00",
        },
        {
            "at": 8,
            "op": "drop",
            "store": "store-1",
            "title": "Jordan 1 Retro High OG - Chicago",
            "handle": "jordan-1-retro-high-og-chicago",
            "price": "180.00",
        },
        {"at": 10, "op": "password", "store": last, "enabled": True},
        {"at": 12, "op": "sold_out", "store": "store-0", "handle": "nike-dunk-low-retro-panda"},
        {
            "at": 16,
            "op": "restock",
            "store": "store-0",
            "handle": "nike-dunk-low-retro-panda",
            "sizes": ["9", "9.5"],
        },
        {
            "at": 18,
            "op": "drop",
            "store": last,
            "title": "New Balance 550 - White/Green",
            "handle": "new-balance-550-white-green",
            "price": "120.00",
            "sizes": ["8", "9", "10", "11"],
        },
        {
            "at": 20,
            "op": "price",
            "store": "store-1",
            "handle": "jordan-1-retro-high-og-chicago",
            "price": "150.00",
        },
        {"at": 24, "op": "password", "store": last, "enabled": False},
        {"at": 14, "op": "sold_out", "store": "fl-0", "sku": DEMO_SKU},
        {"at": 26, "op": "restock", "store": "fl-0", "sku": DEMO_SKU, "sizes": ["9.0", "10.0"]},
        {"at": 28, "op": "fault", "store": "store-1", "mode": "429", "retry_after": 6, "count": 1},
    ]


async def run_demo(*, seconds: float, stores: int, console: Console) -> None:
    configure_logging("error")  # the live table is the output; warnings would tear it
    sim_config = SimConfig(shopify_stores=stores, footsites_stores=1, products_per_store=40)
    async with SimServer(sim_config) as sim, aiohttp.ClientSession() as http:
        await _post(
            http, f"{sim.base_url}/_control/fl/fl-0/product", {"sku": DEMO_SKU, "name": "Jordan AJ 1 Low"}
        )
        with tempfile.TemporaryDirectory(prefix="phantom-demo-") as tmp:
            settings = _demo_settings(sim, stores, Path(tmp))
            engine = Engine(settings)
            feed: deque[str] = deque(maxlen=14)
            engine.add_event_listener(lambda store, event: feed.appendleft(_describe(store, event)))
            await engine.start()
            try:
                await _post(http, f"{sim.base_url}/_control/schedule", {"actions": demo_script(stores)})
                await _show(engine, sim, http, feed, seconds, console)
            finally:
                await engine.stop()


def _demo_settings(sim: SimServer, stores: int, tmp: Path) -> Settings:
    return Settings(
        database=DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp / 'demo.db'}"),
        monitor=MonitorSettings(limit_per_host=32),
        log_level="error",
        stores=[
            *(
                StoreConfig(url=sim.shop_url(f"store-{i}"), name=f"store-{i}", interval=2.0)
                for i in range(stores)
            ),
            StoreConfig(
                url=sim.footsites_url("fl-0"),
                name="footsites-0",
                platform=Platform.FOOTSITES,
                skus=[DEMO_SKU],
                interval=3.0,
            ),
        ],
        notifications=[NotificationConfig(kind="discord", url=sim.sink_url("demo"))],
    )


async def _show(
    engine: Engine,
    sim: SimServer,
    http: aiohttp.ClientSession,
    feed: deque[str],
    seconds: float,
    console: Console,
) -> None:
    started = time.monotonic()
    with Live(console=console, refresh_per_second=4) as live:
        while seconds <= 0 or time.monotonic() - started < seconds:
            delivered = await _sink_count(http, sim)
            live.update(_render(engine, feed, delivered, time.monotonic() - started))
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.sleep(0.5)


def _render(engine: Engine, feed: deque[str], delivered: int, elapsed: float) -> Group:
    stores = Table(title=f"Stores — {elapsed:4.0f}s", expand=True)
    for col in ("store", "health", "polls", "not modified", "latency", "last error"):
        stores.add_column(col)
    assert engine.scheduler is not None
    for monitor in engine.scheduler.monitors():
        h = monitor.health
        colour = {"healthy": "green", "degraded": "yellow", "blocked": "red"}[h.status.value]
        stores.add_row(
            monitor.store.name,
            f"[{colour}]{h.status.value}[/{colour}]",
            str(h.polls),
            f"{h.not_modified_ratio:.0%}",
            f"{h.last_latency_ms:.1f} ms" if h.last_latency_ms is not None else "-",
            (h.last_error or "")[:40],
        )
    events = Table(title=f"Events (alerts delivered to the local sink: {delivered})", expand=True)
    events.add_column("what happened")
    for line in feed:
        events.add_row(line)
    return Group(stores, events)


def _describe(store: Store, event: StoredEvent) -> str:
    product = event.event.product
    sizes = ", ".join(v.size for v in event.event.variants if v.available)
    title = product.title if product else ""
    extra = ""
    if event.event.old_price is not None and event.event.new_price is not None:
        extra = f" {event.event.old_price / 100:.2f} → {event.event.new_price / 100:.2f}"
    when = event.detected_at.strftime("%H:%M:%S")
    return f"{when} [bold]{event.kind.value}[/bold] {store.name}: {title}{extra}" + (
        f" [{sizes}]" if sizes else ""
    )


async def _post(http: aiohttp.ClientSession, url: str, body: object) -> None:
    async with http.post(url, json=body) as resp:
        resp.raise_for_status()


async def _sink_count(http: aiohttp.ClientSession, sim: SimServer) -> int:
    try:
        async with http.get(f"{sim.base_url}/_control/sink/demo/messages") as resp:
            data = await resp.json()
    except (aiohttp.ClientError, ValueError):
        return 0
    return len(data) if isinstance(data, list) else len(data.get("messages", []))
