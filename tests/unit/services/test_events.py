"""list_events: the event history query."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from phantom.domain.events import EventKind
from phantom.domain.ports import EventQuery
from phantom.services.events import MAX_PAGE, list_events
from tests.fakes import EPOCH, FakeDatabase
from tests.unit.services.factories import stored_event


@pytest.fixture
def history(db: FakeDatabase) -> FakeDatabase:
    """600 events, one a second, alternating stores s1/s2 and kinds restock/new_product."""
    for n in range(600):
        event = stored_event(
            f"e{n:04d}",
            store_id="s1" if n % 2 == 0 else "s2",
            detected_at=EPOCH + timedelta(seconds=n),
            kind=EventKind.RESTOCK if n % 4 < 2 else EventKind.NEW_PRODUCT,
        )
        db.events[event.id] = event
    return db


class TestListEvents:
    @pytest.mark.parametrize(
        ("asked", "got"), [(10_000, MAX_PAGE), (MAX_PAGE, MAX_PAGE), (20, 20), (0, 1), (-5, 1)]
    )
    async def test_page_size_is_capped(self, history: FakeDatabase, asked: int, got: int) -> None:
        page = await list_events(EventQuery(limit=asked), uow_factory=history.uow_factory())

        assert len(page) == got
        assert page[0].id == "e0599"  # newest first

    async def test_filters_pass_through(self, history: FakeDatabase) -> None:
        query = EventQuery(
            store_id="s1",
            kinds=frozenset({EventKind.RESTOCK}),
            since=EPOCH + timedelta(seconds=100),
            until=EPOCH + timedelta(seconds=120),
            before_id="e0116",
            limit=50,
        )

        page = await list_events(query, uow_factory=history.uow_factory())

        assert [e.id for e in page] == ["e0112", "e0108", "e0104", "e0100"]

    async def test_cursor_pages_backwards_without_overlap(self, history: FakeDatabase) -> None:
        first = await list_events(EventQuery(limit=3), uow_factory=history.uow_factory())
        second = await list_events(
            replace(EventQuery(limit=3), before_id=first[-1].id), uow_factory=history.uow_factory()
        )

        assert [e.id for e in first + second] == ["e0599", "e0598", "e0597", "e0596", "e0595", "e0594"]
