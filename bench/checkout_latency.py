"""`python -m bench.checkout_latency [--drops 60] [--stores 4]`

Detection-to-link latency of the Shopify assist checkout (target: p95 <= 50 ms). Starts the sim and a real
`phantom serve` (fresh SQLite, stores polled every 0.5 s, `checkout.open_browser = false`), creates a
profile and an assist rule over the API, listens on /ws with the admin token, drops products one by one
and pairs each with its new_product event, checkout_link message, checkout attempt and Discord embed.
Prints a table and writes bench/results/<time>-checkout.json; exit status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bench import procs
from bench.checkout_timing import TARGET_MS, Drop, Received, match_drops, measures, passed, summarise, table
from bench.harness import SIM_CPU, Harness, cpus, harness
from bench.phantom_proc import PhantomConfig, first_run_token
from bench.report import RESULTS_DIR, machine

SINK = "checkout"
KEYWORDS = "latency probe"
CHECKOUT_TOML = "[checkout]\nopen_browser = false\n"
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=15)
PROFILE = {
    "name": "Bench",
    "email": "bench@example.com",
    "phone": "+15555550100",
    "shipping": {
        "first_name": "Ada",
        "last_name": "Bench",
        "address1": "1 Loop Street",
        "city": "Portland",
        "province": "OR",
        "zip": "97201",
        "country_code": "US",
    },
    "card": {
        "holder": "Ada Bench",
        "number": "4111111111111111",
        "exp_month": 12,
        "exp_year": 2031,
        "cvv": "123",
    },
}


class Api:
    """Phantom's API with the admin bearer token."""

    def __init__(self, session: aiohttp.ClientSession, base: str, token: str) -> None:
        self._session, self.base = session, base
        self.headers = {"Authorization": f"Bearer {token}"}

    async def call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        async with self._session.request(
            method,
            f"{self.base}{path}",
            json=body,
            params=params or None,
            headers=self.headers,
            timeout=HTTP_TIMEOUT,
        ) as resp:
            payload = await resp.json(content_type=None)
            if resp.status >= 300:
                raise RuntimeError(f"{method} {path}: {resp.status} {payload}")
            return payload

    async def checkouts(self, max_pages: int) -> list[dict[str, Any]]:
        """Every checkout attempt, newest first (at most `max_pages` pages of 200)."""
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        for _ in range(max_pages):
            params: dict[str, Any] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
            page = await self.call("GET", "/api/checkouts", **params)
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                break
        return items


async def record(ws: aiohttp.ClientWebSocketResponse, into: list[Received]) -> None:
    """Keep every `event` message with the local receive time (taken first, before parsing)."""
    async for message in ws:
        at = time.time()
        if message.type is aiohttp.WSMsgType.TEXT:
            parsed = json.loads(message.data)
            if parsed.get("type") == "event":
                into.append(Received(at, parsed["data"]))
        elif message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            break


async def make_drops(h: Harness, stores: Sequence[str], count: int, rng: random.Random) -> list[Drop]:
    """`count` drops round-robin over `stores`, 0.3-0.5 s apart, titles unique and matching the rule."""
    run = f"{rng.randrange(16**6):06x}"
    drops: list[Drop] = []
    for i in range(count):
        store = stores[i % len(stores)]
        title = f"Latency Probe {run} {i:04d}"
        body = {"title": title, "sizes": ["9", "10", "11"], "price": 150, "available": True}
        reply = await h.client.apply(store, "drop", body)
        variants = tuple(str(v["id"]) for v in reply["product"]["variants"])
        drops.append(Drop(store, title, float(reply["visible_at"]), variants))
        await asyncio.sleep(rng.uniform(0.3, 0.5))
    return drops


