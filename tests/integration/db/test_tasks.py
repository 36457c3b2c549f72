"""TaskRepository contract: tasks round-trip, one task per (rule, event) even under concurrency, and status
changes are compare-and-set with every transition numbered and kept."""

from __future__ import annotations

import asyncio

import pytest

from phantom.domain.ports import TaskQuery
from phantom.domain.tasks import InvalidTask, InvalidTransition, TaskNotFound, TaskStatus, transition
from tests.integration.db.builders import at, event, store
from tests.integration.db.conftest import Backend
from tests.integration.db.task_builders import attempt, created, rule, task


async def seed(backend: Backend, *tasks_: object, with_rule: bool = False) -> None:
    async with backend.new_uow() as uow:
        await uow.stores.add(store("s1"))
        await uow.stores.add(store("s2"))
        assert await uow.events.add(event("e1"))
        if with_rule:
            await uow.rules.add(rule("r1"))
        await uow.commit()


class TestAddAndRead:
    async def test_task_reads_back_equal_with_its_created_transition(self, backend: Backend) -> None:
        await seed(backend)
        t1 = task("t1")
        async with backend.new_uow() as uow:
            assert await uow.tasks.add(t1, created(t1))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.tasks.get("t1") == t1
            assert await uow.tasks.get("nope") is None
            assert await uow.tasks.transitions("t1") == [created(t1)]

    async def test_one_task_per_rule_and_event(self, backend: Backend) -> None:
        await seed(backend, with_rule=True)
        first = task("t1", rule_id="r1", event_id="e1", status=TaskStatus.WAITING)
        second = task("t2", rule_id="r1", event_id="e1", status=TaskStatus.WAITING)
        async with backend.new_uow() as uow:
            assert await uow.tasks.add(first, created(first))
            assert not await uow.tasks.add(second, created(second))
            # Tasks made by hand (no rule, no event) never collide.
            assert await uow.tasks.add(task("t3"), created(task("t3")))
            assert await uow.tasks.add(task("t4"), created(task("t4")))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.tasks.get("t2") is None
            assert await uow.tasks.transitions("t2") == []
            assert {t.id for t in await uow.tasks.list(TaskQuery())} == {"t1", "t3", "t4"}

    async def test_unknown_references_are_refused_and_the_transaction_stays_usable(
        self, backend: Backend
    ) -> None:
        await seed(backend)
        async with backend.new_uow() as uow:
            for bad in (
                task("x1", store_id="ghost"),
                task("x2", profile_id="ghost"),
                task("x3", proxy_list_id="ghost"),
                task("x4", rule_id="ghost"),
                task("x5", event_id="ghost"),
            ):
                with pytest.raises(InvalidTask):
                    await uow.tasks.add(bad, created(bad))
            assert await uow.tasks.add(task("t1"), created(task("t1")))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert [t.id for t in await uow.tasks.list(TaskQuery())] == ["t1"]


class TestUpdate:
    async def test_transitions_are_numbered_and_kept_in_order(self, backend: Backend) -> None:
        await seed(backend)
        t1 = task("t1")
        async with backend.new_uow() as uow:
            await uow.tasks.add(t1, created(t1))
            await uow.commit()
        waiting, first = transition(t1, TaskStatus.WAITING, at(1), "started")
        carting, second = transition(waiting, TaskStatus.CARTING, at(2), "restock")
        async with backend.new_uow() as uow:
            await uow.tasks.update(waiting, first)
            await uow.tasks.update(carting.updated(attempts=1), second)
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.tasks.get("t1") == carting.updated(attempts=1)
            assert await uow.tasks.transitions("t1") == [created(t1), first, second]

    async def test_a_stale_status_change_is_refused(self, backend: Backend) -> None:
        """Compare-and-set: a stop and the runner racing on one task cannot both win."""
        await seed(backend)
        t1 = task("t1", status=TaskStatus.WAITING)
        async with backend.new_uow() as uow:
            await uow.tasks.add(t1, created(t1))
            await uow.commit()
        cancelled, stop = transition(t1, TaskStatus.CANCELLED, at(1), "stopped")
        carting, run = transition(t1, TaskStatus.CARTING, at(1), "restock")
        async with backend.new_uow() as uow:
            await uow.tasks.update(cancelled, stop)
            await uow.commit()
        async with backend.new_uow() as uow:
            with pytest.raises(InvalidTransition, match="cancelled"):
                await uow.tasks.update(carting, run)
            with pytest.raises(TaskNotFound):
                await uow.tasks.update(task("ghost"))
        async with backend.new_uow() as uow:
            assert (await uow.tasks.get("t1")) == cancelled
            assert [x.to_status for x in await uow.tasks.transitions("t1")] == [
                TaskStatus.WAITING,
                TaskStatus.CANCELLED,
            ]

    async def test_an_edit_without_transition_keeps_the_status_or_fails(self, backend: Backend) -> None:
        await seed(backend)
        t1 = task("t1")
        async with backend.new_uow() as uow:
            await uow.tasks.add(t1, created(t1))
            await uow.commit()
        edited = t1.updated(sizes=("10",), quantity=1, group=None, updated_at=at(5))
        async with backend.new_uow() as uow:
            await uow.tasks.update(edited)
            with pytest.raises(InvalidTransition):
                await uow.tasks.update(edited.updated(status=TaskStatus.WAITING))
            with pytest.raises(InvalidTask):
                await uow.tasks.update(edited.updated(profile_id="ghost"))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.tasks.get("t1") == edited
            assert len(await uow.tasks.transitions("t1")) == 1


