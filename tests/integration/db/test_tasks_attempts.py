"""AttemptRepository contract: one attempt per task and number, open attempts for crash recovery, and the
history list (filters, newest first, keyset paging)."""

from __future__ import annotations

import pytest

from phantom.domain.checkout import AttemptStatus
from phantom.domain.history import AttemptNotFound
from phantom.domain.ports import AttemptQuery
from phantom.domain.tasks import TaskMode
from tests.integration.db.builders import at, store
from tests.integration.db.conftest import Backend
from tests.integration.db.task_builders import attempt


async def seed(backend: Backend) -> None:
    async with backend.new_uow() as uow:
        await uow.stores.add(store("s1"))
        await uow.stores.add(store("s2"))
        await uow.commit()


class TestAttempts:
    async def test_round_trip_and_one_attempt_per_task_and_number(self, backend: Backend) -> None:
        await seed(backend)
        a1 = attempt("a1", submitted_at=at(1), checkout_url="https://s1.example/checkouts/c1", detail="x")
        async with backend.new_uow() as uow:
            assert await uow.attempts.add(a1)
            assert not await uow.attempts.add(attempt("a2", number=1)), "same task, same number"
            assert await uow.attempts.add(attempt("a3", number=2))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.attempts.get("a1") == a1
            assert await uow.attempts.get("a2") is None
            assert [a.id for a in await uow.attempts.for_task("t1")] == ["a1", "a3"]

    async def test_update_and_unknown_id(self, backend: Backend) -> None:
        await seed(backend)
        async with backend.new_uow() as uow:
            await uow.attempts.add(attempt("a1"))
            await uow.commit()
        done = attempt("a1").updated(
            status=AttemptStatus.SUCCEEDED, finished_at=at(3), order_name="#1001", submitted_at=at(2)
        )
        async with backend.new_uow() as uow:
            await uow.attempts.update(done)
            with pytest.raises(AttemptNotFound):
                await uow.attempts.update(attempt("ghost"))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.attempts.get("a1") == done

    async def test_open_lists_started_and_submitting_oldest_first(self, backend: Backend) -> None:
        await seed(backend)
        async with backend.new_uow() as uow:
            await uow.attempts.add(
                attempt("a1", task_id="t1", status=AttemptStatus.SUBMITTING, created=at(2))
            )
            await uow.attempts.add(attempt("a2", task_id="t2", status=AttemptStatus.STARTED, created=at(1)))
            await uow.attempts.add(attempt("a3", task_id="t3", status=AttemptStatus.LINK_READY))
            await uow.attempts.add(attempt("a4", task_id="t4", status=AttemptStatus.FAILED))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert [a.id for a in await uow.attempts.open()] == ["a2", "a1"]


class TestHistoryList:
    async def test_filters_order_and_keyset_paging(self, backend: Backend) -> None:
        await seed(backend)
        rows = [
            attempt("a1", task_id="t1", created=at(1), status=AttemptStatus.LINK_READY),
            attempt("a2", task_id="t2", created=at(2), store_id="s2", mode=TaskMode.BROWSER),
            attempt("a3", task_id="t3", created=at(3), status=AttemptStatus.FAILED),
            attempt("a4", task_id="t4", created=at(3), status=AttemptStatus.LINK_READY),
            attempt("a5", task_id="t5", created=at(4), store_id="s2", status=AttemptStatus.SUCCEEDED),
        ]
        async with backend.new_uow() as uow:
            for a in rows:
                await uow.attempts.add(a)
            await uow.commit()

        async def ids(**query: object) -> list[str]:
            async with backend.new_uow() as uow:
                return [a.id for a in await uow.attempts.list(AttemptQuery(**query))]  # type: ignore[arg-type]

        assert await ids() == ["a5", "a4", "a3", "a2", "a1"]
        assert await ids(store_id="s2") == ["a5", "a2"]
        assert await ids(mode=TaskMode.BROWSER) == ["a2"]
        assert await ids(statuses=frozenset({AttemptStatus.LINK_READY})) == ["a4", "a1"]
        assert await ids(since=at(2), until=at(4)) == ["a4", "a3", "a2"]
        # Pages of two, continuing strictly after the last row of the previous page (ties on created_at).
        first = await ids(limit=2)
        assert first == ["a5", "a4"]
        assert await ids(limit=2, before=(at(3), "a4")) == ["a3", "a2"]
        assert await ids(limit=2, before=(at(2), "a2")) == ["a1"]
