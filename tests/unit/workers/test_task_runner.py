"""The task runner on fakes: events through the rules queue, one run per task at a time, stop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from phantom.domain.checkout import (
    CheckoutAttempt,
    CheckoutOutcome,
    CheckoutRequest,
    OutcomeKind,
    ReconcileVerdict,
    Reconciliation,
)
from phantom.domain.events import EventKind, StoredEvent
from phantom.domain.models import Platform
from phantom.domain.ports import SubmitGuard
from phantom.domain.products import record_of
from phantom.domain.tasks import Task, TaskMode, TaskStatus
from phantom.services.checkout import CheckoutDeps
from phantom.workers.task_runner import TaskRunner
from tests.e2e.support import wait_for
from tests.fakes import EPOCH, FakeDatabase, FakeEventSink, FrozenClock, SequentialIds, product_key
from tests.unit.services.task_factories import event, product, seed_profile, seed_store, seed_task


@dataclass
class SlowModule:
    """Blocks until released, so a test can act while a checkout is under way."""

    release: asyncio.Event = field(default_factory=asyncio.Event)
    runs: list[str] = field(default_factory=list)

    async def run(self, request: CheckoutRequest, guard: SubmitGuard) -> CheckoutOutcome:
        self.runs.append(request.attempt.key)
        await self.release.wait()
        return CheckoutOutcome(OutcomeKind.LINK_READY, url="L")

    async def reconcile(self, attempt: CheckoutAttempt) -> Reconciliation:
        return Reconciliation(ReconcileVerdict.UNKNOWN)


def runner(db: FakeDatabase, module: SlowModule, matched: list[StoredEvent], seen: list[Task]) -> TaskRunner:
    deps = CheckoutDeps(
        uow_factory=db.uow_factory(),
        clock=FrozenClock(),
        ids=SequentialIds("r"),
        modules={(Platform.SHOPIFY, TaskMode.ASSIST): module},
        events=FakeEventSink(),
        on_task=seen.append,
    )

    async def match(e: StoredEvent) -> list[Task]:
        matched.append(e)
        return [t for t in db.tasks.values() if t.status is TaskStatus.WAITING]

    return TaskRunner(deps, match_event=match, concurrency=2)


async def test_events_wake_tasks_once_and_checkout_kinds_are_not_matched() -> None:
    db = FakeDatabase()
    seed_store(db)
    seed_profile(db)
    seed_task(db, "t1", TaskStatus.WAITING)
    drop = event(item=product())
    db.events[drop.id] = drop
    module, matched, seen = SlowModule(), [], []
    r = runner(db, module, matched, seen)
    await r.start()
    try:
        r.on_event(drop)
        r.on_event(drop)  # a burst: the second run of the same task is dropped while the first runs
        r.on_event(event("e2", kind=EventKind.CHECKOUT_LINK))
        await wait_for(lambda: module.runs == ["t1-1"] and len(matched) == 2, what="one run")
        assert r.running() == {"t1"}
        module.release.set()
        await wait_for(lambda: not r.running(), what="the run to finish")
        assert db.tasks["t1"].status is TaskStatus.NEEDS_ACTION
        assert [t.status for t in seen][-1] is TaskStatus.NEEDS_ACTION
        assert [e.kind for e in matched] == [EventKind.RESTOCK, EventKind.RESTOCK]
    finally:
        await r.stop_all()


async def test_stop_cancels_a_run_and_records_it() -> None:
    db = FakeDatabase()
    seed_store(db)
    seed_task(db, "t1", TaskStatus.WAITING)
    drop = event(item=product())
    db.events[drop.id] = drop
    module, seen = SlowModule(), []
    r = runner(db, module, [], seen)
    r.run("t1", drop)
    await wait_for(lambda: module.runs == ["t1-1"], what="the run to start")
    r.stop("t1")
    await wait_for(lambda: not r.running(), what="the run to stop")
    [attempt] = db.attempts.values()
    assert attempt.status.value == "failed" and "stopped before submission" in (attempt.detail or "")
    await r.stop_all()


async def test_stop_then_start_runs_the_task_again_once_the_stopped_run_has_wound_down() -> None:
    db = FakeDatabase()
    seed_store(db)
    seed_task(db, "t1", TaskStatus.WAITING)
    drop = event(item=product())
    db.events[drop.id] = drop
    # A start by hand has no event: the product comes from the read model, as the monitors left it.
    db.products[product_key("s1", drop.event.product_id)] = record_of(
        "s1", "https://kith.com", product(), EPOCH
    )
    module, seen = SlowModule(), []
    r = runner(db, module, [], seen)
    r.run("t1", drop)
    await wait_for(lambda: module.runs == ["t1-1"], what="the first run")
    # What stop_task then start_task do: cancel (committed), tell the runner, start (committed), tell it.
    db.tasks["t1"] = db.tasks["t1"].updated(status=TaskStatus.CANCELLED)
    r.stop("t1")
    db.tasks["t1"] = db.tasks["t1"].updated(status=TaskStatus.WAITING)
    r.run("t1")
    await wait_for(lambda: module.runs == ["t1-1", "t1-2"], what="the second run")
    module.release.set()
    await wait_for(lambda: not r.running(), what="the second run to finish")
    attempts = sorted(db.attempts.values(), key=lambda a: a.number)
    assert [(a.number, a.status.value) for a in attempts] == [(1, "failed"), (2, "link_ready")]
    assert db.tasks["t1"].status is TaskStatus.NEEDS_ACTION
    await r.stop_all()
