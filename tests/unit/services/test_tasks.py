"""Task use cases on fakes: create (with references by id, URL or name), read with transitions and attempts,
edit only when idle, delete, start and stop through the state machine and the runner."""

from __future__ import annotations

import pytest

from phantom.domain.checkout import AttemptStatus
from phantom.domain.ports import TaskQuery
from phantom.domain.tasks import (
    InvalidTask,
    InvalidTransition,
    ProductTarget,
    TaskBusy,
    TaskMode,
    TaskNotFound,
    TaskStatus,
)
from phantom.services import tasks as svc
from tests.fakes import FakeDatabase, FakeTaskControl, FrozenClock, SequentialIds
from tests.unit.services.task_factories import (
    attempt,
    seed_profile,
    seed_proxy_list,
    seed_store,
    seed_task,
)

DUNK = ProductTarget(handle="dunk-low")


@pytest.fixture
def control() -> FakeTaskControl:
    return FakeTaskControl()


@pytest.fixture(autouse=True)
def world(db: FakeDatabase) -> None:
    seed_store(db)
    seed_profile(db)
    seed_proxy_list(db)


async def create(db: FakeDatabase, clock: FrozenClock, ids: SequentialIds, **spec: object) -> svc.Task:
    fields: dict[str, object] = {"store": "s1", "target": DUNK, **spec}
    return await svc.create_task(svc.TaskSpec(**fields), uow_factory=db.uow_factory(), clock=clock, ids=ids)  # type: ignore[arg-type]


