"""A time-compressed hour of every fault mode: no crash, no false event, no request inside Retry-After."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import psutil
import pytest

from phantom.core.engine import Engine
from phantom.core.settings import DatabaseSettings, MonitorSettings, Settings
from phantom.domain.models import Platform
from phantom.domain.ports import EventQuery
from phantom.domain.stores import Store
from phantom.services.events import list_events
from phantom.sim.server import SimConfig, SimServer

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

# An hour at a 2 s interval is 1,800 polls per store. Polling every 50 ms for 90 s gives the same count;
# the interval floor that protects real stores is a validation rule at the edges, bypassed here on purpose.
POLL_INTERVAL = 0.05
DURATION = float(os.environ.get("PHANTOM_HOSTILE_SECONDS", "90"))
FAULTS: list[dict[str, object]] = [
    {"mode": "429", "retry_after": 1},
    {"mode": "500"},
    {"mode": "slow", "delay": 1.0},  # longer than the client time-out below
    {"mode": "garbage"},
    {"mode": "captcha"},
    {"mode": "truncated"},
    {"mode": "queue"},
    {"mode": "403"},
    {"mode": "429"},  # no Retry-After header at all
    {"mode": "none"},
]
SHOPS = [f"store-{i}" for i in range(6)]
IN_FLIGHT = 0.05
FAULT_REQUESTS = 4


def _rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / 2**20


async def _cycle_faults(sim: SimServer, stop_at: float) -> int:
    """Every 0.7 s each store gets its next fault mode (staggered per store) for a few requests, then heals:
    intermittent trouble, as a real store's hour has it, rather than a store that is down all hour."""
    switches = 0
    step = 0
    while time.monotonic() < stop_at:
        for i, name in enumerate(SHOPS):
            fault = FAULTS[(step + i) % len(FAULTS)]
            sim.state.set_fault(name, **{**fault, "count": FAULT_REQUESTS})  # type: ignore[arg-type]
            switches += 1
        fl_fault = FAULTS[step % len(FAULTS)]
        sim.state.set_fault("fl-0", **{**fl_fault, "count": FAULT_REQUESTS})  # type: ignore[arg-type]
        step += 1
        await asyncio.sleep(0.7)
    for name in [*SHOPS, "fl-0"]:
        sim.state.set_fault(name, mode="none")
    return switches


def _retry_after_violations(sim: SimServer, store: str) -> list[str]:
    """Requests that arrived while a Retry-After the store had sent was still running.

    Requests answered within IN_FLIGHT of the 429 were already on the wire when it was sent (a Footsites
    poll asks for its SKUs in parallel), so they cannot have ignored it.
    """
    violations = []
    windows: list[tuple[float, float]] = []
    for entry in sim.state.requests(store):
        t = entry["t"]
        for start, end in windows:
            if start + IN_FLIGHT < t < end - 0.005:
                violations.append(f"{store}: request at {t:.3f} inside window {start:.3f}..{end:.3f}")
                break
        if entry["status"] == 429 and entry["retry_after"] is not None:
            windows.append((t, t + float(entry["retry_after"])))
            windows = windows[-20:]
    return violations


async def test_hostile_hour(tmp_path: Path) -> None:
    config = SimConfig(
        shopify_stores=len(SHOPS), footsites_stores=1, products_per_store=80, request_log_size=200_000
    )
    async with SimServer(config) as sim:
        settings = Settings(
            database=DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path / 'hostile.db'}"),
            monitor=MonitorSettings(
                timeout=0.5, limit_per_host=32, max_backoff=0.5, blocked_backoff=0.5, default_retry_after=1.0
            ),
        )
        engine = Engine(settings)
        await engine.start()
        try:
            assert engine.scheduler is not None
            stores = [
                Store(
                    id=f"s{i}",
                    url=sim.shop_url(name),
                    platform=Platform.SHOPIFY,
                    interval=POLL_INTERVAL,
                    name=name,
                )
                for i, name in enumerate(SHOPS)
            ]
            skus = tuple(sim.state.fl("fl-0").skus[:3])
            stores.append(
                Store(
                    id="fl",
                    url=sim.footsites_url("fl-0"),
                    platform=Platform.FOOTSITES,
                    interval=POLL_INTERVAL,
                    name="fl-0",
                    skus=skus,
                )
            )
            assert engine.services is not None
            async with engine.services.uow_factory() as uow:  # stored directly: the API would refuse 50 ms
                for store in stores:
                    await uow.stores.add(store)
                await uow.commit()
            for store in stores:
                engine.scheduler.watch(store)
            await asyncio.sleep(2.0)  # baseline + warm-up
            rss_start = _rss_mb()
            switches = await _cycle_faults(sim, time.monotonic() + DURATION)
            await asyncio.sleep(2.0)  # let every store recover
            rss_end = _rss_mb()

            crashes = (
                engine.metrics.registry.get_sample_value("phantom_poll_errors_total", {"kind": "crash"}) or 0
            )
            processing = (
                engine.metrics.registry.get_sample_value("phantom_poll_errors_total", {"kind": "processing"})
                or 0
            )
            events = await list_events(EventQuery(limit=500), uow_factory=engine.services.uow_factory)
            violations = [v for name in [*SHOPS, "fl-0"] for v in _retry_after_violations(sim, name)]
            polls = sum(m.health.polls for m in engine.scheduler.monitors())
            errors = sum(m.health.total_errors for m in engine.scheduler.monitors())
            print(
                f"\nhostile: {DURATION:.0f}s, polls={polls}, failed polls={errors}, switches={switches}, "
                f"rss {rss_start:.1f} -> {rss_end:.1f} MB, events={len(events)}, retry-after violations={len(violations)}"
            )
            assert crashes == 0 and processing == 0
            assert events == [], f"false events: {[(e.kind, e.event.product_id) for e in events][:5]}"
            assert violations == [], violations[:5]
            assert errors > len(SHOPS) * 50, "the faults must actually have been hit"
            assert all(m.health.status.value == "healthy" for m in engine.scheduler.monitors())
            assert rss_end - rss_start < 50
        finally:
            await engine.stop()