async def wait_links(received: list[Received], drops: int, max_wait: float) -> None:
    """Until `drops` checkout_link messages have arrived, or `max_wait` seconds."""
    deadline = time.monotonic() + max_wait
    while time.monotonic() < deadline:
        if sum(1 for r in received if r.data.get("kind") == "checkout_link") >= drops:
            return
        await asyncio.sleep(0.1)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    procs.pin_self(cpus(SIM_CPU))  # keep the bench off Phantom's CPU
    load = [os.getloadavg()[0]]
    rng = random.Random(args.seed)
    async with harness(args.products) as h:
        stores = await h.ensure_stores(args.stores)
        await h.client.configure_sink(SINK)
        run_dir = h.tmp / "phantom"
        config = PhantomConfig(
            stores=[(s, h.client.shop_url(s)) for s in stores],
            sink_url=h.client.sink_url(SINK),
            db_path=run_dir / "phantom.db",
            data_dir=run_dir / "data",
            interval=args.interval,
            events=("new_product", "checkout_link"),
            extra_toml=CHECKOUT_TOML,
        )
        child, base = await h.start_phantom("phantom", config, ready_timeout=60)
        token = first_run_token(child.log_text())
        if token is None:
            raise RuntimeError("no first-start token in phantom's output")
        api = Api(h.session, base, token)
        profile = await api.call("POST", "/api/profiles", PROFILE)
        rule = {
            "name": "bench assist",
            "keywords": KEYWORDS,
            "events": ["new_product"],
            "mode": "assist",
            "profile": profile["id"],
        }
        await api.call("POST", "/api/rules", rule)
        received: list[Received] = []
        ws_url = base.replace("http://", "ws://", 1) + "/ws"
        async with h.session.ws_connect(ws_url, headers=api.headers, heartbeat=None) as ws:
            recorder = asyncio.create_task(record(ws, received))
            try:
                await asyncio.sleep(args.interval * 3)  # every store past its baseline poll
                print(f"{args.drops} drops over {len(stores)} stores ...", flush=True)
                drops = await make_drops(h, stores, args.drops, rng)
                await wait_links(received, len(drops), max_wait=args.interval * 4 + 10)
                await asyncio.sleep(1.0)  # late duplicates and Discord deliveries
            finally:
                recorder.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await recorder
        attempts = await api.checkouts(max_pages=args.drops // 200 + 5)
        sink = await h.client.messages(SINK)
        code = await h.stop(child)
    load.append(os.getloadavg()[0])
    timings = match_drops(drops, received, attempts, sink)
    return {
        "started_at": datetime.now(UTC).isoformat(),
        "command": " ".join(["python -m bench.checkout_latency", *sys.argv[1:]]),
        "machine": machine(),
        "drops": args.drops,
        "stores": args.stores,
        "interval": args.interval,
        "target_ms": TARGET_MS,
        "load_average": load,  # 1-minute load before and after: the machine is shared
        "phantom_exit": code,
        "summary": summarise(timings),
        "per_drop": [{"store": t.drop.store, "title": t.drop.title, **measures(t)} for t in timings],
    }


def save(result: dict[str, Any], directory: Path = RESULTS_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-checkout.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return path


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.checkout_latency",
        description="Detection-to-link latency of the Shopify assist checkout.",
    )
    p.add_argument("--drops", type=int, default=60, help="products dropped (0.3-0.5 s apart)")
    p.add_argument("--stores", type=int, default=4, help="simulated Shopify stores the drops go round")
    p.add_argument("--interval", type=float, default=0.5, help="poll interval, seconds")
    p.add_argument("--products", type=int, default=60, help="catalogue size of each simulated store")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--timeout", type=float, default=300.0, help="the whole run, seconds")
    args = p.parse_args(argv)
    if not 1 <= args.drops <= 5000 or not 1 <= args.stores <= 500:
        p.error("--drops must be 1-5000 and --stores 1-500")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    result = asyncio.run(asyncio.wait_for(run(args), args.timeout))
    print()
    print(table(result["summary"]))
    print(f"\nresults written to {save(result)}")
    return 0 if passed(result["summary"]) else 1


if __name__ == "__main__":
    sys.exit(main())