class TestCreate:
    async def test_references_by_url_and_name_become_ids(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        task = await create(
            db,
            clock,
            ids,
            store="https://Kith.com/",
            profile="Main",
            proxy_list="resi",
            sizes=(" 9 ", "9.5", "9 "),
            group="  drop day ",
            mode=TaskMode.BROWSER,
            max_price=15000,
        )
        assert (task.store_id, task.profile_id, task.proxy_list_id) == ("s1", "p1", "pl1")
        assert task.sizes == ("9", "9.5") and task.group == "drop day"
        assert task.status is TaskStatus.IDLE
        assert db.tasks[task.id] == task
        detail = await svc.get_task(task.id, uow_factory=db.uow_factory())
        assert [(t.from_status, t.to_status, t.reason) for t in detail.transitions] == [
            (None, TaskStatus.IDLE, "created")
        ]

    async def test_sizes_any_means_every_size(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        assert (await create(db, clock, ids, sizes=("any",))).sizes == ()

    async def test_every_bad_reference_is_named(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        with pytest.raises(InvalidTask) as caught:
            await create(db, clock, ids, store="ghost", profile="nobody", proxy_list="none")
        message = str(caught.value)
        assert "store" in message and "profile" in message and "proxy_list" in message
        assert db.tasks == {}

    @pytest.mark.parametrize(
        ("spec", "match"),
        [
            ({"target": ProductTarget()}, "product"),
            ({"quantity": 11}, "quantity"),
            ({"mode": TaskMode.BROWSER}, "profile"),
            ({"target": ProductTarget(url="kith.com/products/x")}, "url"),
        ],
    )
    async def test_domain_rules_apply(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds, spec: dict[str, object], match: str
    ) -> None:
        with pytest.raises(InvalidTask, match=match):
            await create(db, clock, ids, **spec)


class TestReadListGroups:
    async def test_detail_has_transitions_and_attempts(self, db: FakeDatabase) -> None:
        seed_task(db, "t1")
        db.attempts["a1"] = attempt("a1", task_id="t1")
        db.attempts["a2"] = attempt("a2", task_id="t1", number=2, status=AttemptStatus.FAILED)
        detail = await svc.get_task("t1", uow_factory=db.uow_factory())
        assert detail.task.id == "t1" and [a.id for a in detail.attempts] == ["a1", "a2"]
        with pytest.raises(TaskNotFound):
            await svc.get_task("ghost", uow_factory=db.uow_factory())

    async def test_list_filters_and_groups(self, db: FakeDatabase) -> None:
        seed_task(db, "t1", group="a")
        seed_task(db, "t2", TaskStatus.WAITING, group="b")
        seed_task(db, "t3", TaskStatus.WAITING)
        query = TaskQuery(statuses=frozenset({TaskStatus.WAITING}))
        assert {t.id for t in await svc.list_tasks(query, uow_factory=db.uow_factory())} == {"t2", "t3"}
        assert await svc.list_groups(uow_factory=db.uow_factory()) == ["a", "b"]


class TestEditAndDelete:
    async def test_edit_changes_only_what_is_given(self, db: FakeDatabase, clock: FrozenClock) -> None:
        seed_task(db, "t1", TaskStatus.FAILED, sizes=("9",), group="a", max_price=10000)
        clock.advance(60)
        task = await svc.update_task(
            "t1",
            {"sizes": ["10", "11"], "group": None, "profile": "Main", "sku": "DD1391-100", "max_price": None},
            uow_factory=db.uow_factory(),
            clock=clock,
        )
        assert task.sizes == ("10", "11") and task.group is None and task.profile_id == "p1"
        assert task.target == ProductTarget(handle="dunk-low", sku="DD1391-100")
        assert task.max_price is None and task.status is TaskStatus.FAILED
        assert task.updated_at == clock.now() and db.tasks["t1"] == task

    async def test_a_running_task_is_not_edited_or_deleted(
        self, db: FakeDatabase, clock: FrozenClock, control: FakeTaskControl
    ) -> None:
        seed_task(db, "t1", TaskStatus.CHECKING_OUT)
        with pytest.raises(TaskBusy):
            await svc.update_task("t1", {"quantity": 2}, uow_factory=db.uow_factory(), clock=clock)
        with pytest.raises(TaskBusy):
            await svc.delete_task("t1", uow_factory=db.uow_factory(), control=control)
        assert "t1" in db.tasks

    async def test_bad_edits(self, db: FakeDatabase, clock: FrozenClock) -> None:
        seed_task(db, "t1")
        for changes, match in (
            ({"status": "success"}, "cannot change"),
            ({"profile": "ghost"}, "profile"),
            ({"quantity": 0}, "quantity"),
            ({"handle": None}, "product"),
        ):
            with pytest.raises(InvalidTask, match=match):
                await svc.update_task("t1", changes, uow_factory=db.uow_factory(), clock=clock)
        assert db.tasks["t1"].quantity == 1

    async def test_delete_keeps_attempts_and_tells_the_runner(
        self, db: FakeDatabase, control: FakeTaskControl
    ) -> None:
        seed_task(db, "t1", TaskStatus.WAITING)
        db.attempts["a1"] = attempt("a1", task_id="t1")
        await svc.delete_task("t1", uow_factory=db.uow_factory(), control=control)
        assert "t1" not in db.tasks and "a1" in db.attempts and control.stops == ["t1"]


class TestStartStop:
    async def test_start_moves_to_waiting_and_runs(
        self, db: FakeDatabase, clock: FrozenClock, control: FakeTaskControl
    ) -> None:
        seed_task(db, "t1")
        task = await svc.start_task("t1", uow_factory=db.uow_factory(), clock=clock, control=control)
        assert task.status is TaskStatus.WAITING and db.tasks["t1"].status is TaskStatus.WAITING
        assert control.run_ids == ["t1"]
        detail = await svc.get_task("t1", uow_factory=db.uow_factory())
        assert [(t.from_status, t.to_status, t.reason) for t in detail.transitions][-1] == (
            TaskStatus.IDLE,
            TaskStatus.WAITING,
            "started",
        )

    async def test_starting_a_waiting_task_runs_it_again_without_a_transition(
        self, db: FakeDatabase, clock: FrozenClock, control: FakeTaskControl
    ) -> None:
        seed_task(db, "t1", TaskStatus.WAITING)
        await svc.start_task("t1", uow_factory=db.uow_factory(), clock=clock, control=control)
        assert control.run_ids == ["t1"] and len([k for k in db.transitions if k.startswith("t1")]) == 1

    @pytest.mark.parametrize(
        ("status", "error"),
        [(TaskStatus.CARTING, TaskBusy), (TaskStatus.SUCCESS, InvalidTransition)],
    )
    async def test_start_refused(
        self,
        db: FakeDatabase,
        clock: FrozenClock,
        control: FakeTaskControl,
        status: TaskStatus,
        error: type[Exception],
    ) -> None:
        seed_task(db, "t1", status)
        with pytest.raises(error):
            await svc.start_task("t1", uow_factory=db.uow_factory(), clock=clock, control=control)
        assert control.runs == []

    async def test_start_refuses_a_browser_task_whose_profile_is_gone(
        self, db: FakeDatabase, clock: FrozenClock, control: FakeTaskControl
    ) -> None:
        seed_task(db, "t1", mode=TaskMode.BROWSER, profile_id=None)
        with pytest.raises(InvalidTask, match="profile"):
            await svc.start_task("t1", uow_factory=db.uow_factory(), clock=clock, control=control)

    async def test_stop_cancels_and_tells_the_runner(
        self, db: FakeDatabase, clock: FrozenClock, control: FakeTaskControl
    ) -> None:
        seed_task(db, "t1", TaskStatus.CARTING)
        task = await svc.stop_task("t1", uow_factory=db.uow_factory(), clock=clock, control=control)
        assert task.status is TaskStatus.CANCELLED and task.status_reason == "stopped"
        assert control.stops == ["t1"]

    async def test_stop_leaves_finished_tasks_and_refuses_a_submitted_one(
        self, db: FakeDatabase, clock: FrozenClock, control: FakeTaskControl
    ) -> None:
        seed_task(db, "t1", TaskStatus.SUCCESS)
        seed_task(db, "t2", TaskStatus.SUBMITTED)
        task = await svc.stop_task("t1", uow_factory=db.uow_factory(), clock=clock, control=control)
        assert task.status is TaskStatus.SUCCESS
        with pytest.raises(InvalidTransition):
            await svc.stop_task("t2", uow_factory=db.uow_factory(), clock=clock, control=control)
        assert db.tasks["t2"].status is TaskStatus.SUBMITTED

    async def test_quick_task_creates_and_starts_in_one_go(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds, control: FakeTaskControl
    ) -> None:
        spec = svc.TaskSpec(store="https://kith.com", target=ProductTarget(variant_id="401"), sizes=("9",))
        task = await svc.quick_task(spec, uow_factory=db.uow_factory(), clock=clock, ids=ids, control=control)
        assert task.status is TaskStatus.WAITING and control.run_ids == [task.id]
        detail = await svc.get_task(task.id, uow_factory=db.uow_factory())
        assert [t.to_status for t in detail.transitions] == [TaskStatus.IDLE, TaskStatus.WAITING]
        assert db.commits == 1
