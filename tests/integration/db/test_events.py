"""EventRepository contract: dedup without aborting the transaction, newest-first cursor paging, filters."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from phantom.domain.events import EventKind, StoredEvent
from phantom.domain.ports import EventQuery
from tests.integration.db.builders import at, event, store
from tests.integration.db.conftest import Backend


async def _seed(backend: Backend, *events: StoredEvent) -> None:
    async with backend.new_uow() as uow:
        for sid in ("s1", "s2"):
            await uow.stores.add(store(sid))
        for e in events:
            assert await uow.events.add(e)
        await uow.commit()


async def _ids(backend: Backend, **query: Any) -> list[str]:
    async with backend.new_uow() as uow:
        return [e.id for e in await uow.events.list(EventQuery(**query))]


class TestEventRepository:
    async def test_added_events_read_back_exactly(self, backend: Backend) -> None:
        events = [
            event("e1", kind=EventKind.RESTOCK, changed=at(-3)),
            event("e2", kind=EventKind.PRICE_CHANGE),
            event("e3", kind=EventKind.PASSWORD_UP, pid=""),
            event("e4", kind=EventKind.SOLD_OUT),
        ]
        await _seed(backend, *events)
        async with backend.new_uow() as uow:
            for e in events:
                got = await uow.events.get(e.id)
                assert got == e
                assert got is not None
                assert got.detected_at.tzinfo is not None
            assert await uow.events.get("nope") is None

    async def test_duplicate_dedup_key_returns_false_and_the_transaction_stays_usable(
        self, backend: Backend
    ) -> None:
        await _seed(backend)
        first = event("e1")
        async with backend.new_uow() as uow:
            assert await uow.events.add(first)
            assert not await uow.events.add(replace(first, id="e2"))  # same dedup key
            assert await uow.events.add(event("e3"))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert not await uow.events.add(replace(first, id="e4"))  # committed one counts too
            await uow.commit()
        assert await _ids(backend) == ["e3", "e1"]

    async def test_list_pages_newest_first_with_the_before_id_cursor(self, backend: Backend) -> None:
        await _seed(backend, *(event(f"e{n:02d}", detected=at(n)) for n in range(1, 8)))
        pages, cursor = [], None
        for _ in range(5):
            page = await _ids(backend, before_id=cursor, limit=3)
            if not page:
                break
            pages.append(page)
            cursor = page[-1]
        assert pages == [["e07", "e06", "e05"], ["e04", "e03", "e02"], ["e01"]]

    async def test_list_filters_by_store_kinds_and_time(self, backend: Backend) -> None:
        await _seed(
            backend,
            event("e1", store_id="s1", kind=EventKind.RESTOCK, detected=at(1)),
            event("e2", store_id="s2", kind=EventKind.RESTOCK, detected=at(2)),
            event("e3", store_id="s1", kind=EventKind.NEW_PRODUCT, detected=at(3)),
            event("e4", store_id="s1", kind=EventKind.SOLD_OUT, detected=at(4)),
        )
        assert await _ids(backend, store_id="s1") == ["e4", "e3", "e1"]
        assert await _ids(backend, kinds=frozenset({EventKind.RESTOCK, EventKind.NEW_PRODUCT})) == [
            "e3",
            "e2",
            "e1",
        ]
        # since inclusive, until exclusive
        assert await _ids(backend, since=at(2), until=at(4)) == ["e3", "e2"]
        assert await _ids(backend, store_id="s1", kinds=frozenset({EventKind.RESTOCK}), since=at(1)) == ["e1"]
        assert await _ids(backend, store_id="s3") == []

    async def test_uncommitted_events_are_not_visible_to_other_units_of_work(self, backend: Backend) -> None:
        await _seed(backend)
        async with backend.new_uow() as uow:
            assert await uow.events.add(event("e1"))
        assert await _ids(backend) == []
