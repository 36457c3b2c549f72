"""The shared fakes (tests/fakes.py) behave as their docstrings promise. Repository fakes are covered by
the contract suite in tests/integration/db/; this covers what only the fakes have."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from phantom.domain.errors import StoreUnavailable
from phantom.domain.notifications import DeliveryOutcome, DeliveryResult
from phantom.domain.ports import FetchResult, SourceCache
from tests.fakes import (
    FakeDatabase,
    FakeEventBus,
    FakeNotifier,
    FakeStoreSource,
    FakeUnitOfWork,
    FrozenClock,
    SequentialIds,
)
from tests.integration.db.builders import channel, event, snapshot, store


class TestFakeUnitOfWork:
    async def test_counts_commits_and_writes_nothing_when_the_commit_fails(self) -> None:
        uow = FakeUnitOfWork()
        async with uow:
            await uow.stores.add(store("s1"))
            await uow.commit()
        uow.fail_next_commit = RuntimeError("disk full")

        async def add_s2() -> None:
            async with uow:
                await uow.stores.add(store("s2"))
                await uow.commit()

        with pytest.raises(RuntimeError, match="disk full"):
            await add_s2()
        assert uow.committed == 1
        assert list(uow.db.stores) == ["s1"]

    async def test_interleaved_units_of_work_merge_only_what_each_wrote(self) -> None:
        db = FakeDatabase()
        first, second = db.uow(), db.uow()
        async with first, second:
            await first.stores.add(store("s1"))
            await second.stores.add(store("s2"))
            await second.commit()
            await first.commit()
        assert sorted(db.stores) == ["s1", "s2"]
        assert db.commits == 2

    async def test_outside_a_transaction_repositories_read_and_write_committed_rows(self) -> None:
        uow = FakeUnitOfWork()
        await uow.stores.add(store("s1"))
        assert uow.db.stores["s1"] == store("s1")
        async with uow:
            assert await uow.stores.get("s1") == store("s1")


class TestFrozenClockAndIds:
    def test_clock_moves_only_when_told(self) -> None:
        clock = FrozenClock()
        start, mono = clock.now(), clock.monotonic()
        clock.advance(2.5)
        assert clock.now() - start == timedelta(seconds=2.5)
        assert clock.monotonic() - mono == 2.5
        clock.set(datetime(2030, 1, 1, tzinfo=UTC))
        assert clock.now() == datetime(2030, 1, 1, tzinfo=UTC)

    def test_clock_refuses_naive_datetimes(self) -> None:
        with pytest.raises(ValueError, match="naive"):
            FrozenClock(datetime(2025, 1, 1))  # noqa: DTZ001

    def test_sequential_ids_sort_in_issue_order(self) -> None:
        ids = SequentialIds("e")
        issued = [ids() for _ in range(12)]
        assert issued == sorted(issued) == ids.issued
        assert issued[0] == "e00000001"


class TestFakeNotifier:
    async def test_per_channel_script_then_shared_script_then_default(self) -> None:
        notifier = FakeNotifier()
        retry = DeliveryResult(DeliveryOutcome.RETRY, "429", retry_after=1.0)
        notifier.script(retry, channel_id="c1")
        notifier.script(DeliveryResult(DeliveryOutcome.REJECTED))
        c1, c2, e = channel("c1"), channel("c2"), event("e1")
        assert await notifier.send(c1, e) == retry
        assert (await notifier.send(c1, e)).outcome is DeliveryOutcome.REJECTED
        assert (await notifier.send(c2, e)).outcome is DeliveryOutcome.SENT
        assert notifier.sent_to("c1") == [e, e]

    async def test_scripted_exception_is_raised_and_a_closed_gate_holds_sends(self) -> None:
        notifier = FakeNotifier(open=asyncio.Event())
        notifier.script(ConnectionError("down"))
        task = asyncio.create_task(notifier.send(channel("c1"), event("e1")))
        await asyncio.sleep(0.01)
        assert not task.done()
        assert notifier.open is not None
        notifier.open.set()
        with pytest.raises(ConnectionError):
            await task


class TestFakeStoreSourceAndBus:
    async def test_scripted_outcomes_then_unchanged(self) -> None:
        source = FakeStoreSource()
        snap = snapshot()
        source.script("s1", snap, StoreUnavailable("timeout"), FetchResult(snapshot=None, not_modified=True))
        s1 = store("s1")
        assert (await source.fetch(s1, SourceCache())).snapshot == snap
        with pytest.raises(StoreUnavailable):
            await source.fetch(s1, SourceCache())
        assert (await source.fetch(s1, SourceCache())).not_modified
        assert await source.fetch(s1, SourceCache()) == FetchResult(snapshot=None)
        assert source.calls == ["s1"] * 4

    def test_bus_records_by_topic(self) -> None:
        bus = FakeEventBus()
        bus.publish("event", 1)
        bus.publish("store_health", 2)
        assert bus.of("event") == [1]
