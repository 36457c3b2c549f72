"""ChannelRepository contract: the route filter round-trips exactly (services compare channels)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from phantom.adapters.db.engine import create_session_factory
from phantom.adapters.db.repositories import ChannelCache
from phantom.adapters.db.uow import SqlAlchemyUnitOfWork
from phantom.domain.errors import ChannelNotFound, InvalidChannel
from phantom.domain.events import ALL_KINDS
from phantom.domain.filters import EventFilter
from phantom.domain.notifications import ChannelKind
from tests.integration.db.builders import channel, event, item, store
from tests.integration.db.conftest import Backend


class TestChannelRepository:
    async def test_added_channel_reads_back_equal_including_its_route(self, backend: Backend) -> None:
        c1 = channel("c1")
        c2 = channel(
            "c2",
            kind=ChannelKind.APPRISE,
            url="tgram://bot/chat",
            route=EventFilter(),
            enabled=False,
            disabled_reason="gone",
        )
        async with backend.new_uow() as uow:
            await uow.channels.add(c1)
            await uow.channels.add(c2)
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.channels.get("c1") == c1
            assert await uow.channels.get("c2") == c2
            assert await uow.channels.get("nope") is None
            assert await uow.channels.list() == [c1, c2]
        assert c2.route.kinds == ALL_KINDS

    async def test_duplicate_id_is_refused(self, backend: Backend) -> None:
        async with backend.new_uow() as uow:
            await uow.channels.add(channel("c1"))
            with pytest.raises(InvalidChannel):
                await uow.channels.add(channel("c1"))

    async def test_update_replaces_fields_and_unknown_id_raises(self, backend: Backend) -> None:
        async with backend.new_uow() as uow:
            await uow.channels.add(channel("c1"))
            await uow.commit()
        changed = replace(
            channel("c1"), enabled=False, disabled_reason="404", route=EventFilter.build(keywords="yeezy")
        )
        async with backend.new_uow() as uow:
            await uow.channels.update(changed)
            with pytest.raises(ChannelNotFound):
                await uow.channels.update(channel("ghost"))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.channels.get("c1") == changed

    async def test_delete_is_idempotent_and_takes_the_channels_outbox_rows(self, backend: Backend) -> None:
        async with backend.new_uow() as uow:
            await uow.stores.add(store("s1"))
            await uow.channels.add(channel("c1"))
            await uow.channels.add(channel("c2"))
            assert await uow.events.add(event("e1"))
            await uow.outbox.add(item("o1", channel_id="c1"))
            await uow.outbox.add(item("o2", channel_id="c2"))
            await uow.commit()
        async with backend.new_uow() as uow:
            await uow.channels.delete("c1")
            await uow.channels.delete("c1")
            await uow.commit()
        async with backend.new_uow() as uow:
            assert [c.id for c in await uow.channels.list()] == ["c2"]
            assert await uow.outbox.get("o1") is None
            assert await uow.outbox.get("o2") is not None
            assert await uow.events.get("e1") is not None


class TestChannelCache:
    """The enabled-channel list is cached across units of work; local writes invalidate it at once and the
    TTL bounds how long another process's change goes unseen."""

    async def test_cached_then_invalidated_by_a_write(self, sqlite_backend: Backend) -> None:
        assert sqlite_backend.engine is not None
        factory = create_session_factory(sqlite_backend.engine)
        now = [0.0]
        cache = ChannelCache(ttl=2.0, clock=lambda: now[0])
        cached_uow = lambda: SqlAlchemyUnitOfWork(factory, None, cache)  # noqa: E731
        async with cached_uow() as uow:
            await uow.channels.add(channel("c1"))
            await uow.commit()
        async with cached_uow() as uow:
            assert [c.id for c in await uow.channels.list()] == ["c1"]

        async with SqlAlchemyUnitOfWork(factory) as other:  # another process: no shared cache
            await other.channels.add(channel("c2"))
            await other.commit()
        async with cached_uow() as uow:
            assert [c.id for c in await uow.channels.list()] == ["c1"], "served from the cache within the TTL"
        now[0] = 2.5
        async with cached_uow() as uow:
            assert [c.id for c in await uow.channels.list()] == ["c1", "c2"], "reloaded after the TTL"

        async with cached_uow() as uow:
            await uow.channels.delete("c1")
            assert [c.id for c in await uow.channels.list()] == ["c2"], (
                "a writing session reads its own writes"
            )
            await uow.rollback()
        async with cached_uow() as uow:
            assert [c.id for c in await uow.channels.list()] == ["c1", "c2"], "nothing uncommitted was cached"
