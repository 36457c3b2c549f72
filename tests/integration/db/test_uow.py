"""UnitOfWork contract: commit persists, anything else rolls back."""

from __future__ import annotations

import pytest

from phantom.domain.notifications import OutboxStatus
from tests.integration.db.builders import T0, channel, event, item, snapshot, store
from tests.integration.db.conftest import Backend


async def _store_ids(backend: Backend) -> list[str]:
    async with backend.new_uow() as uow:
        return [s.id for s in await uow.stores.list()]


class TestUnitOfWork:
    async def test_leaving_without_commit_writes_nothing(self, backend: Backend) -> None:
        async with backend.new_uow() as uow:
            await uow.stores.add(store("s1"))
            await uow.channels.add(channel("c1"))
            assert await uow.events.add(event("e1"))
            await uow.outbox.add(item("o1"))
            await uow.states.put("s1", snapshot(), T0)
            assert [s.id for s in await uow.stores.list()] == ["s1"]  # visible inside
        async with backend.new_uow() as uow:
            assert await uow.stores.list() == []
            assert await uow.channels.list() == []
            assert await uow.events.get("e1") is None
            assert await uow.states.get("s1") is None
            assert (await uow.outbox.counts())[OutboxStatus.PENDING] == 0

    async def test_an_exception_rolls_back(self, backend: Backend) -> None:
        async def fail_midway() -> None:
            async with backend.new_uow() as uow:
                await uow.stores.add(store("s1"))
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            await fail_midway()
        assert await _store_ids(backend) == []

    async def test_commit_persists_and_later_work_needs_its_own_commit(self, backend: Backend) -> None:
        async with backend.new_uow() as uow:
            await uow.stores.add(store("s1"))
            await uow.commit()
            await uow.stores.add(store("s2"))
        assert await _store_ids(backend) == ["s1"]

    async def test_rollback_discards_and_the_unit_stays_usable(self, backend: Backend) -> None:
        async with backend.new_uow() as uow:
            await uow.stores.add(store("s1"))
            await uow.rollback()
            await uow.stores.add(store("s2"))
            await uow.commit()
        assert await _store_ids(backend) == ["s2"]

    async def test_a_unit_of_work_can_be_entered_again_after_exit(self, backend: Backend) -> None:
        uow = backend.new_uow()
        async with uow:
            await uow.stores.add(store("s1"))
            await uow.commit()
        async with uow:
            await uow.stores.add(store("s2"))
            await uow.commit()
        assert await _store_ids(backend) == ["s1", "s2"]
