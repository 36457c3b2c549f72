"""OutboxWorker: the delivery loop, with real asyncio and every wait bounded."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest

from phantom.domain.events import StoredEvent
from phantom.domain.notifications import Channel, DeliveryOutcome, DeliveryResult, OutboxStatus
from phantom.services.delivery import INTERRUPTED
from phantom.workers.outbox import IDLE_RECHECK, OutboxWorker
from tests.fakes import EPOCH, FakeDatabase, FakeMetrics, FakeNotifier, FrozenClock, seed
from tests.unit.services.factories import channel, outbox_row, put_rows, store, stored_event
from tests.unit.workers.support import eventually


@pytest.fixture
def db() -> FakeDatabase:
    db = seed(FakeDatabase(), stores=[store("s1")], channels=[channel("c1"), channel("c2")])
    for n in range(1, 5):
        db.events[f"e{n}"] = stored_event(f"e{n}")
    return db


@pytest.fixture
def notifier() -> FakeNotifier:
    return FakeNotifier()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(EPOCH + timedelta(minutes=1))  # every row below was created (and is due) before now


@pytest.fixture
def worker(db: FakeDatabase, notifier: FakeNotifier, clock: FrozenClock) -> OutboxWorker:
    return OutboxWorker(uow_factory=db.uow_factory(), notifier=notifier, clock=clock, metrics=FakeMetrics())


@asynccontextmanager
async def running(worker: OutboxWorker) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(worker.run())
    try:
        yield task
    finally:
        worker.stop()
        await asyncio.wait_for(task, timeout=2.0)


def status(db: FakeDatabase, rid: str) -> OutboxStatus:
    return db.outbox[rid].status


class GatedNotifier(FakeNotifier):
    """Holds sends to the gated channels until `release()`."""

    def __init__(self, *gated: str) -> None:
        super().__init__()
        self.gated = set(gated)
        self.gate = asyncio.Event()

    async def send(self, channel: Channel, event: StoredEvent) -> DeliveryResult:
        if channel.id in self.gated:
            await asyncio.wait_for(self.gate.wait(), timeout=2.0)
        return await super().send(channel, event)


class SlowBucketNotifier(FakeNotifier):
    """wait_ready() blocks until `bucket` is set, as a notifier waiting out a rate-limit bucket."""

    def __init__(self) -> None:
        super().__init__()
        self.bucket = asyncio.Event()

    async def wait_ready(self, channel: Channel) -> None:
        await super().wait_ready(channel)
        await asyncio.wait_for(self.bucket.wait(), timeout=2.0)


class TestStart:
    async def test_interrupted_rows_are_failed_before_anything_is_sent(
        self, db: FakeDatabase, worker: OutboxWorker, notifier: FakeNotifier
    ) -> None:
        put_rows(
            db, outbox_row("o1", status=OutboxStatus.SENDING), outbox_row("o2", event_id="e2", created=1)
        )

        async with running(worker):
            await eventually(lambda: status(db, "o2") is OutboxStatus.SENT)

        assert (status(db, "o1"), db.outbox["o1"].last_error) == (OutboxStatus.FAILED, INTERRUPTED)
        assert [e.id for _, e in notifier.sent] == ["e2"]  # the interrupted alert is never re-sent


class TestWake:
    async def test_wake_delivers_promptly_instead_of_at_the_idle_recheck(
        self, db: FakeDatabase, worker: OutboxWorker, notifier: FakeNotifier
    ) -> None:
        async with running(worker):
            await asyncio.sleep(0.05)  # the worker has found nothing and is idling
            put_rows(db, outbox_row("o1"))
            woken = time.monotonic()
            worker.wake()
            await eventually(lambda: status(db, "o1") is OutboxStatus.SENT, within=IDLE_RECHECK)
            latency = time.monotonic() - woken

        assert latency < IDLE_RECHECK / 4
        assert len(notifier.sent) == 1


class TestLanes:
    async def test_each_channel_gets_its_alerts_in_order(
        self, db: FakeDatabase, worker: OutboxWorker, notifier: FakeNotifier
    ) -> None:
        for n in range(1, 5):
            put_rows(
                db,
                outbox_row(f"a{n}", channel_id="c1", event_id=f"e{n}", created=n),
                outbox_row(f"b{n}", channel_id="c2", event_id=f"e{5 - n}", created=n),
            )

        async with running(worker):
            await eventually(lambda: len(notifier.sent) == 8)

        assert [e.id for e in notifier.sent_to("c1")] == ["e1", "e2", "e3", "e4"]
        assert [e.id for e in notifier.sent_to("c2")] == ["e4", "e3", "e2", "e1"]
        assert all(row.status is OutboxStatus.SENT for row in db.outbox.values())

    async def test_a_slow_channel_does_not_hold_up_another(
        self, db: FakeDatabase, clock: FrozenClock
    ) -> None:
        notifier = GatedNotifier("c2")
        worker = OutboxWorker(
            uow_factory=db.uow_factory(), notifier=notifier, clock=clock, metrics=FakeMetrics()
        )
        put_rows(
            db,
            outbox_row("b1", channel_id="c2", event_id="e1"),
            *(outbox_row(f"a{n}", channel_id="c1", event_id=f"e{n}", created=n) for n in range(1, 4)),
        )

        async with running(worker):
            await eventually(lambda: len(notifier.sent_to("c1")) == 3)
            assert status(db, "b1") is OutboxStatus.SENDING  # claimed, held by its channel
            notifier.gate.set()
            await eventually(lambda: status(db, "b1") is OutboxStatus.SENT)

    async def test_a_row_waiting_for_its_rate_limit_is_not_queued_twice(
        self, db: FakeDatabase, clock: FrozenClock
    ) -> None:
        notifier = SlowBucketNotifier()
        worker = OutboxWorker(
            uow_factory=db.uow_factory(), notifier=notifier, clock=clock, metrics=FakeMetrics()
        )
        put_rows(db, outbox_row("o1"))

        async with running(worker):
            await eventually(lambda: notifier.ready_calls == ["c1"])
            for _ in range(3):  # the row is still pending and due: each pass finds it again
                worker.wake()
                await asyncio.sleep(0.01)
            notifier.bucket.set()
            await eventually(lambda: status(db, "o1") is OutboxStatus.SENT)

        assert notifier.ready_calls == ["c1"]
        assert len(notifier.sent) == 1


class TestContainment:
    async def test_a_crashing_delivery_does_not_kill_the_loop(
        self, db: FakeDatabase, worker: OutboxWorker, notifier: FakeNotifier
    ) -> None:
        notifier.script(RuntimeError("notifier bug"), channel_id="c1")
        put_rows(db, outbox_row("o1"), outbox_row("o2", event_id="e2", created=1))

        async with running(worker) as task:
            await eventually(lambda: status(db, "o2") is OutboxStatus.SENT)
            put_rows(db, outbox_row("o3", event_id="e3", created=2))
            worker.wake()
            await eventually(lambda: status(db, "o3") is OutboxStatus.SENT)
            assert not task.done()

        assert status(db, "o1") is OutboxStatus.FAILED  # visibly, not stuck in SENDING
        assert [e.id for e in notifier.sent_to("c1")] == ["e1", "e2", "e3"]

    async def test_a_failing_outbox_query_is_retried(
        self, db: FakeDatabase, notifier: FakeNotifier, clock: FrozenClock
    ) -> None:
        calls = 0

        def flaky_factory() -> object:
            nonlocal calls
            calls += 1
            if calls == 2:  # the first due() query, right after recovery
                raise RuntimeError("database is locked")
            return db.uow()

        worker = OutboxWorker(
            uow_factory=flaky_factory,  # type: ignore[arg-type]
            notifier=notifier,
            clock=clock,
            metrics=FakeMetrics(),
        )
        put_rows(db, outbox_row("o1"))

        async with running(worker):
            worker.wake()
            await eventually(lambda: status(db, "o1") is OutboxStatus.SENT, within=IDLE_RECHECK * 2)

    async def test_a_retried_row_is_picked_up_when_it_comes_due(
        self, db: FakeDatabase, worker: OutboxWorker, notifier: FakeNotifier, clock: FrozenClock
    ) -> None:
        notifier.script(DeliveryResult(DeliveryOutcome.RETRY, "429", retry_after=5))
        put_rows(db, outbox_row("o1"))

        async with running(worker):
            await eventually(lambda: db.outbox["o1"].attempts == 1)
            assert status(db, "o1") is OutboxStatus.PENDING
            clock.advance(5)
            worker.wake()
            await eventually(lambda: status(db, "o1") is OutboxStatus.SENT)

        assert len(notifier.sent) == 2
