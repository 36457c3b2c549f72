"""kill -9 of Phantom mid-delivery, 20 times, then a clean run: every alert ends sent exactly once or
visibly failed, and nothing is announced twice."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import aiohttp
import pytest

from phantom.sim.server import SimConfig, SimServer
from tests.e2e.support import embeds, free_port, wait_for

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

KILLS = int(os.environ.get("PHANTOM_KILLS", "20"))
SHOPS = ["store-0", "store-1", "store-2"]
EVENT_ID = re.compile(r"event ([0-9a-zA-Z]+)")


def _config(sim: SimServer, tmp: Path) -> Path:
    stores = "\n".join(f'[[stores]]\nurl = "{sim.shop_url(n)}"\ninterval = 0.5\n' for n in SHOPS)
    path = tmp / "phantom.toml"
    path.write_text(
        f'log_level = "warning"\n[database]\nurl = "sqlite+aiosqlite:///{tmp / "crash.db"}"\n'
        f"[monitor]\nlimit_per_host = 16\njitter = 0.0\n\n{stores}\n"
        f'[[notifications]]\nkind = "discord"\nurl = "{sim.sink_url("crash")}"\n'
        f'events = ["new_product", "restock", "sold_out", "price_change"]\n'
    )
    return path


async def _start(config: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(  # noqa: ASYNC220 - a Popen handle is what kill -9 needs
        [sys.executable, "-m", "phantom.cli", "serve", "--config", str(config), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    async with aiohttp.ClientSession() as http:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                async with http.get(f"http://127.0.0.1:{port}/health") as resp:
                    if resp.status == 200:
                        return proc
            except aiohttp.ClientError:
                pass
            if proc.poll() is not None:
                raise AssertionError(f"phantom exited with {proc.returncode}")
            await asyncio.sleep(0.1)
    proc.kill()
    raise AssertionError("phantom did not come up")


def _change(sim: SimServer, rng: random.Random, drops: list[tuple[str, str]]) -> None:
    shop = rng.choice(SHOPS)
    if not drops or rng.random() < 0.4:
        result = sim.state.shop_drop(shop, sizes=["8", "9", "10", "11"])
        drops.append((shop, result["product"]["handle"]))
        return
    shop, handle = rng.choice(drops)
    op = rng.choice(["sold_out", "restock", "price"])
    if op == "price":
        sim.state.shop_price(shop, handle, f"{rng.randint(90, 250)}.00")
    elif op == "sold_out":
        sim.state.shop_sold_out(shop, handle, [rng.choice(["8", "9", "10", "11"])])
    else:
        sim.state.shop_restock(shop, handle)


async def test_kill_nine_mid_delivery(tmp_path: Path) -> None:
    rng = random.Random(7)
    async with SimServer(
        SimConfig(shopify_stores=len(SHOPS), footsites_stores=0, products_per_store=40)
    ) as sim:
        sim.state.sink("crash").configure({"mode": "slow", "delay": 0.25, "limit": 1000, "window": 1})
        config = _config(sim, tmp_path)
        drops: list[tuple[str, str]] = []
        db = tmp_path / "crash.db"
        for round_ in range(KILLS):
            proc = await _start(config, free_port())
            if round_ == 0:  # changes before the baseline would be part of it, not events
                await wait_for(lambda: _states(db) == len(SHOPS), timeout=20, what="the baseline")
            for _ in range(rng.randint(2, 4)):
                _change(sim, rng, drops)
            seen = len(sim.state.sink("crash").messages)
            # A change may not be routed (e.g. a price that did not change): kill anyway after the wait.
            with contextlib.suppress(AssertionError):
                await wait_for(
                    lambda s=seen: len(sim.state.sink("crash").messages) > s, timeout=10, what="a delivery"
                )
            await asyncio.sleep(rng.uniform(0.0, 0.3))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)

        started = time.time()
        proc = await _start(config, free_port())
        try:
            # Changes made just before the last kill are only seen by this run's polls: wait for two polls of
            # every store after the restart before waiting for the outbox to drain.
            await wait_for(
                lambda: all(len(sim.state.requests(n, since=started)) >= 2 for n in SHOPS),
                timeout=30,
                what="every store polled after the restart",
            )
            await wait_for(lambda: _pending(db) == 0, timeout=60, what="the outbox to drain")
        finally:
            proc.terminate()
            proc.wait(timeout=15)

    rows = _outbox(db)
    assert rows, "the scenario produced alerts"
    statuses = Counter(status for _, status, _ in rows)
    assert set(statuses) <= {"sent", "failed"}, statuses
    received = Counter(
        m for e in embeds(sim, "crash") for m in EVENT_ID.findall(e.get("footer", {}).get("text", ""))
    )
    assert all(count == 1 for count in received.values()), "an alert reached the channel twice"
    for event_id, status, error in rows:
        if status == "sent":
            assert received[event_id] == 1, f"{event_id} marked sent but not received exactly once"
        else:
            assert error, "a failed alert says why"
    assert set(received) <= {event_id for event_id, _, _ in rows}, "a message without an outbox row"
    new_products = _count(db, "new_product")
    assert new_products == len(drops), (
        f"{new_products} new_product events for {len(drops)} drops (re-announced?)"
    )
    print(f"\nkill -9 x{KILLS}: {len(rows)} alerts, {dict(statuses)}, {sum(received.values())} received")


def _pending(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(
            conn.execute("select count(*) from outbox where status in ('pending', 'sending')").fetchone()[0]
        )


def _states(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from store_state").fetchone()[0])


def _outbox(db: Path) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute("select event_id, status, last_error from outbox"))


def _count(db: Path, kind: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from event where kind = ?", (kind,)).fetchone()[0])
