"""Checkout history and stats use cases on fakes: pages with a cursor, store names, the stats range."""

from __future__ import annotations

from datetime import timedelta

import pytest

from phantom.domain.checkout import AttemptStatus
from phantom.domain.history import InvalidHistoryQuery
from phantom.domain.tasks import TaskMode
from phantom.services.history import HistoryQuery, checkout_stats, list_checkouts
from tests.fakes import EPOCH, FakeDatabase, FrozenClock
from tests.unit.services.task_factories import attempt, seed_store


@pytest.fixture(autouse=True)
def world(db: FakeDatabase) -> None:
    seed_store(db)
    seed_store(db, "s2", "https://shop.example")
    for n in range(5):
        db.attempts[f"a{n}"] = attempt(
            f"a{n}",
            created=EPOCH + timedelta(hours=n),
            store_id="s1" if n < 3 else "s2",
            status=AttemptStatus.LINK_READY if n % 2 == 0 else AttemptStatus.FAILED,
            mode=TaskMode.ASSIST if n < 4 else TaskMode.BROWSER,
            detected_at=EPOCH + timedelta(hours=n),
            link_at=EPOCH + timedelta(hours=n, milliseconds=300 + n),
        )


class TestList:
    async def test_pages_newest_first_with_store_names(self, db: FakeDatabase) -> None:
        first = await list_checkouts(HistoryQuery(limit=2), uow_factory=db.uow_factory())
        assert [r.attempt.id for r in first.items] == ["a4", "a3"]
        assert [r.store_name for r in first.items] == ["store s2", "store s2"]
        assert first.next_cursor is not None
        second = await list_checkouts(
            HistoryQuery(limit=2, cursor=first.next_cursor), uow_factory=db.uow_factory()
        )
        third = await list_checkouts(
            HistoryQuery(limit=2, cursor=second.next_cursor), uow_factory=db.uow_factory()
        )
        assert [r.attempt.id for r in second.items + third.items] == ["a2", "a1", "a0"]
        assert third.next_cursor is None

    async def test_filters(self, db: FakeDatabase) -> None:
        page = await list_checkouts(
            HistoryQuery(store_id="s1", statuses=frozenset({AttemptStatus.LINK_READY})),
            uow_factory=db.uow_factory(),
        )
        assert [r.attempt.id for r in page.items] == ["a2", "a0"]
        page = await list_checkouts(
            HistoryQuery(mode=TaskMode.BROWSER, since=EPOCH + timedelta(hours=1)),
            uow_factory=db.uow_factory(),
        )
        assert [r.attempt.id for r in page.items] == ["a4"]

    async def test_a_malformed_cursor_is_refused(self, db: FakeDatabase) -> None:
        with pytest.raises(InvalidHistoryQuery):
            await list_checkouts(HistoryQuery(cursor="garbage"), uow_factory=db.uow_factory())


class TestStats:
    async def test_default_range_is_the_last_thirty_days(self, db: FakeDatabase, clock: FrozenClock) -> None:
        clock.advance(3600 * 24)
        report = await checkout_stats(uow_factory=db.uow_factory(), clock=clock)
        assert report.until == clock.now() and report.since == clock.now() - timedelta(days=30)
        assert len(report.stats.daily) == 31 and report.stats.daily[-2].tally.attempts == 5
        groups = {(g.store_id, g.mode): g for g in report.stats.groups}
        s1 = groups[("s1", TaskMode.ASSIST)]
        assert (s1.tally.attempts, s1.tally.link_ready, s1.tally.failed) == (3, 2, 1)
        assert s1.tally.success_rate == round(2 / 3, 4)
        assert s1.detection_to_link.p50_ms == 301.0
        assert report.store_names["s2"] == "store s2" and not report.truncated

    async def test_store_filter_and_bad_ranges(self, db: FakeDatabase, clock: FrozenClock) -> None:
        report = await checkout_stats(
            uow_factory=db.uow_factory(),
            clock=clock,
            since=EPOCH,
            until=EPOCH + timedelta(days=1),
            store_id="s2",
        )
        assert {g.store_id for g in report.stats.groups} == {"s2"}
        assert [d.tally.attempts for d in report.stats.daily] == [2, 0], "noon to noon: two UTC days"
        with pytest.raises(InvalidHistoryQuery):
            await checkout_stats(uow_factory=db.uow_factory(), clock=clock, since=EPOCH, until=EPOCH)
        with pytest.raises(InvalidHistoryQuery):
            await checkout_stats(
                uow_factory=db.uow_factory(), clock=clock, since=EPOCH - timedelta(days=400), until=EPOCH
            )