class TestListGroupsDelete:
    async def test_list_filters_newest_first(self, backend: Backend) -> None:
        await seed(backend, with_rule=True)
        rows = [
            task("t1", created=at(1)),
            task("t2", created=at(2), status=TaskStatus.WAITING, store_id="s2", group="b"),
            task("t3", created=at(3), status=TaskStatus.WAITING, rule_id="r1", event_id="e1", group=None),
            task("t4", created=at(3), status=TaskStatus.FAILED),
        ]
        async with backend.new_uow() as uow:
            for t in rows:
                await uow.tasks.add(t, created(t))
            await uow.commit()

        async def ids(**query: object) -> list[str]:
            async with backend.new_uow() as uow:
                return [t.id for t in await uow.tasks.list(TaskQuery(**query))]  # type: ignore[arg-type]

        assert await ids() == ["t4", "t3", "t2", "t1"]
        assert await ids(limit=2) == ["t4", "t3"]
        assert await ids(statuses=frozenset({TaskStatus.WAITING})) == ["t3", "t2"]
        assert await ids(statuses=frozenset({TaskStatus.WAITING}), store_id="s1") == ["t3"]
        assert await ids(group="drops") == ["t4", "t1"]
        assert await ids(rule_id="r1") == ["t3"]
        async with backend.new_uow() as uow:
            assert await uow.tasks.groups() == ["b", "drops"]

    async def test_delete_takes_transitions_but_not_attempts(self, backend: Backend) -> None:
        await seed(backend)
        async with backend.new_uow() as uow:
            await uow.tasks.add(task("t1"), created(task("t1")))
            assert await uow.attempts.add(attempt("a1", task_id="t1"))
            await uow.commit()
        async with backend.new_uow() as uow:
            await uow.tasks.delete("t1")
            await uow.tasks.delete("t1")
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.tasks.get("t1") is None
            assert await uow.tasks.transitions("t1") == []
            assert [a.id for a in await uow.attempts.for_task("t1")] == ["a1"], "history stays"

    async def test_store_deletion_takes_its_tasks_and_attempts(self, backend: Backend) -> None:
        await seed(backend)
        async with backend.new_uow() as uow:
            await uow.tasks.add(task("t1"), created(task("t1")))
            await uow.tasks.add(task("t2", store_id="s2"), created(task("t2", store_id="s2")))
            assert await uow.attempts.add(attempt("a1", task_id="t1"))
            await uow.commit()
        async with backend.new_uow() as uow:
            await uow.stores.delete("s1")
            await uow.commit()
        async with backend.new_uow() as uow:
            assert [t.id for t in await uow.tasks.list(TaskQuery())] == ["t2"]
            assert await uow.attempts.get("a1") is None
            assert await uow.tasks.transitions("t1") == []

    async def test_deleting_a_rule_leaves_its_tasks_without_it(self, backend: Backend) -> None:
        await seed(backend, with_rule=True)
        t1 = task("t1", rule_id="r1", event_id="e1")
        async with backend.new_uow() as uow:
            await uow.tasks.add(t1, created(t1))
            await uow.commit()
        async with backend.new_uow() as uow:
            await uow.rules.delete("r1")
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.tasks.get("t1") == t1.updated(rule_id=None)


class TestConcurrency:
    async def test_twenty_concurrent_inserts_for_one_event_make_one_task(self, backend: Backend) -> None:
        await seed(backend, with_rule=True)

        async def insert(n: int) -> bool:
            t = task(f"t{n:02d}", rule_id="r1", event_id="e1", status=TaskStatus.WAITING)
            async with backend.new_uow() as uow:
                added = await uow.tasks.add(t, created(t))
                await asyncio.sleep(0)  # let the others reach their insert before this one commits
                await uow.commit()
                return added

        results = await asyncio.wait_for(asyncio.gather(*(insert(n) for n in range(20))), timeout=60)
        assert sum(results) == 1
        async with backend.new_uow() as uow:
            assert len(await uow.tasks.list(TaskQuery(rule_id="r1"))) == 1
