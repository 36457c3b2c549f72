"""The raw poller against the real sim over 127.0.0.1: baseline is silent, every change is announced once."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import aiohttp

from bench.raw_poller import RawPoller, RawProduct, RawVariant, diff_products
from phantom.sim.server import SimConfig, SimServer


def _product(pid: int, sizes: dict[str, bool], price: str = "100.00") -> RawProduct:
    variants = [RawVariant(pid * 100 + i, s, a, price) for i, (s, a) in enumerate(sizes.items())]
    return RawProduct(pid, f"p{pid}", variants)


class TestDiffProducts:
    def test_identical_decodes_announce_nothing(self) -> None:
        old = {1: _product(1, {"9": True, "10": False})}
        assert diff_products("s", old, dict(old)) == []

    def test_each_kind_of_change_is_one_alert(self) -> None:
        old = {1: _product(1, {"9": True, "10": False}), 2: _product(2, {"8": True})}
        new = {
            1: _product(1, {"9": False, "10": True}),
            2: _product(2, {"8": True}, price="120.00"),
            3: _product(3, {"7": True, "8": False}),
        }
        got = {(a.handle, a.kind, tuple(a.sizes)) for a in diff_products("s", old, new)}
        assert got == {
            ("p1", "restock", ("10",)),
            ("p1", "sold_out", ("9",)),
            ("p2", "price_change", ()),
            ("p3", "new_product", ("7",)),
        }


async def _wait(predicate: Any, seconds: float) -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not met within {seconds}s")


async def test_polls_the_sim_and_posts_one_alert_per_change() -> None:
    config = SimConfig(shopify_stores=2, footsites_stores=0, products_per_store=30)
    async with SimServer(config) as sim, aiohttp.ClientSession() as session:
        sim.state.sink("raw").configure({"limit": 1000, "window": 1.0})
        stores = [sim.shop_url("store-0"), sim.shop_url("store-1")]
        poller = RawPoller(session, stores, f"{sim.base_url}/sink/raw/raw", interval=0.5)
        tasks = [asyncio.create_task(poller.run_store(url, 0.0)) for url in stores]
        try:
            await asyncio.wait_for(poller.baseline_done.wait(), 5)
            await asyncio.sleep(0.6)
            assert sim.state.sink("raw").messages == []  # the baseline announces nothing
            handle = sim.state.shop("store-1").products[0].handle
            sim.state.shop_drop("store-0", handle="fresh-drop", sizes=["9", "10"], price="150.00")
            sim.state.shop_price("store-1", handle, "999.00")
            await _wait(lambda: len(sim.state.sink("raw").messages) >= 2, 5)
            await asyncio.sleep(1.2)  # two more polls: nothing new may arrive
        finally:
            for t in tasks:
                t.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*tasks)
        bodies = sorted(
            (m["body"]["store"], m["body"]["handle"], m["body"]["kind"])
            for m in sim.state.sink("raw").messages
        )
        assert bodies == [("store-0", "fresh-drop", "new_product"), ("store-1", handle, "price_change")]
        assert poller.counters.errors == 0
        assert poller.counters.alerts_sent == 2
