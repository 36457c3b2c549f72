"""Scheduler: real asyncio with tiny intervals, every run bounded in time."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from phantom.domain.errors import StoreBlocked, StoreRateLimited, StoreUnavailable
from phantom.domain.health import HealthStatus
from phantom.domain.models import Platform
from phantom.domain.ports import FetchResult, SourceCache
from phantom.domain.stores import Store
from phantom.workers.scheduler import Scheduler
from tests.fakes import FakeDatabase, FakeMetrics, FakeProductSource, seed
from tests.unit.services.factories import store
from tests.unit.workers.support import RealClock, Recorder, TimedStoreSource, eventually, monitor_deps

FAST = store("s1", "https://fast.com", interval=0.02)
SLOW = store("s2", "https://slow.com", interval=0.05)


@pytest.fixture
def source() -> TimedStoreSource:
    return TimedStoreSource()


@pytest.fixture
def products() -> FakeProductSource:
    return FakeProductSource()


@pytest.fixture
def metrics() -> FakeMetrics:
    return FakeMetrics()


class HangingSource(TimedStoreSource):
    """A store that never answers (until cancelled)."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = False
        self.cancelled = False

    async def fetch(self, store: Store, cache: SourceCache) -> FetchResult:
        self.entered = True
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        return await super().fetch(store, cache)


@pytest.fixture
def scheduler(source: TimedStoreSource, products: FakeProductSource, metrics: FakeMetrics) -> Scheduler:
    return make_scheduler(source, products, metrics)


def make_scheduler(
    source: TimedStoreSource,
    products: FakeProductSource,
    metrics: FakeMetrics,
    blocked_backoff: float = 900.0,
) -> Scheduler:
    db = seed(FakeDatabase(), stores=[FAST, SLOW])
    deps = monitor_deps(
        db.uow_factory(),
        RealClock(),
        metrics,
        Recorder(),
        jitter=0.05,
        max_backoff=1.0,
        blocked_backoff=blocked_backoff,
    )
    return Scheduler(
        sources={Platform.SHOPIFY: source},
        product_sources={Platform.SHOPIFY: products},
        deps=deps,
        monotonic=time.monotonic,
    )


@asynccontextmanager
async def running(scheduler: Scheduler) -> AsyncIterator[None]:
    task = asyncio.create_task(scheduler.run())
    try:
        yield
    finally:
        scheduler.stop()
        await asyncio.wait_for(task, timeout=1.0)


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


@pytest.fixture
def hanging() -> HangingSource:
    return HangingSource()


class TestCadence:
    async def test_every_store_is_polled_at_its_own_interval(
        self, scheduler: Scheduler, source: TimedStoreSource
    ) -> None:
        scheduler.watch(FAST)
        scheduler.watch(SLOW)
        async with running(scheduler):
            await asyncio.sleep(0.5)

        # Ideal: 25 and 10 polls. Never more (a poll is never early); a loaded machine may lose a few.
        assert 15 <= source.count("s1") <= 27
        assert 6 <= source.count("s2") <= 11
        fast_gaps = gaps(source.at["s1"])
        assert 0.015 <= sum(fast_gaps) / len(fast_gaps) <= 0.03

    async def test_run_idles_without_stores_and_stops_promptly(self, scheduler: Scheduler) -> None:
        async with running(scheduler):
            await asyncio.sleep(0.05)
            scheduler.unwatch("never-watched")  # a no-op
        assert scheduler.monitors() == []

    async def test_stop_cancels_a_poll_that_hangs(self, hanging: HangingSource, metrics: FakeMetrics) -> None:
        scheduler = make_scheduler(hanging, FakeProductSource(), metrics)
        scheduler.watch(FAST)
        async with running(scheduler):
            await eventually(lambda: hanging.entered)
        assert hanging.cancelled


