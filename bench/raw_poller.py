"""The baseline: the field's naive poller, as lean as such a poller gets.

One asyncio process, one aiohttp session. Every interval it fetches each store's whole
`products.json?limit=250&page=1..` (no conditional headers, no body hashing), decodes it with msgspec into
typed Structs declaring only the fields it needs, diffs availability, new products and prices against its
previous decode, and POSTs `{store, handle, kind, sizes}` to a sink for each change. The first poll of a
store is its baseline and announces nothing.

    python -m bench.raw_poller --stores-file F --sink URL --interval 2 --duration 120

On exit it prints one JSON line of counters to stdout; once every store has its baseline it prints
`{"event": "baseline_done", ...}` (the benchmark waits for that line).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import random
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import msgspec

PAGE_LIMIT = 250
MAX_PAGES = 10
ALERT_TRIES = 5


class RawVariant(msgspec.Struct, frozen=True):
    id: int
    title: str
    available: bool
    price: str


class RawProduct(msgspec.Struct, frozen=True):
    id: int
    handle: str
    variants: list[RawVariant]


class RawPage(msgspec.Struct):
    products: list[RawProduct]


class RawAlert(msgspec.Struct):
    store: str
    handle: str
    kind: str
    sizes: list[str]


_decoder = msgspec.json.Decoder(RawPage)
_encoder = msgspec.json.Encoder()


def _min_price(p: RawProduct) -> int | None:
    return min((round(float(v.price) * 100) for v in p.variants), default=None)


def diff_products(store: str, old: dict[int, RawProduct], new: dict[int, RawProduct]) -> list[RawAlert]:
    """What changed between two decodes of one store: new products, restocks, sell-outs, prices."""
    alerts = []
    for pid, product in new.items():
        before = old.get(pid)
        if before is None:
            sizes = [v.title for v in product.variants if v.available]
            alerts.append(RawAlert(store, product.handle, "new_product", sizes))
            continue
        if before == product:
            continue
        was = {v.id: v.available for v in before.variants}
        back = [v.title for v in product.variants if v.available and was.get(v.id) is False]
        gone = [v.title for v in product.variants if not v.available and was.get(v.id) is True]
        if back:
            alerts.append(RawAlert(store, product.handle, "restock", back))
        if gone:
            alerts.append(RawAlert(store, product.handle, "sold_out", gone))
        if _min_price(before) != _min_price(product):
            alerts.append(RawAlert(store, product.handle, "price_change", []))
    return alerts


@dataclass(slots=True)
class Counters:
    polls: int = 0
    errors: int = 0
    requests: int = 0
    bytes: int = 0
    alerts_sent: int = 0
    alerts_failed: int = 0
    late_ticks: int = 0


@dataclass(slots=True)
class RawPoller:
    session: aiohttp.ClientSession
    stores: Sequence[str]  # base URLs, e.g. http://127.0.0.1:8800/shop/bench-0
    sink: str
    interval: float
    counters: Counters = field(default_factory=Counters)
    baselines: int = 0
    baseline_done: asyncio.Event = field(default_factory=asyncio.Event)

    async def run_store(self, url: str, first_delay: float) -> None:
        name = url.rstrip("/").rsplit("/", 1)[-1]
        previous: dict[int, RawProduct] | None = None
        await asyncio.sleep(first_delay)
        next_at = time.monotonic()
        while True:
            current = await self._fetch(url)
            if current is not None:
                if previous is None:
                    self._baseline()
                else:
                    for alert in diff_products(name, previous, current):
                        await self._send(alert)
                previous = current
            next_at += self.interval
            delay = next_at - time.monotonic()
            if delay < 0:  # behind schedule: poll again now and start a fresh schedule
                self.counters.late_ticks += 1
                next_at, delay = time.monotonic(), 0.0
            await asyncio.sleep(delay)

    def _baseline(self) -> None:
        self.baselines += 1
        if self.baselines == len(self.stores):
            self.baseline_done.set()

    async def _fetch(self, url: str) -> dict[int, RawProduct] | None:
        products: dict[int, RawProduct] = {}
        self.counters.polls += 1
        try:
            for page in range(1, MAX_PAGES + 1):
                async with self.session.get(
                    f"{url}/products.json", params={"limit": PAGE_LIMIT, "page": page}
                ) as resp:
                    body = await resp.read()
                    self.counters.requests += 1
                    self.counters.bytes += len(body)
                    if resp.status != 200:
                        raise aiohttp.ClientResponseError(resp.request_info, (), status=resp.status)
                decoded = _decoder.decode(body).products
                products.update((p.id, p) for p in decoded)
                if len(decoded) < PAGE_LIMIT:
                    break
        except (aiohttp.ClientError, TimeoutError, msgspec.DecodeError):
            self.counters.errors += 1
            return None
        return products

    async def _send(self, alert: RawAlert) -> None:
        body = _encoder.encode(alert)
        headers = {"Content-Type": "application/json"}
        for _ in range(ALERT_TRIES):
            try:
                async with self.session.post(self.sink, data=body, headers=headers) as resp:
                    await resp.read()
                    if resp.status < 300:
                        self.counters.alerts_sent += 1
                        return
                    retry = float(resp.headers.get("Retry-After", "1")) if resp.status == 429 else 0.5
            except (aiohttp.ClientError, TimeoutError):
                retry = 0.5
            await asyncio.sleep(min(retry, 5.0))
        self.counters.alerts_failed += 1


async def run(
    stores: Sequence[str], sink: str, interval: float, duration: float, concurrency: int
) -> Counters:
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=0)
    timeout = aiohttp.ClientTimeout(total=10)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        poller = RawPoller(session, stores, sink, interval)
        rng = random.Random(7)
        tasks = [asyncio.create_task(poller.run_store(u, rng.uniform(0, interval))) for u in stores]
        announce = asyncio.create_task(_announce(poller))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=duration)
        for t in [*tasks, announce]:
            t.cancel()
        await asyncio.gather(*tasks, announce, return_exceptions=True)
    return poller.counters


async def _announce(poller: RawPoller) -> None:
    await poller.baseline_done.wait()
    print(json.dumps({"event": "baseline_done", "stores": len(poller.stores), "t": time.time()}), flush=True)


def read_stores(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.raw_poller", description=__doc__.split("\n")[0])
    parser.add_argument("--stores-file", type=Path, required=True, help="one store base URL per line")
    parser.add_argument("--sink", required=True, help="URL alerts are POSTed to")
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--duration", type=float, default=3600.0, help="seconds, or until SIGTERM")
    parser.add_argument("--concurrency", type=int, default=100, help="connection pool size")
    args = parser.parse_args(argv)
    stores = read_stores(args.stores_file)
    counters = asyncio.run(run(stores, args.sink, args.interval, args.duration, args.concurrency))
    print(json.dumps({"event": "done", **dataclasses.asdict(counters)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
