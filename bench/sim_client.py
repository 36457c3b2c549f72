"""A small client for the sim's control API and webhook sinks (`phantom/sim/control.py`)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, cast

import aiohttp

from bench.scenario import PlannedChange, Seed

# The benchmark measures Phantom, not Discord's 5-per-2-s bucket: sinks get a bucket no run can empty.
SINK_LIMIT = 1_000_000
SINK_WINDOW = 1.0


class SimError(RuntimeError):
    """The sim refused a control call."""


class SimClient:
    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self._session = session
        self.base_url = base_url.rstrip("/")

    def shop_url(self, store: str) -> str:
        return f"{self.base_url}/shop/{store}"

    def sink_url(self, name: str) -> str:
        """Discord-like execute-webhook URL (Phantom's channel)."""
        return f"{self.base_url}/sink/{name}/webhooks/1/token"

    def raw_sink_url(self, name: str) -> str:
        """Any-JSON sink (the raw poller's alerts)."""
        return f"{self.base_url}/sink/{name}/raw"

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        async with self._session.request(method, f"{self.base_url}/_control{path}", json=body) as resp:
            payload = await resp.json(content_type=None)
            if resp.status != 200:
                raise SimError(f"{method} {path}: {resp.status} {payload}")
            return payload

    async def ready(self, max_wait: float = 15.0) -> None:
        """Wait until the control API answers (bounded by `max_wait`)."""
        deadline = asyncio.get_running_loop().time() + max_wait
        while True:
            try:
                await self._call("GET", "/stores")
                return
            except (aiohttp.ClientError, SimError):
                if asyncio.get_running_loop().time() > deadline:
                    raise
            await asyncio.sleep(0.1)

    async def create_stores(self, count: int, products: int, prefix: str = "bench-") -> list[str]:
        body = {"platform": "shopify", "count": count, "products": products, "prefix": prefix}
        reply = await self._call("POST", "/stores", body)
        return [str(n) for n in reply["stores"]]

    async def apply(self, store: str, op: str, body: dict[str, Any]) -> dict[str, Any]:
        return cast(dict[str, Any], await self._call("POST", f"/shop/{store}/{op}", body))

    async def make_change(self, change: PlannedChange) -> float:
        """Apply one planned change now; returns the sim's `visible_at`."""
        reply = await self.apply(change.store, change.op, change.body())
        return float(reply["visible_at"])

    async def seed(self, seeds: Sequence[Seed], concurrency: int = 32) -> None:
        async def one(s: Seed) -> None:
            body = {"handle": s.handle, "title": s.title, "sizes": list(s.sizes), "price": s.price}
            await self.apply(s.store, "drop", {**body, "available": s.available})

        await _bounded(concurrency, [one(s) for s in seeds])

    async def set_churn(self, stores: Sequence[str], enabled: bool, concurrency: int = 32) -> None:
        await _bounded(concurrency, [self.apply(s, "churn", {"enabled": enabled}) for s in stores])

    async def configure_sink(self, name: str, limit: int = SINK_LIMIT, window: float = SINK_WINDOW) -> None:
        await self._call("POST", f"/sink/{name}", {"mode": "none", "limit": limit, "window": window})

    async def messages(self, name: str) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], await self._call("GET", f"/sink/{name}/messages"))


async def _bounded(concurrency: int, coros: Sequence[Any]) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def run(coro: Any) -> None:
        async with gate:
            await coro

    await asyncio.gather(*(run(c) for c in coros))
