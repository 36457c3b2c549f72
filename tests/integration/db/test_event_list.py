"""EventRepository.list order and cursor (fake, SQLite, PostgreSQL): newest first by (detected_at, id), so
that every filter is one in-order index range (migration 0002); the cursor is still an event id."""

from __future__ import annotations

from typing import Any

from phantom.domain.events import StoredEvent
from phantom.domain.ports import EventQuery
from tests.integration.db.builders import at, event, store
from tests.integration.db.conftest import Backend


async def _seed(backend: Backend, *events: StoredEvent) -> None:
    async with backend.new_uow() as uow:
        await uow.stores.add(store("s1"))
        for e in events:
            assert await uow.events.add(e)
        await uow.commit()


async def _ids(backend: Backend, **query: Any) -> list[str]:
    async with backend.new_uow() as uow:
        return [e.id for e in await uow.events.list(EventQuery(**query))]


async def _pages(backend: Backend, limit: int) -> list[list[str]]:
    pages, cursor = [], None
    for _ in range(20):
        page = await _ids(backend, before_id=cursor, limit=limit)
        if not page:
            break
        pages.append(page)
        cursor = page[-1]
    return pages


class TestEventListOrder:
    async def test_detection_time_leads_and_the_id_breaks_ties(self, backend: Backend) -> None:
        # One snapshot's events share detected_at; a clock step can put an id out of time order.
        await _seed(
            backend,
            event("a1", detected=at(1)),
            event("a2", detected=at(5)),
            event("a3", detected=at(5)),
            event("a0", detected=at(9)),
        )
        assert await _ids(backend) == ["a0", "a3", "a2", "a1"]
        assert await _pages(backend, limit=2) == [["a0", "a3"], ["a2", "a1"]]
        assert await _pages(backend, limit=1) == [["a0"], ["a3"], ["a2"], ["a1"]]

    async def test_a_cursor_that_is_not_there_continues_from_the_newest_smaller_id(
        self, backend: Backend
    ) -> None:
        await _seed(backend, *(event(f"e{n}", detected=at(n)) for n in (1, 2, 4, 5)))
        assert await _ids(backend, before_id="e3") == ["e2", "e1"]  # e3 was deleted, say
        assert await _ids(backend, before_id="e9") == ["e5", "e4", "e2", "e1"]
        assert await _ids(backend, before_id="e0") == []

    async def test_the_cursor_combines_with_filters_and_time_ranges(self, backend: Backend) -> None:
        await _seed(backend, *(event(f"e{n}", detected=at(n)) for n in range(1, 9)))
        assert await _ids(backend, before_id="e7", since=at(3), until=at(6)) == ["e5", "e4", "e3"]
        assert await _ids(backend, before_id="e4", store_id="s1", limit=2) == ["e3", "e2"]
