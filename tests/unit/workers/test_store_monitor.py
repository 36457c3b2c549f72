"""StoreMonitor: one store's polls, back-off, health and change processing, on fakes and a frozen clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from phantom.domain.errors import StoreBlocked, StoreRateLimited, StoreUnavailable
from phantom.domain.events import EventKind
from phantom.domain.health import HealthStatus
from phantom.domain.ports import FetchResult
from phantom.workers.store_monitor import StoreMonitor
from tests.fakes import EPOCH, FakeDatabase, FakeMetrics, FakeProductSource, FrozenClock, seed
from tests.unit.domain.builders import dunk, p, snap, v
from tests.unit.services.factories import CountingFactory, channel, store
from tests.unit.workers.support import Recorder, TimedStoreSource, monitor_deps

STORE = store("s1", interval=2.0, watch_handles=("handle-dunk",), watch_interval=1.0)
SOLD_OUT = snap(dunk(sizes={"9": False, "10": False}), p("aj1", v("aj1-9", "9")), version=4)
RESTOCKED = snap(dunk(sizes={"9": False, "10": True}), p("aj1", v("aj1-9", "9")))


@pytest.fixture
def db() -> FakeDatabase:
    return seed(FakeDatabase(), stores=[STORE], channels=[channel("c1")])


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def metrics() -> FakeMetrics:
    return FakeMetrics()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def source() -> TimedStoreSource:
    return TimedStoreSource()


@pytest.fixture
def products() -> FakeProductSource:
    return FakeProductSource()


@pytest.fixture
def factory(db: FakeDatabase) -> CountingFactory:
    return CountingFactory(db)


@pytest.fixture
def monitor(
    factory: CountingFactory,
    clock: FrozenClock,
    metrics: FakeMetrics,
    recorder: Recorder,
    source: TimedStoreSource,
    products: FakeProductSource,
) -> StoreMonitor:
    deps = monitor_deps(
        factory, clock, metrics, recorder, jitter=0.0, max_backoff=20.0, blocked_backoff=900.0
    )
    return StoreMonitor(STORE, source, products, deps)


class TestRestart:
    async def test_first_poll_loads_the_last_snapshot_and_announces_nothing_unchanged(
        self, db: FakeDatabase, monitor: StoreMonitor, source: TimedStoreSource, recorder: Recorder
    ) -> None:
        db.states["s1"] = SOLD_OUT
        source.script("s1", snap(*SOLD_OUT.products.values()))

        assert await monitor.poll_catalogue() == 2.0

        assert db.states["s1"] is SOLD_OUT  # no baseline re-write
        assert db.commits == 0
        assert recorder.events == []

    async def test_a_change_after_restart_continues_the_stored_version(
        self, db: FakeDatabase, monitor: StoreMonitor, source: TimedStoreSource, recorder: Recorder
    ) -> None:
        db.states["s1"] = SOLD_OUT
        source.script("s1", RESTOCKED)

        await monitor.poll_catalogue()

        ((store_id, events, alerts),) = recorder.events
        assert (store_id, [e.dedup_key for e in events], alerts) == ("s1", ["s1:5:restock:dunk"], 1)
        assert db.states["s1"].version == 5

    async def test_new_store_gets_a_baseline(
        self, db: FakeDatabase, monitor: StoreMonitor, source: TimedStoreSource, recorder: Recorder
    ) -> None:
        source.script("s1", RESTOCKED)

        await monitor.poll_catalogue()

        assert db.states["s1"].products == RESTOCKED.products
        assert recorder.events == []

    async def test_snapshot_is_loaded_once(
        self, db: FakeDatabase, monitor: StoreMonitor, factory: CountingFactory
    ) -> None:
        db.states["s1"] = SOLD_OUT
        for _ in range(3):
            await monitor.poll_catalogue()

        assert factory.opened == 1  # the load; unchanged polls open no transaction


class TestPollMetrics:
    @pytest.mark.parametrize(
        ("result", "outcome"),
        [
            (FetchResult(snapshot=None, not_modified=True), "not_modified"),
            (FetchResult(snapshot=None, hash_skip=True, requests=3), "hash_skip"),
            (FetchResult(snapshot=None), "unchanged"),
            (FetchResult(snapshot=SOLD_OUT, requests=2), "changed"),
        ],
    )
    async def test_each_poll_is_counted_by_outcome(
        self,
        db: FakeDatabase,
        monitor: StoreMonitor,
        source: TimedStoreSource,
        metrics: FakeMetrics,
        result: FetchResult,
        outcome: str,
    ) -> None:
        source.script("s1", result)

        await monitor.poll_catalogue()

        assert metrics.named("poll") == [(outcome,)]
        assert metrics.named("requests") == [(result.requests,)]
        assert monitor.health.polls == 1
        assert monitor.health.last_success_at == EPOCH


class TestRateLimited:
    async def test_retry_after_holds_every_request_until_it_expires(
        self,
        monitor: StoreMonitor,
        source: TimedStoreSource,
        products: FakeProductSource,
        clock: FrozenClock,
    ) -> None:
        source.script("s1", StoreRateLimited(retry_after=30))

        assert await monitor.poll_catalogue() >= 30
        assert monitor.ready_in() == 30
        assert monitor.health.retry_after_until == EPOCH + timedelta(seconds=30)

        clock.advance(29)
        assert 0 < monitor.ready_in() <= 1
        assert await monitor.poll_catalogue() == pytest.approx(1)
        assert await monitor.poll_watched("handle-dunk") >= 1
        assert source.count("s1") == 1  # no request while held
        assert products.calls == []

        clock.advance(1.5)
        assert monitor.ready_in() == 0
        await monitor.poll_catalogue()
        assert source.count("s1") == 2

    async def test_short_retry_after_still_waits_a_full_interval(
        self, monitor: StoreMonitor, source: TimedStoreSource
    ) -> None:
        source.script("s1", StoreRateLimited(retry_after=0.5))

        assert await monitor.poll_catalogue() == 2.0


class TestUnavailable:
    async def test_back_off_grows_with_consecutive_errors_up_to_the_cap(
        self, monitor: StoreMonitor, source: TimedStoreSource
    ) -> None:
        source.script("s1", *(StoreUnavailable("503") for _ in range(8)))

        delays = [await monitor.poll_catalogue() for _ in range(8)]

        # Equal-jitter back-off: the n-th failure waits between half and all of min(2 * 2**(n-1), 20).
        for n, delay in enumerate(delays, start=1):
            ceiling = min(2.0 * 2 ** (n - 1), 20.0)
            assert ceiling / 2 <= delay <= ceiling
        assert delays[3] > delays[0]  # 8..16 against 1..2: grows whatever the jitter
        assert max(delays) <= 20.0
        assert monitor.health.errors == 8

    async def test_health_is_reported_once_per_spell_and_once_on_recovery(
        self, monitor: StoreMonitor, source: TimedStoreSource, recorder: Recorder, metrics: FakeMetrics
    ) -> None:
        source.script("s1", *(StoreUnavailable("timeout") for _ in range(3)), FetchResult(snapshot=None))

        for _ in range(4):
            await monitor.poll_catalogue()

        assert [status for _, status, _ in recorder.health] == [HealthStatus.DEGRADED, HealthStatus.HEALTHY]
        assert metrics.named("error") == [("StoreUnavailable",)] * 3
        assert monitor.health.total_errors == 3
        assert monitor.health.errors == 0

    async def test_back_off_restarts_after_a_success(
        self, monitor: StoreMonitor, source: TimedStoreSource
    ) -> None:
        source.script("s1", *(StoreUnavailable("503") for _ in range(4)), FetchResult(snapshot=None))
        for _ in range(5):
            await monitor.poll_catalogue()
        source.script("s1", StoreUnavailable("503"))

        assert await monitor.poll_catalogue() <= 2.0


class TestBlocked:
    async def test_block_pauses_long_and_never_produces_an_event(
        self,
        db: FakeDatabase,
        monitor: StoreMonitor,
        source: TimedStoreSource,
        recorder: Recorder,
    ) -> None:
        db.states["s1"] = SOLD_OUT
        source.script("s1", StoreBlocked("captcha challenge"), StoreBlocked("captcha challenge"))

        assert await monitor.poll_catalogue() == 900.0
        assert await monitor.poll_catalogue() == 900.0

        assert monitor.health.status is HealthStatus.BLOCKED
        assert monitor.health.blocked_reason == "captcha challenge"
        assert recorder.health == [("s1", HealthStatus.BLOCKED, "captcha challenge")]
        assert recorder.events == []
        assert db.states["s1"] is SOLD_OUT

    async def test_block_with_retry_after_holds_every_request_to_the_store(
        self, monitor: StoreMonitor, source: TimedStoreSource, products: FakeProductSource
    ) -> None:
        source.script("s1", StoreBlocked("429 queue page", retry_after=1200))

        assert await monitor.poll_catalogue() == 1200
        assert await monitor.poll_watched("handle-dunk") >= 1199

        assert monitor.ready_in() == 1200
        assert monitor.health.retry_after_until == EPOCH + timedelta(seconds=1200)
        assert products.calls == []

    async def test_degraded_store_that_becomes_blocked_is_reported_again(
        self, monitor: StoreMonitor, source: TimedStoreSource, recorder: Recorder
    ) -> None:
        source.script("s1", StoreUnavailable("503"), StoreBlocked("403 forbidden"))

        await monitor.poll_catalogue()
        await monitor.poll_catalogue()

        assert [status for _, status, _ in recorder.health] == [HealthStatus.DEGRADED, HealthStatus.BLOCKED]


class TestProcessingFailure:
    async def test_failed_commit_resets_the_cache_publishes_nothing_and_the_next_poll_refetches(
        self,
        db: FakeDatabase,
        monitor: StoreMonitor,
        source: TimedStoreSource,
        factory: CountingFactory,
        recorder: Recorder,
        metrics: FakeMetrics,
    ) -> None:
        db.states["s1"] = SOLD_OUT
        factory.fail_with = lambda: RuntimeError("database is locked")
        source.script("s1", RESTOCKED, RESTOCKED)

        assert await monitor.poll_catalogue() == 2.0

        assert recorder.events == []
        assert db.states["s1"] is SOLD_OUT
        assert db.events == {}
        assert metrics.named("error") == [("processing",)]

        factory.fail_with = None
        await monitor.poll_catalogue()

        first_cache, second_cache = source.caches
        assert second_cache is not first_cache  # forgotten: the next poll fetches in full
        assert [e.dedup_key for e in recorder.all_events()] == ["s1:5:restock:dunk"]  # the change is not lost

    async def test_cache_is_kept_between_successful_polls(
        self, monitor: StoreMonitor, source: TimedStoreSource
    ) -> None:
        source.script("s1", SOLD_OUT, RESTOCKED)
        await monitor.poll_catalogue()
        await monitor.poll_catalogue()

        first_cache, second_cache = source.caches
        assert second_cache is first_cache


class TestWatchedProducts:
    async def test_restock_seen_via_js_is_announced_once_and_a_lagging_catalogue_does_not_flap_it(
        self,
        monitor: StoreMonitor,
        source: TimedStoreSource,
        products: FakeProductSource,
        recorder: Recorder,
    ) -> None:
        restocked_dunk = RESTOCKED.products["dunk"]
        source.script("s1", SOLD_OUT, SOLD_OUT, RESTOCKED)  # baseline, lagging cache, caught up
        products.script("s1", "handle-dunk", restocked_dunk, None)

        await monitor.poll_catalogue()  # baseline: sold out
        assert await monitor.poll_watched("handle-dunk") == 1.0  # .js: size 10 is back
        await monitor.poll_catalogue()  # products.json still says sold out
        await monitor.poll_watched("handle-dunk")  # unchanged
        await monitor.poll_catalogue()  # products.json catches up

        events = recorder.all_events()
        assert [(e.kind, e.event.product_id) for e in events] == [(EventKind.RESTOCK, "dunk")]
        assert [x.size for x in events[0].event.variants] == ["10"]
        assert products.calls == [("s1", "handle-dunk"), ("s1", "handle-dunk")]

    async def test_watched_product_before_the_first_catalogue_poll_is_only_remembered(
        self,
        db: FakeDatabase,
        monitor: StoreMonitor,
        source: TimedStoreSource,
        products: FakeProductSource,
        recorder: Recorder,
    ) -> None:
        products.script("s1", "handle-dunk", RESTOCKED.products["dunk"])
        await monitor.poll_watched("handle-dunk")
        assert "s1" not in db.states

        source.script("s1", SOLD_OUT)
        await monitor.poll_catalogue()

        assert db.states["s1"].products["dunk"] == RESTOCKED.products["dunk"]  # overlaid on the baseline
        assert recorder.events == []

    async def test_watched_poll_errors_back_off_like_catalogue_errors(
        self, monitor: StoreMonitor, products: FakeProductSource, recorder: Recorder
    ) -> None:
        products.script("s1", "handle-dunk", StoreBlocked("queue page"))

        assert await monitor.poll_watched("handle-dunk") == 900.0
        assert monitor.health.status is HealthStatus.BLOCKED
        assert recorder.health == [("s1", HealthStatus.BLOCKED, "queue page")]

    async def test_store_without_a_product_source_waits_the_watch_interval(
        self, factory: CountingFactory, clock: FrozenClock, metrics: FakeMetrics, recorder: Recorder
    ) -> None:
        deps = monitor_deps(factory, clock, metrics, recorder, jitter=0.0)
        bare = StoreMonitor(STORE, TimedStoreSource(), None, deps)

        assert await bare.poll_watched("handle-dunk") == 1.0