class TestWatchUnwatch:
    async def test_unwatch_stops_a_stores_polls(self, scheduler: Scheduler, source: TimedStoreSource) -> None:
        scheduler.watch(FAST)
        scheduler.watch(SLOW)
        async with running(scheduler):
            await eventually(lambda: source.count("s1") >= 3)
            scheduler.unwatch("s1")
            stopped_at = source.count("s1")
            slow_before = source.count("s2")
            await asyncio.sleep(0.2)

        assert source.count("s1") == stopped_at
        assert source.count("s2") >= slow_before + 2  # the other store carries on
        assert scheduler.health("s1") is None
        assert [m.store.id for m in scheduler.monitors()] == ["s2"]

    async def test_watch_again_with_a_new_interval_replaces_the_old_cadence(
        self, scheduler: Scheduler, source: TimedStoreSource
    ) -> None:
        scheduler.watch(FAST.updated(interval=0.1))
        async with running(scheduler):
            await eventually(lambda: source.count("s1") >= 1)
            scheduler.watch(FAST)  # 0.02 s now
            before = source.count("s1")
            await asyncio.sleep(0.3)
            polled = source.count("s1") - before

        # 0.3 s at 0.02 s is ~15 polls; the old 0.1 s chain, had it survived, would add 3 more.
        assert 9 <= polled <= 17

    async def test_watch_again_keeps_the_stores_health(
        self, scheduler: Scheduler, source: TimedStoreSource
    ) -> None:
        source.script("s1", StoreUnavailable("503"))
        scheduler.watch(FAST)
        async with running(scheduler):
            await eventually(lambda: source.count("s1") >= 1)
            scheduler.watch(FAST.updated(interval=0.05))
            health = scheduler.health("s1")
        assert health is not None
        assert health.total_errors == 1

    async def test_dropping_a_watched_handle_stops_its_polls(
        self, scheduler: Scheduler, products: FakeProductSource
    ) -> None:
        watched = FAST.updated(interval=0.05, watch_handles=("dunk",), watch_interval=0.02)
        scheduler.watch(watched)
        async with running(scheduler):
            await eventually(lambda: len(products.calls) >= 3)
            scheduler.watch(watched.updated(watch_handles=()))
            dropped_at = len(products.calls)
            await asyncio.sleep(0.2)

        assert len(products.calls) == dropped_at

    async def test_watched_handles_are_polled_at_the_watch_interval(
        self, scheduler: Scheduler, source: TimedStoreSource, products: FakeProductSource
    ) -> None:
        scheduler.watch(SLOW.updated(interval=0.2, watch_handles=("dunk", "aj1"), watch_interval=0.02))
        async with running(scheduler):
            await asyncio.sleep(0.4)

        per_handle = {h: sum(1 for _, x in products.calls if x == h) for h in ("dunk", "aj1")}
        assert all(10 <= n <= 21 for n in per_handle.values()), per_handle
        assert source.count("s2") <= 3


class TestContainment:
    async def test_a_crashing_poll_is_counted_and_the_store_keeps_being_polled(
        self, scheduler: Scheduler, source: TimedStoreSource, metrics: FakeMetrics
    ) -> None:
        source.script("s1", RuntimeError("parser bug"))
        scheduler.watch(FAST)
        scheduler.watch(SLOW)
        async with running(scheduler):
            await eventually(lambda: source.count("s1") >= 4)

        assert metrics.named("error") == [("crash",)]
        crash_gap = source.at["s1"][1] - source.at["s1"][0]
        assert crash_gap >= 0.08 - 0.005  # min(4 * interval, max_backoff), counted from the crash
        assert source.count("s2") >= 1

    async def test_retry_after_delays_the_next_poll_until_it_expires(
        self, scheduler: Scheduler, source: TimedStoreSource
    ) -> None:
        source.script("s1", StoreRateLimited(retry_after=0.25))
        scheduler.watch(FAST)
        async with running(scheduler):
            await eventually(lambda: source.count("s1") >= 3)
            health = scheduler.health("s1")

        first, second, third = source.at["s1"][:3]
        assert second - first >= 0.25 - 0.005
        assert third - second < 0.1  # back to the regular cadence afterwards
        assert health is not None
        assert health.status is HealthStatus.HEALTHY

    async def test_a_block_with_a_short_retry_after_still_waits_the_blocked_back_off(
        self, source: TimedStoreSource, metrics: FakeMetrics
    ) -> None:
        scheduler = make_scheduler(source, FakeProductSource(), metrics, blocked_backoff=0.3)
        source.script("s1", StoreBlocked("queue page", retry_after=0.05))
        scheduler.watch(FAST)
        async with running(scheduler):
            await eventually(lambda: source.count("s1") >= 2)

        first, second = source.at["s1"][:2]
        assert second - first >= 0.3 - 0.005
