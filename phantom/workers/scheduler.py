"""The one scheduler that drives every store's polls at its own interval.

A heap of due times instead of a sleeping task per store: one timer for the whole process, and a slow
poll of one store never delays another (each poll runs as its own task).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import structlog

from phantom.domain.health import StoreHealth
from phantom.domain.models import Platform
from phantom.domain.ports import ProductSource, StoreSource
from phantom.domain.stores import Store
from phantom.workers.store_monitor import MonitorDeps, StoreMonitor

log = structlog.get_logger()

PollFn = Callable[[], Awaitable[float]]


@dataclass(order=True, slots=True)
class _Entry:
    due: float
    seq: int
    key: tuple[str, str] = field(compare=False)  # (store id, "" | handle)
    generation: int = field(compare=False)


class Scheduler:
    """Implements the MonitorControl port for services and the API."""

    def __init__(
        self,
        *,
        sources: dict[Platform, StoreSource],
        product_sources: dict[Platform, ProductSource],
        deps: MonitorDeps,
        monotonic: Callable[[], float],
    ) -> None:
        self._sources = sources
        self._product_sources = product_sources
        self._deps = deps
        self._monotonic = monotonic
        self._monitors: dict[str, StoreMonitor] = {}
        self._generation: dict[tuple[str, str], int] = {}
        self._heap: list[_Entry] = []
        self._seq = itertools.count()
        self._wake = asyncio.Event()
        self._running: set[asyncio.Task[None]] = set()
        self._stopped = False

    # ---- MonitorControl ------------------------------------------------------------------------------

    def watch(self, store: Store) -> None:
        old = self._monitors.get(store.id)
        monitor = StoreMonitor(
            store, self._sources[store.platform], self._product_sources.get(store.platform), self._deps
        )
        if old is not None:
            monitor.adopt(old)
        self._monitors[store.id] = monitor
        self._invalidate(store.id)  # a handle dropped from the watch list must not keep its old entry
        now = self._monotonic()
        # A random phase spreads thousands of stores evenly over their interval instead of a thundering herd.
        self._push((store.id, ""), now + random.uniform(0, store.interval))
        for handle in store.watch_handles:
            interval = store.watch_interval or store.interval
            self._push((store.id, handle), now + random.uniform(0, interval))
        self._wake.set()

    def unwatch(self, store_id: str) -> None:
        if self._monitors.pop(store_id, None) is not None:
            self._invalidate(store_id)

    def health(self, store_id: str) -> StoreHealth | None:
        monitor = self._monitors.get(store_id)
        return monitor.health if monitor else None

    def monitors(self) -> list[StoreMonitor]:
        return list(self._monitors.values())

    # ---- loop ----------------------------------------------------------------------------------------

    def _invalidate(self, store_id: str) -> None:
        for key in [k for k in self._generation if k[0] == store_id]:
            self._generation[key] += 1  # queued (and in-flight) entries of the old generation are dropped

    def _push(self, key: tuple[str, str], due: float) -> None:
        gen = self._generation.get(key, 0) + 1
        self._generation[key] = gen
        heapq.heappush(self._heap, _Entry(due, next(self._seq), key, gen))

    async def run(self) -> None:
        try:
            while not self._stopped:
                if not self._heap:
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                delay = self._heap[0].due - self._monotonic()
                if delay > 0:
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=delay)
                    continue
                entry = heapq.heappop(self._heap)
                if self._generation.get(entry.key) != entry.generation:
                    continue  # superseded by a watch()/unwatch()
                task = asyncio.create_task(self._run_poll(entry))
                self._running.add(task)
                task.add_done_callback(self._running.discard)
        finally:
            await self._cancel_running()

    async def _run_poll(self, entry: _Entry) -> None:
        store_id, handle = entry.key
        monitor = self._monitors.get(store_id)
        if monitor is None or self._generation.get(entry.key) != entry.generation:
            return  # unwatched or re-watched since this poll was queued
        interval = (
            (monitor.store.watch_interval or monitor.store.interval) if handle else monitor.store.interval
        )
        try:
            delay = await (monitor.poll_watched(handle) if handle else monitor.poll_catalogue())
        except Exception:  # loop boundary: one store's bug never stops the others
            log.exception("poll_crashed", store=monitor.store.name)
            self._deps.metrics.error("crash")
            delay = min(interval * 4, self._deps.max_backoff)
        if self._generation.get(entry.key) != entry.generation or self._stopped:
            return
        now = self._monotonic()
        hold = monitor.ready_in()
        if hold > 0:  # Retry-After: not one request before it expires (nor before a longer block back-off)
            due = now + max(hold, delay)
        elif delay <= interval * 1.5:
            # Regular period: advance from the planned time, not the finish time, so the period holds.
            due = max(entry.due + delay, now)
        else:  # back-off: counted from now
            due = now + delay
        new_entry = _Entry(due, next(self._seq), entry.key, entry.generation)
        heapq.heappush(self._heap, new_entry)
        if self._heap[0] is new_entry:
            self._wake.set()

    def stop(self) -> None:
        self._stopped = True
        self._wake.set()

    async def _cancel_running(self) -> None:
        for task in list(self._running):
            task.cancel()
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)
