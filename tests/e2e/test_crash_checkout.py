"""Never twice: kill -9 `phantom serve` at each step of a browser-mode checkout, restart, and count orders.

Each round arms a crash point (phantom/core/crashpoints.py) that SIGKILLs the server exactly at one step of
the first attempt it reaches: before the attempt row is committed, right after it is committed, or after
the order was submitted but before the result was recorded. The restarted server recovers: it runs the
task again when nothing was submitted, and reconciles with the store (the checkout URL leads to its order)
when something was. Afterwards the sim store must hold at most one order per attempt key and exactly one
order per task, every time.

`PHANTOM_CHECKOUT_KILLS` sets the rounds per step (default 3; the closing note's figure used 50).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from phantom.sim.server import SimConfig, SimServer
from tests.e2e.served import free_port

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/usr/bin/chromium").is_file(), reason="needs /usr/bin/chromium"),
]

KILLS = int(os.environ.get("PHANTOM_CHECKOUT_KILLS", "3"))
POINTS = ("before_attempt_commit", "after_attempt_commit", "after_submit")
SHOP = "store-0"
PROFILE: dict[str, Any] = {
    "name": "Main",
    "email": "ana@example.com",
    "shipping": {
        "first_name": "Ana",
        "last_name": "Lima",
        "address1": "1 Main St",
        "city": "New York",
        "province": "NY",
        "zip": "10001",
        "country_code": "US",
    },
    "card": {
        "holder": "Ana Lima",
        "number": "4111111111111111",
        "exp_month": 12,
        "exp_year": 2031,
        "cvv": "123",
    },
}


def _config(sim: SimServer, tmp: Path) -> Path:
    path = tmp / "phantom.toml"
    path.write_text(
        f'log_level = "warning"\n[database]\nurl = "sqlite+aiosqlite:///{tmp / "checkout.db"}"\n'
        f"[monitor]\njitter = 0.0\n[checkout]\nbrowser_headless = true\nstep_timeout = 20\n\n"
        f'[[stores]]\nurl = "{sim.shop_url(SHOP)}"\ninterval = 1.0\n'
    )
    return path


class Server:
    def __init__(self, config: Path, point: str, marker: Path) -> None:
        self.config = config
        self.env = {**os.environ, "PHANTOM_CRASH_AT": point, "PHANTOM_CRASH_MARKER": str(marker)}
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.log = config.with_name("serve.log")

    async def start(self) -> None:
        """Start on a free port; try another port when the one picked was taken meanwhile (the machine is
        busy with other servers and browsers), and say what the server printed when it cannot start."""
        for _ in range(3):
            if await self._start_once():
                return
        raise AssertionError(f"phantom did not start:\n{self.log.read_text()[-3000:]}")

    async def _start_once(self) -> bool:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(  # noqa: ASYNC220 - a Popen handle is what kill -9 needs
                [
                    sys.executable,
                    "-m",
                    "phantom.cli",
                    "serve",
                    "--config",
                    str(self.config),
                    "--port",
                    str(port),
                ],
                stdout=log,
                stderr=log,
                env=self.env,
            )
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    async with http.get(f"{self.url}/health") as resp:
                        if resp.status == 200:
                            return True
                except aiohttp.ClientError:
                    pass
                if self.proc.poll() is not None:
                    return False
                await asyncio.sleep(0.1)
        self.proc.kill()
        self.proc.wait(timeout=10)
        return False

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


def _token(config: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "phantom.cli", "token", "rotate", "--config", str(config)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return out.stdout.strip().splitlines()[-1]


async def _api(http: aiohttp.ClientSession, method: str, url: str, status: int, **kw: Any) -> Any:
    async with http.request(method, url, **kw) as r:
        body = await r.json()
        assert r.status == status, body
        return body


async def _wait(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


@pytest.mark.parametrize("point", POINTS)
async def test_kill_nine_at_each_checkout_step_never_orders_twice(tmp_path: Path, point: str) -> None:
    async with SimServer(SimConfig(shopify_stores=1, footsites_stores=0, products_per_store=4)) as sim:
        sim.state.shop_checkout(SHOP, {"step_delay_ms": 0})
        drop = sim.state.shop_drop(SHOP, title="Nike Dunk Low - Panda", sizes=["10"])
        variant_id = str(drop["product"]["variants"][0]["id"])
        config = _config(sim, tmp_path)
        marker = tmp_path / "crashed"
        server = Server(config, point, marker)
        marker.write_text("disarmed for set-up")
        await server.start()
        server.stop()
        headers = {"Authorization": f"Bearer {_token(config)}"}
        await server.start()
        task_ids: list[str] = []
        kills = 0
        try:
            async with aiohttp.ClientSession(headers=headers) as http:
                stores = await _api(http, "GET", f"{server.url}/api/stores", 200)
                store_id = (stores["items"] if isinstance(stores, dict) else stores)[0]["id"]
                profile = await _api(http, "POST", f"{server.url}/api/profiles", 201, json=PROFILE)

                async def settled(task_id: str) -> bool:
                    try:
                        task = await _api(http, "GET", f"{server.url}/api/tasks/{task_id}", 200)
                    except aiohttp.ClientError:
                        return False
                    return task["status"] in {"success", "needs_action", "failed"}

                async def dead() -> bool:
                    return not server.alive()

                async def baseline() -> bool:
                    products = await _api(http, "GET", f"{server.url}/api/products", 200)
                    return bool(products["items"])

                await _wait(baseline, 30, "the baseline poll")
                for _ in range(KILLS):
                    body = {
                        "store": store_id,
                        "variant_id": variant_id,
                        "mode": "browser",
                        "profile": profile["id"],
                    }
                    task = await _api(http, "POST", f"{server.url}/api/tasks", 201, json=body)
                    task_ids.append(task["id"])
                    marker.unlink()  # arm: the next time this process reaches `point`, it dies there
                    await _api(http, "POST", f"{server.url}/api/tasks/{task['id']}/start", 200)
                    await _wait(dead, 60, f"the kill at {point}")
                    assert marker.read_text() == point
                    kills += 1
                    await server.start()  # the marker stays: this run recovers without dying
                    try:
                        await _wait(
                            lambda t=task["id"]: settled(t), 60, "the task to settle after the restart"
                        )
                    except AssertionError as exc:
                        raise AssertionError(
                            f"{exc}; server log:\n{server.log.read_text()[-3000:]}"
                        ) from None

                finals = [await _api(http, "GET", f"{server.url}/api/tasks/{t}", 200) for t in task_ids]
        finally:
            server.stop()

        orders = sim.state.shop_orders(SHOP)
        per_key = Counter(o["attributes"].get("_phantom_attempt") for o in orders)
        assert all(n == 1 for n in per_key.values()), f"an attempt key ordered twice: {per_key}"
        per_task = Counter(str(key).rsplit("-", 1)[0] for key in per_key)
        statuses = Counter(t["status"] for t in finals)
        assert statuses == {"success": KILLS}, statuses
        assert per_task == dict.fromkeys(task_ids, 1), f"orders per task: {per_task}"
        for t in finals:
            numbers = [a["status"] for a in t["checkout_attempts"]]
            assert numbers.count("succeeded") == 1, numbers
        print(
            f"\nkill -9 at {point} x{kills}: {len(orders)} orders for {len(task_ids)} tasks, attempts per task: "
            f"{Counter(len(t['checkout_attempts']) for t in finals)}"
        )
