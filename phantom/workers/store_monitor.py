"""One store's monitor, after Home Assistant's DataUpdateCoordinator.

Each StoreMonitor holds everything about its store (source cache, last snapshot, health, back-off) and
nothing about any other store, so stores can later be shared out across worker processes.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import structlog

from phantom.domain.diff import merge_watched
from phantom.domain.errors import StoreBlocked, StoreError, StoreRateLimited
from phantom.domain.events import StoredEvent
from phantom.domain.health import HealthStatus, StoreHealth
from phantom.domain.models import Product, Snapshot
from phantom.domain.notifications import OutboxItem
from phantom.domain.ports import (
    Clock,
    FetchResult,
    IdFactory,
    Metrics,
    ProductSource,
    SourceCache,
    StoreSource,
    UnitOfWorkFactory,
)
from phantom.domain.stores import Store
from phantom.services.monitoring import load_last_snapshot, record_snapshot

log = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class MonitorDeps:
    """What every store monitor shares: injected once by the engine."""

    uow_factory: UnitOfWorkFactory
    clock: Clock
    ids: IdFactory
    metrics: Metrics
    on_events: Callable[[Store, list[StoredEvent], Sequence[OutboxItem]], None]  # publish + hand alerts over
    on_health: Callable[[Store, StoreHealth], None]
    jitter: float = 0.05
    max_backoff: float = 300.0
    blocked_backoff: float = 900.0


class StoreMonitor:
    def __init__(
        self, store: Store, source: StoreSource, product_source: ProductSource | None, deps: MonitorDeps
    ) -> None:
        self.store = store
        self.health = StoreHealth()
        self._source = source
        self._product_source = product_source
        self._deps = deps
        self._cache = SourceCache()
        self._handle_caches: dict[str, SourceCache] = {}
        self._watched: dict[str, Product] = {}
        self._catalogue: Snapshot | None = None  # last catalogue as fetched (before watched overlay)
        self._previous: Snapshot | None = None  # last processed snapshot (what the next diff compares to)
        self._loaded = False
        self._lock = asyncio.Lock()  # catalogue and watched-product updates of this store are serialised
        self._not_before = 0.0  # monotonic time before which no request may go to this store (Retry-After)

    def adopt(self, old: StoreMonitor) -> None:
        """Take over a previous monitor of the same store (its settings changed): health, a running
        Retry-After hold and the last snapshot carry over; the source cache only if the URL is the same."""
        self.health = old.health
        self._not_before = old._not_before
        self._previous, self._loaded = old._previous, old._loaded
        if old.store.url == self.store.url and old.store.platform is self.store.platform:
            self._cache = old._cache
            self._catalogue = old._catalogue
            kept = set(self.store.watch_handles)
            self._watched = {h: p for h, p in old._watched.items() if h in kept}
            self._handle_caches = {h: c for h, c in old._handle_caches.items() if h in kept}

    # ---- scheduling ----------------------------------------------------------------------------------

    def ready_in(self) -> float:
        """Seconds until a request to this store is allowed (Retry-After still running)."""
        return max(0.0, self._not_before - self._deps.clock.monotonic())

    def _next_delay(self, interval: float) -> float:
        j = self._deps.jitter
        return interval * random.uniform(1 - j, 1 + j)

    def _failure_delay(self, exc: StoreError) -> float:
        interval = self.store.interval
        if isinstance(exc, StoreRateLimited):
            return max(exc.retry_after, interval)
        if isinstance(exc, StoreBlocked):
            return max(self._deps.blocked_backoff, exc.retry_after or 0.0)
        backoff = min(interval * 2 ** min(self.health.errors, 16), self._deps.max_backoff)
        return random.uniform(backoff / 2, backoff)

    # ---- polls ---------------------------------------------------------------------------------------

    async def poll_catalogue(self) -> float:
        """One catalogue poll; returns the delay until the next one."""
        wait = self.ready_in()
        if wait > 0:
            return wait
        if not self._loaded:
            self._previous = await load_last_snapshot(self.store.id, uow_factory=self._deps.uow_factory)
            self._loaded = True
        started = self._deps.clock.monotonic()
        try:
            result = await self._source.fetch(self.store, self._cache)
        except StoreError as exc:
            return self._failed(exc)
        latency_ms = (self._deps.clock.monotonic() - started) * 1000
        self._succeeded(result, latency_ms)
        if result.snapshot is not None:
            async with self._lock:
                self._catalogue = result.snapshot
                await self._process(merge_watched(result.snapshot, self._watched), result)
        return self._next_delay(self.store.interval)

    async def poll_watched(self, handle: str) -> float:
        """One close poll of a watched product; returns the delay until the next one."""
        interval = self.store.watch_interval or self.store.interval
        wait = self.ready_in()
        if wait > 0 or self._product_source is None:
            return max(wait, interval)
        cache = self._handle_caches.setdefault(handle, SourceCache())
        try:
            product = await self._product_source.fetch_product(self.store, handle, cache)
        except StoreError as exc:
            return max(self._failed(exc), interval)
        self._deps.metrics.requests(1)
        if product is None:
            return self._next_delay(interval)
        async with self._lock:
            self._watched[handle] = product
            base = self._catalogue or self._previous
            if base is not None and self._loaded:  # before the catalogue baseline there is nothing to diff
                await self._process(merge_watched(base, self._watched), None)
        return self._next_delay(interval)

    async def _process(self, current: Snapshot, result: FetchResult | None) -> None:
        try:
            outcome = await record_snapshot(
                self.store,
                self._previous,
                current,
                uow_factory=self._deps.uow_factory,
                clock=self._deps.clock,
                ids=self._deps.ids,
                changed_at=result.changed_at if result else None,
            )
        except Exception:
            # Loop boundary: the change is not lost — forget the cache so the next poll fetches in full and
            # diffs again against the last snapshot that did commit.
            log.exception("snapshot_processing_failed", store=self.store.name)
            self._cache = SourceCache()
            self._handle_caches.clear()
            self._deps.metrics.error("processing")
            return
        self._previous = outcome.snapshot
        if outcome.events:
            self._deps.on_events(self.store, outcome.events, outcome.alerts)

    def _succeeded(self, result: FetchResult, latency_ms: float) -> None:
        metrics = self._deps.metrics
        metrics.requests(result.requests)
        if result.not_modified:
            metrics.poll("not_modified")
        elif result.hash_skip:
            metrics.poll("hash_skip")
        else:
            metrics.poll("changed" if result.snapshot is not None else "unchanged")
        recovered = self.health.record_success(
            at=self._deps.clock.now(),
            latency_ms=latency_ms,
            not_modified=result.not_modified,
            hash_skip=result.hash_skip,
        )
        if recovered:
            log.info("store_recovered", store=self.store.name, url=self.store.url)
            self._deps.on_health(self.store, self.health)

    def _failed(self, exc: StoreError) -> float:
        delay = self._failure_delay(exc)
        retry_until = None
        hold = exc.retry_after if isinstance(exc, StoreRateLimited | StoreBlocked) else None
        if hold is not None:
            self._not_before = self._deps.clock.monotonic() + hold
            retry_until = self._deps.clock.now() + timedelta(seconds=hold)
        kind = type(exc).__name__
        self._deps.metrics.poll("error")
        self._deps.metrics.error(kind)
        before = self.health.status
        started_spell = self.health.record_failure(
            error=str(exc), blocked=isinstance(exc, StoreBlocked), retry_after_until=retry_until
        )
        # Log once per unhealthy spell (and once more if it worsens to blocked), never once per failed poll.
        if started_spell or self.health.status is not before:
            log.warning(
                "store_blocked" if self.health.status is HealthStatus.BLOCKED else "store_unhealthy",
                store=self.store.name,
                url=self.store.url,
                error=str(exc),
                kind=kind,
            )
            self._deps.on_health(self.store, self.health)
        return delay
