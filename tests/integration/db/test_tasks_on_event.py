"""The rules hot path on real databases: 20 concurrent handlers of one event create one task, whether the
SQLite file is shared by plain async sessions (as several processes would) or reached the way the engine
does it (inline sessions behind the write gate, rules from the cache); the same on PostgreSQL."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from phantom.adapters.db.engine import SQLITE_PRAGMAS
from phantom.adapters.db.inline import create_inline_engine, inline_session_factory
from phantom.adapters.db.tasks import RuleCache
from phantom.adapters.db.uow import SqlAlchemyUnitOfWork
from phantom.domain.ports import TaskQuery, UnitOfWork, UnitOfWorkFactory
from phantom.domain.tasks import ProductTarget, TaskStatus
from phantom.services.rules import RuleSpec, create_rule, on_event
from tests.fakes import FrozenClock, SequentialIds
from tests.integration.db.builders import event, store
from tests.integration.db.conftest import Backend, sqlite_url
from tests.integration.db.task_builders import created, task

HANDLERS = 20


async def race(factory: UnitOfWorkFactory) -> tuple[int, int]:
    """Seed a store, a waiting task for the product, a rule and an event; handle the event 20 times at
    once. Returns (tasks of the store, tasks made from the event)."""
    clock, ids = FrozenClock(), SequentialIds()
    waiting = task("w1", status=TaskStatus.WAITING, target=ProductTarget(handle="handle-p1"), sizes=())
    async with factory() as uow:
        await uow.stores.add(store("s1"))
        assert await uow.events.add(event("e1"))
        await uow.tasks.add(waiting, created(waiting))
        await uow.commit()
    await create_rule(RuleSpec(name="dunks", keywords="dunk"), uow_factory=factory, clock=clock, ids=ids)
    async with factory() as uow:
        stored = await uow.events.get("e1")
    assert stored is not None
    handlers = (on_event(stored, uow_factory=factory, clock=clock, ids=ids) for _ in range(HANDLERS))
    results = await asyncio.wait_for(asyncio.gather(*handlers), timeout=60)
    made = {t.id for tasks in results for t in tasks if t.rule_id is not None}
    assert len(made) == 1, made
    assert all(any(t.id == "w1" for t in tasks) for tasks in results), "every handler wakes the waiting task"
    async with factory() as uow:
        rows = await uow.tasks.list(TaskQuery(store_id="s1"))
    return len(rows), sum(1 for r in rows if r.event_id == "e1")


class TestConcurrentEvent:
    async def test_one_task_on_every_backend(self, backend: Backend) -> None:
        assert await race(backend.new_uow) == (2, 1)

    async def test_one_task_through_the_engine_wiring(self, sqlite_template: Path, tmp_path: Path) -> None:
        path = tmp_path / "engine.db"
        shutil.copyfile(sqlite_template, path)
        inline = create_inline_engine(sqlite_url(path), SQLITE_PRAGMAS)
        sessions = inline_session_factory(inline)
        gate, cache = asyncio.Lock(), RuleCache()

        def factory() -> UnitOfWork:
            return SqlAlchemyUnitOfWork(sessions, gate, rule_cache=cache)

        try:
            assert await race(factory) == (2, 1)
        finally:
            inline.dispose()
