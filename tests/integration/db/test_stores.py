"""StoreRepository contract: fake, SQLite and PostgreSQL behave the same."""

from __future__ import annotations

import pytest

from phantom.domain.errors import DuplicateStore, StoreNotFound
from phantom.domain.models import Platform
from tests.integration.db.builders import T0, channel, event, item, snapshot, store
from tests.integration.db.conftest import Backend


class TestStoreRepository:
    async def test_added_store_reads_back_field_for_field(self, backend: Backend) -> None:
        s = store("s1", skus=("A1", "B2"), platform=Platform.FOOTSITES, watch_interval=None, enabled=False)
        async with backend.new_uow() as uow:
            await uow.stores.add(s)
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.stores.get("s1") == s
            assert await uow.stores.get_by_url(s.url) == s
            assert await uow.stores.get("nope") is None
            assert await uow.stores.get_by_url("https://nope.example") is None

    async def test_list_returns_stores_in_the_order_they_were_added(self, backend: Backend) -> None:
        async with backend.new_uow() as uow:
            for sid in ("s2", "s1", "s3"):
                await uow.stores.add(store(sid))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert [s.id for s in await uow.stores.list()] == ["s2", "s1", "s3"]

    async def test_update_replaces_every_field(self, backend: Backend) -> None:
        async with backend.new_uow() as uow:
            await uow.stores.add(store("s1"))
            await uow.commit()
        changed = store(
            "s1", url="https://moved.example", interval=5.0, name="Moved", watch_handles=(), extra={}
        )
        async with backend.new_uow() as uow:
            await uow.stores.update(changed)
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.stores.get("s1") == changed
            assert await uow.stores.get_by_url("https://s1.example") is None

    async def test_update_of_unknown_store_raises(self, backend: Backend) -> None:
        async with backend.new_uow() as uow:
            with pytest.raises(StoreNotFound):
                await uow.stores.update(store("ghost"))

    async def test_duplicate_url_raises_and_leaves_the_transaction_usable(self, backend: Backend) -> None:
        async with backend.new_uow() as uow:
            await uow.stores.add(store("s1"))
            with pytest.raises(DuplicateStore):
                await uow.stores.add(store("s2", url="https://s1.example"))
            with pytest.raises(DuplicateStore):
                await uow.stores.add(store("s1", url="https://other.example"))
            await uow.stores.add(store("s3"))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert [s.id for s in await uow.stores.list()] == ["s1", "s3"]

    async def test_update_to_another_stores_url_raises(self, backend: Backend) -> None:
        async with backend.new_uow() as uow:
            await uow.stores.add(store("s1"))
            await uow.stores.add(store("s2"))
            with pytest.raises(DuplicateStore):
                await uow.stores.update(store("s2", url="https://s1.example"))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert (await uow.stores.get("s2")) == store("s2")

    async def test_delete_is_idempotent_and_cascades_to_state_events_and_outbox(
        self, backend: Backend
    ) -> None:
        async with backend.new_uow() as uow:
            await uow.stores.add(store("s1"))
            await uow.stores.add(store("s2"))
            await uow.channels.add(channel("c1"))
            await uow.states.put("s1", snapshot(), T0)
            await uow.states.put("s2", snapshot(), T0)
            assert await uow.events.add(event("e1", store_id="s1"))
            assert await uow.events.add(event("e2", store_id="s2"))
            await uow.outbox.add(item("o1", event_id="e1"))
            await uow.outbox.add(item("o2", event_id="e2"))
            await uow.commit()
        async with backend.new_uow() as uow:
            await uow.stores.delete("s1")
            await uow.stores.delete("s1")
            await uow.commit()
        async with backend.new_uow() as uow:
            assert [s.id for s in await uow.stores.list()] == ["s2"]
            assert await uow.states.get("s1") is None
            assert await uow.states.get("s2") is not None
            assert await uow.events.get("e1") is None
            assert await uow.events.get("e2") is not None
            assert await uow.outbox.get("o1") is None
            assert await uow.outbox.get("o2") is not None
