"""StoreStateRepository contract."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from tests.fakes import FakeIntegrityError
from tests.integration.db.builders import T0, at, snapshot, store
from tests.integration.db.conftest import Backend


class TestStoreStateRepository:
    async def test_unknown_store_has_no_snapshot(self, backend: Backend) -> None:
        async with backend.new_uow() as uow:
            assert await uow.states.get("s1") is None

    async def test_put_then_get_round_trips_the_snapshot(self, backend: Backend) -> None:
        snap = snapshot(7, "p1", "p2", "p3")
        async with backend.new_uow() as uow:
            await uow.stores.add(store("s1"))
            await uow.states.put("s1", snap, T0)
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.states.get("s1") == snap

    async def test_put_again_replaces_the_snapshot(self, backend: Backend) -> None:
        async with backend.new_uow() as uow:
            await uow.stores.add(store("s1"))
            await uow.states.put("s1", snapshot(1, "p1"), T0)
            await uow.commit()
        locked = snapshot(2, "p1", "p9", locked=True)
        async with backend.new_uow() as uow:
            await uow.states.put("s1", locked, at(5))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.states.get("s1") == locked

    async def test_put_for_a_store_that_does_not_exist_is_refused(self, backend: Backend) -> None:
        async with backend.new_uow() as uow:
            with pytest.raises((FakeIntegrityError, IntegrityError)):
                await uow.states.put("ghost", snapshot(), T0)
