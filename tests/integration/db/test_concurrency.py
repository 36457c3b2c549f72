"""SQLite under concurrent read-then-write transactions: BEGIN IMMEDIATE makes them queue, not fail."""

from __future__ import annotations

import asyncio

from tests.integration.db.builders import store
from tests.integration.db.conftest import Backend

WRITERS = 20


async def _increment(backend: Backend) -> None:
    async with backend.new_uow() as uow:
        current = await uow.stores.get("s1")
        assert current is not None
        await asyncio.sleep(0.001)  # let the other transactions interleave between the read and the write
        await uow.stores.update(current.updated(max_pages=current.max_pages + 1))
        await uow.commit()


class TestSqliteConcurrency:
    async def test_concurrent_read_then_write_transactions_all_succeed_without_lost_updates(
        self, sqlite_backend: Backend
    ) -> None:
        async with sqlite_backend.new_uow() as uow:
            await uow.stores.add(store("s1", max_pages=0))
            await uow.commit()
        results = await asyncio.wait_for(
            asyncio.gather(*(_increment(sqlite_backend) for _ in range(WRITERS)), return_exceptions=True),
            timeout=60,
        )
        assert [r for r in results if r is not None] == []
        async with sqlite_backend.new_uow() as uow:
            final = await uow.stores.get("s1")
        # Each transaction held the write lock from its read to its commit: no update was lost.
        assert final is not None
        assert final.max_pages == WRITERS
