"""RuleRepository and InboundChannelRepository contracts, and the rule cache of the SQL adapter."""

from __future__ import annotations

import pytest

from phantom.adapters.db.engine import create_session_factory
from phantom.adapters.db.tasks import RuleCache
from phantom.adapters.db.uow import SqlAlchemyUnitOfWork
from phantom.domain.events import EventKind
from phantom.domain.inbound import DuplicateInboundChannel, InboundChannelNotFound
from phantom.domain.rules import InvalidRule, RuleNotFound
from phantom.domain.tasks import TaskMode
from tests.integration.db.builders import at
from tests.integration.db.conftest import Backend
from tests.integration.db.task_builders import inbound, rule


class TestRuleRepository:
    async def test_round_trip_list_update_delete(self, backend: Backend) -> None:
        r1 = rule("r1", created=at(1))
        r2 = rule(
            "r2",
            created=at(0),
            enabled=False,
            kinds=frozenset({EventKind.PRICE_CHANGE}),
            mode=TaskMode.ASSIST,
            store_ids=(),
            sizes=(),
            max_price=None,
            group=None,
        )
        async with backend.new_uow() as uow:
            await uow.rules.add(r1)
            await uow.rules.add(r2)
            with pytest.raises(InvalidRule):
                await uow.rules.add(rule("r1"))
            with pytest.raises(InvalidRule):
                await uow.rules.add(rule("r3", profile_id="ghost"))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.rules.get("r1") == r1
            assert await uow.rules.list() == [r2, r1]
        changed = r1.updated(name="renamed", priority=5, keywords="yeezy", updated_at=at(9))
        async with backend.new_uow() as uow:
            await uow.rules.update(changed)
            with pytest.raises(RuleNotFound):
                await uow.rules.update(rule("ghost"))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.rules.get("r1") == changed
            await uow.rules.delete("r1")
            await uow.rules.delete("r1")
            await uow.commit()
        async with backend.new_uow() as uow:
            assert [r.id for r in await uow.rules.list()] == ["r2"]


class TestRuleCache:
    async def test_served_from_memory_until_a_local_write_or_the_ttl(self, sqlite_backend: Backend) -> None:
        assert sqlite_backend.engine is not None
        factory = create_session_factory(sqlite_backend.engine)
        now = [0.0]
        cache = RuleCache(ttl=2.0, clock=lambda: now[0])

        def cached() -> SqlAlchemyUnitOfWork:
            return SqlAlchemyUnitOfWork(factory, rule_cache=cache)

        async with cached() as uow:
            await uow.rules.add(rule("r1"))
            await uow.commit()
        async with cached() as uow:
            assert [r.id for r in await uow.rules.list()] == ["r1"]
        async with SqlAlchemyUnitOfWork(factory) as other:  # another process: no shared cache
            await other.rules.add(rule("r2", created=at(1)))
            await other.commit()
        async with cached() as uow:
            assert [r.id for r in await uow.rules.list()] == ["r1"], "from the cache within the TTL"
        now[0] = 2.5
        async with cached() as uow:
            assert [r.id for r in await uow.rules.list()] == ["r1", "r2"], "reloaded after the TTL"
        async with cached() as uow:
            await uow.rules.delete("r1")
            await uow.commit()
        async with cached() as uow:
            assert [r.id for r in await uow.rules.list()] == ["r2"], "a local write invalidates at once"


class TestInboundRepository:
    async def test_round_trip_unique_names_update_delete(self, backend: Backend) -> None:
        c1 = inbound("i1", "monitor-a")
        c2 = inbound("i2", "monitor-b", enabled=False)
        async with backend.new_uow() as uow:
            await uow.inbound.add(c2)
            await uow.inbound.add(c1)
            with pytest.raises(DuplicateInboundChannel):
                await uow.inbound.add(inbound("i3", "monitor-a"))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.inbound.get("i1") == c1
            assert (await uow.inbound.get("i1")).secret == "secret-i1"  # type: ignore[union-attr]
            assert await uow.inbound.get_by_name("monitor-b") == c2
            assert await uow.inbound.get_by_name("nope") is None
            assert await uow.inbound.list() == [c1, c2]
        rotated = c1.updated(secret="new", enabled=False, name="monitor-c")
        async with backend.new_uow() as uow:
            await uow.inbound.update(rotated)
            with pytest.raises(DuplicateInboundChannel):
                await uow.inbound.update(c2.updated(name="monitor-c"))
            with pytest.raises(InboundChannelNotFound):
                await uow.inbound.update(inbound("ghost", "ghost"))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.inbound.get("i1") == rotated
            assert (await uow.inbound.get("i1")).secret == "new"  # type: ignore[union-attr]
            await uow.inbound.delete("i1")
            await uow.inbound.delete("i1")
            await uow.commit()
        async with backend.new_uow() as uow:
            assert [c.id for c in await uow.inbound.list()] == ["i2"]
