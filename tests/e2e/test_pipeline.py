"""The core pipeline end to end: simulated stores → Phantom's engine → Discord-like sink, over 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from phantom.core.engine import Engine
from phantom.domain.events import EventKind
from phantom.domain.ports import EventQuery
from phantom.services.events import list_events
from phantom.sim.server import SimConfig, SimServer
from tests.e2e.support import embed_text, embeds, engine_settings, wait_for

pytestmark = pytest.mark.asyncio


async def _polled(engine: Engine, times: int = 2) -> None:
    assert engine.scheduler is not None
    await wait_for(
        lambda: all(m.health.polls >= times for m in engine.scheduler.monitors()),  # type: ignore[union-attr]
        what="every store polled",
    )


async def wait_for_event(engine: Engine, kind: EventKind, timeout: float = 10.0) -> None:
    start = time.monotonic()
    while not await _events(engine, kind):
        if time.monotonic() - start > timeout:
            raise AssertionError(f"no {kind} event within {timeout}s")
        await asyncio.sleep(0.05)


async def _events(engine: Engine, kind: EventKind | None = None) -> list:
    assert engine.services is not None
    kinds = frozenset({kind}) if kind else frozenset()
    return await list_events(EventQuery(kinds=kinds, limit=500), uow_factory=engine.services.uow_factory)


class TestDropToAlert:
    async def test_drop_restock_price_and_sellout_reach_the_sink_once(self, tmp_path: Path) -> None:
        async with SimServer(SimConfig(shopify_stores=2, footsites_stores=0, products_per_store=40)) as sim:
            settings = engine_settings(sim, tmp_path / "p.db", shops=["store-0", "store-1"])
            engine = Engine(settings)
            await engine.start()
            try:
                await _polled(engine)
                assert embeds(sim) == [], "the first poll is a baseline and announces nothing"

                drop = sim.state.shop_drop(
                    "store-0", title="Nike Dunk Low Retro - Panda", sizes=["9", "9.5", "10"]
                )
                handle = drop["product"]["handle"]
                await wait_for(lambda: len(embeds(sim)) == 1, what="new product alert")
                alert = embeds(sim)[0]
                text = embed_text(alert)
                assert "Nike Dunk Low Retro - Panda" in alert["title"]
                assert alert["url"] == f"{sim.shop_url('store-0')}/products/{handle}"
                for variant in drop["product"]["variants"]:
                    assert f"/cart/{variant['id']}:1" in text
                new_events = await _events(engine, EventKind.NEW_PRODUCT)
                assert len(new_events) == 1
                assert new_events[0].id in alert["footer"]["text"]

                sim.state.shop_sold_out("store-0", handle, ["9.5"])
                await wait_for_event(engine, EventKind.SOLD_OUT)
                sim.state.shop_restock("store-0", handle, ["9.5"])
                await wait_for(lambda: len(embeds(sim)) == 2, what="restock alert")
                restock = embeds(sim)[1]
                assert "9.5" in embed_text(restock)

                sim.state.shop_price("store-0", handle, "90.00")
                await wait_for(lambda: len(embeds(sim)) == 3, what="price change alert")
                assert "90.00" in embed_text(embeds(sim)[2])

                # sold_out is recorded but not routed to this channel (the quick-start default).
                assert len(await _events(engine, EventKind.SOLD_OUT)) == 1
                await _polled(engine, times=engine.scheduler.monitors()[0].health.polls + 2)  # type: ignore[union-attr]
                assert len(embeds(sim)) == 3, "no duplicate alerts for the same change"
            finally:
                await engine.stop()

    async def test_restart_announces_nothing_again(self, tmp_path: Path) -> None:
        async with SimServer(SimConfig(shopify_stores=1, footsites_stores=0, products_per_store=60)) as sim:
            db = tmp_path / "restart.db"
            first = Engine(engine_settings(sim, db, shops=["store-0"]))
            await first.start()
            await _polled(first)
            sim.state.shop_drop("store-0", title="Jordan 1 Retro High OG - Chicago")
            await wait_for(lambda: len(embeds(sim)) == 1, what="alert before restart")
            before = len(await _events(first))
            await first.stop()

            second = Engine(engine_settings(sim, db, shops=["store-0"]))
            await second.start()
            try:
                await _polled(second, times=3)
                assert len(embeds(sim)) == 1, "a restart must not re-announce the catalogue"
                assert len(await _events(second)) == before
                sim.state.shop_drop("store-0", title="New Balance 550 - White Green")
                await wait_for(lambda: len(embeds(sim)) == 2, what="alert after restart")
            finally:
                await second.stop()


class TestPasswordPage:
    async def test_lock_then_reopen_with_new_product(self, tmp_path: Path) -> None:
        async with SimServer(SimConfig(shopify_stores=1, footsites_stores=0, products_per_store=30)) as sim:
            engine = Engine(engine_settings(sim, tmp_path / "pw.db", shops=["store-0"]))
            await engine.start()
            try:
                await _polled(engine)
                sim.state.shop_password("store-0", True)
                await wait_for_event(engine, EventKind.PASSWORD_UP)
                sim.state.shop_drop("store-0", title="Salomon XT-6 - Black")
                await _polled(engine, times=engine.scheduler.monitors()[0].health.polls + 2)  # type: ignore[union-attr]
                assert await _events(engine, EventKind.NEW_PRODUCT) == [], "nothing is visible while locked"
                sim.state.shop_password("store-0", False)
                await wait_for_event(engine, EventKind.PASSWORD_DOWN)
                await wait_for_event(engine, EventKind.NEW_PRODUCT)
                kinds = [e.kind for e in await _events(engine)]
                assert sorted(kinds) == sorted(
                    [EventKind.PASSWORD_UP, EventKind.PASSWORD_DOWN, EventKind.NEW_PRODUCT]
                ), "reopening announces only what changed while locked"
            finally:
                await engine.stop()


class TestFootsites:
    async def test_restock_of_a_watched_sku(self, tmp_path: Path) -> None:
        async with SimServer(SimConfig(shopify_stores=0, footsites_stores=1)) as sim:
            sku = sim.state.fl("fl-0").skus[0]
            engine = Engine(
                engine_settings(
                    sim, tmp_path / "fl.db", shops=[], footsites={"fl-0": [sku]}, events=["restock"]
                )
            )
            await engine.start()
            try:
                await _polled(engine)
                sim.state.fl_sold_out("fl-0", sku)
                await wait_for_event(engine, EventKind.SOLD_OUT)
                sim.state.fl_restock("fl-0", sku)
                await wait_for(lambda: len(embeds(sim)) == 1, what="footsites restock alert")
                assert sku in embeds(sim)[0]["url"]
            finally:
                await engine.stop()
