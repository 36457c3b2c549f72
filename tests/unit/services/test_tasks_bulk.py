"""Bulk task use cases: create many all-or-nothing, act on many with a result per task, act on a group;
and CSV import/export (services/task_exchange.py)."""

from __future__ import annotations

import pytest

from phantom.domain.ports import TaskQuery
from phantom.domain.tasks import ProductTarget, TaskBatchRejected, TaskMode, TaskStatus
from phantom.services import tasks as svc
from phantom.services.task_exchange import export_tasks, import_tasks
from tests.fakes import FakeDatabase, FakeTaskControl, FrozenClock, SequentialIds
from tests.unit.services.task_factories import seed_profile, seed_proxy_list, seed_store, seed_task


@pytest.fixture
def control() -> FakeTaskControl:
    return FakeTaskControl()


@pytest.fixture(autouse=True)
def world(db: FakeDatabase) -> None:
    seed_store(db)
    seed_store(db, "s2", "https://shop.example")
    seed_profile(db)
    seed_proxy_list(db)


def spec(**changes: object) -> svc.TaskSpec:
    fields: dict[str, object] = {"store": "s1", "target": ProductTarget(handle="dunk-low"), **changes}
    return svc.TaskSpec(**fields)  # type: ignore[arg-type]


class TestBulkCreate:
    async def test_all_or_nothing_with_every_problem_numbered(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        specs = [spec(), spec(store="ghost"), spec(), spec(quantity=0, profile="nobody")]
        with pytest.raises(TaskBatchRejected) as caught:
            await svc.bulk_create(specs, uow_factory=db.uow_factory(), clock=clock, ids=ids)
        assert [(n, f) for n, f, _ in caught.value.problems] == [(2, "store"), (4, "profile")]
        assert db.tasks == {} and db.commits == 0

        created = await svc.bulk_create(
            [spec(), spec(store="https://shop.example", group="g")],
            uow_factory=db.uow_factory(),
            clock=clock,
            ids=ids,
        )
        assert [t.store_id for t in created] == ["s1", "s2"] and len(db.tasks) == 2 and db.commits == 1

    async def test_an_empty_batch_is_refused(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        with pytest.raises(TaskBatchRejected):
            await svc.bulk_create([], uow_factory=db.uow_factory(), clock=clock, ids=ids)


class TestBulkAction:
    async def test_start_gives_each_task_its_result(
        self, db: FakeDatabase, clock: FrozenClock, control: FakeTaskControl
    ) -> None:
        seed_task(db, "t1")
        seed_task(db, "t2", TaskStatus.CARTING)
        seed_task(db, "t3", TaskStatus.FAILED)
        results = await svc.bulk_action(
            svc.BulkAction.START,
            ["t1", "t2", "t3", "ghost", "t1"],
            uow_factory=db.uow_factory(),
            clock=clock,
            control=control,
        )
        assert [(r.task_id, r.ok, r.error) for r in results] == [
            ("t1", True, None),
            ("t2", False, "TaskBusy"),
            ("t3", True, None),
            ("ghost", False, "TaskNotFound"),
        ]
        assert control.run_ids == ["t1", "t3"]
        assert db.tasks["t1"].status is TaskStatus.WAITING and db.tasks["t2"].status is TaskStatus.CARTING

    async def test_stop_delete_and_edit(
        self, db: FakeDatabase, clock: FrozenClock, control: FakeTaskControl
    ) -> None:
        seed_task(db, "t1", TaskStatus.WAITING)
        seed_task(db, "t2", TaskStatus.SUBMITTED)
        stopped = await svc.bulk_action(
            svc.BulkAction.STOP, ["t1", "t2"], uow_factory=db.uow_factory(), clock=clock, control=control
        )
        assert [(r.ok, r.error) for r in stopped] == [(True, None), (False, "InvalidTransition")]
        assert control.stops == ["t1"]

        edited = await svc.bulk_action(
            svc.BulkAction.EDIT,
            ["t1", "t2"],
            uow_factory=db.uow_factory(),
            clock=clock,
            control=control,
            changes={"mode": TaskMode.BROWSER, "profile": "p1"},
        )
        assert [(r.ok, r.error) for r in edited] == [(True, None), (False, "TaskBusy")]
        assert db.tasks["t1"].mode is TaskMode.BROWSER and db.tasks["t1"].profile_id == "p1"

        deleted = await svc.bulk_action(
            svc.BulkAction.DELETE, ["t1", "t2"], uow_factory=db.uow_factory(), clock=clock, control=control
        )
        assert [r.ok for r in deleted] == [True, False] and set(db.tasks) == {"t2"}

    async def test_group_start(self, db: FakeDatabase, clock: FrozenClock, control: FakeTaskControl) -> None:
        seed_task(db, "t1", group="drop")
        seed_task(db, "t2", group="drop")
        seed_task(db, "t3", group="other")
        results = await svc.group_action(
            svc.BulkAction.START, "drop", uow_factory=db.uow_factory(), clock=clock, control=control
        )
        assert sorted(r.task_id for r in results if r.ok) == ["t1", "t2"]
        assert db.tasks["t3"].status is TaskStatus.IDLE


CSV = """store,url,handle,variant_id,sku,keywords,sizes,quantity,profile,mode,max_price,proxy_list,group,test_mode
https://kith.com,,dunk-low,,,,9;9.5;10,2,Main,browser,180,resi,drop,true
s2,,,,DD1391-100,,any,,,,,,,
"""


class TestCsv:
    async def test_import_then_export_round_trips(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        created = await import_tasks(CSV, uow_factory=db.uow_factory(), clock=clock, ids=ids)
        first, second = created
        assert first.store_id == "s1" and first.sizes == ("9", "9.5", "10") and first.quantity == 2
        assert (first.profile_id, first.mode, first.max_price, first.proxy_list_id) == (
            "p1",
            TaskMode.BROWSER,
            18000,
            "pl1",
        )
        assert first.group == "drop" and first.test_mode is True
        assert second.store_id == "s2" and second.target.sku == "DD1391-100" and second.sizes == ()

        exported = await export_tasks(TaskQuery(), uow_factory=db.uow_factory())
        lines = exported.splitlines()
        assert lines[0] == CSV.splitlines()[0]
        assert lines[1] == "https://kith.com,,dunk-low,,,,9;9.5;10,2,Main,browser,180.00,resi,drop,true"
        again = await import_tasks(exported, uow_factory=db.uow_factory(), clock=clock, ids=ids)
        strip = lambda t: t.updated(id="", created_at=None, updated_at=None)  # noqa: E731
        assert [strip(t) for t in again] == [strip(t) for t in created]

    async def test_bad_rows_import_nothing_and_are_all_reported(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        content = (
            "store,handle,quantity,mode,max_price,test_mode,profile\n"
            "s1,dunk,two,assist,,,\n"
            "s1,dunk,1,fast,1.234,maybe,\n"
            "ghost,dunk,1,,,,nobody\n"
            "s1,dunk,1,,,,\n"
        )
        with pytest.raises(TaskBatchRejected) as caught:
            await import_tasks(content, uow_factory=db.uow_factory(), clock=clock, ids=ids)
        assert [(n, f) for n, f, _ in caught.value.problems] == [
            (1, "quantity"),
            (2, "mode"),
            (2, "max_price"),
            (2, "test_mode"),
        ]
        assert db.tasks == {}
        # Once the text is fine, references are checked (still nothing written when one is bad).
        fixed = content.replace("two", "1").replace("fast,1.234,maybe", "assist,1.23,no")
        with pytest.raises(TaskBatchRejected) as caught:
            await import_tasks(fixed, uow_factory=db.uow_factory(), clock=clock, ids=ids)
        assert [(n, f) for n, f, _ in caught.value.problems] == [(3, "store"), (3, "profile")]
        assert db.tasks == {}

    @pytest.mark.parametrize(
        ("content", "field"),
        [
            ("handle\ndunk\n", "store"),
            ("store,handle,colour\ns1,dunk,red\n", "header"),
            ("store,handle\n", "content"),
            ("store,handle\ns1,dunk,extra\n", "row"),
        ],
    )
    async def test_file_level_problems(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds, content: str, field: str
    ) -> None:
        with pytest.raises(TaskBatchRejected) as caught:
            await import_tasks(content, uow_factory=db.uow_factory(), clock=clock, ids=ids)
        assert field in [f for _, f, _ in caught.value.problems]
