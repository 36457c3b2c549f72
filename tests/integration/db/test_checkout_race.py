"""Never twice under concurrency: 20 handlers of one event make one task, and 20 runs of that task at once
make one checkout attempt and one submission — on SQLite and (opt-in) PostgreSQL."""

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
from phantom.domain.models import Platform
from phantom.domain.ports import SubmitGuard, TaskQuery
from phantom.domain.tasks import TaskMode
from phantom.services.checkout import CheckoutDeps, run_task
from phantom.services.rules import RuleSpec, create_rule, on_event
from tests.fakes import FakeEventSink, FrozenClock, SequentialIds
from tests.integration.db.builders import event, store
from tests.integration.db.conftest import Backend

RUNS = 20


@dataclass
class CountingModule:
    runs: list[str] = field(default_factory=list)

    async def run(self, request: CheckoutRequest, guard: SubmitGuard) -> CheckoutOutcome:
        await asyncio.sleep(0.01)  # let the other runs pile up behind this one
        await guard.before_submit("https://store.example/checkouts/1")
        self.runs.append(request.attempt.key)
        return CheckoutOutcome(OutcomeKind.ORDER_PLACED, order_name="#1001")

    async def reconcile(self, attempt: CheckoutAttempt) -> Reconciliation:
        return Reconciliation(ReconcileVerdict.UNKNOWN)


async def test_one_event_many_handlers_one_attempt(backend: Backend) -> None:
    clock, ids = FrozenClock(), SequentialIds()
    factory = backend.new_uow
    async with factory() as uow:
        await uow.stores.add(store("s1"))
        assert await uow.events.add(event("e1"))
        await uow.commit()
    await create_rule(RuleSpec(name="dunks", keywords="dunk"), uow_factory=factory, clock=clock, ids=ids)
    async with factory() as uow:
        stored = await uow.events.get("e1")
    assert stored is not None and stored.event.product is not None

    handled = await asyncio.gather(
        *(on_event(stored, uow_factory=factory, clock=clock, ids=ids) for _ in range(RUNS))
    )
    made = {t.id for tasks in handled for t in tasks}
    assert len(made) == 1
    [task_id] = made

    module = CountingModule()
    deps = CheckoutDeps(
        uow_factory=factory,
        clock=clock,
        ids=ids,
        modules={(Platform.SHOPIFY, TaskMode.ASSIST): module},
        events=FakeEventSink(),
    )
    results = await asyncio.wait_for(
        asyncio.gather(*(run_task(task_id, stored, deps) for _ in range(RUNS))), 60
    )
    assert sum(r is not None and r.attempt is not None for r in results) == 1
    assert module.runs == [f"{task_id}-1"], "exactly one submission"
    async with factory() as uow:
        attempts = await uow.attempts.for_task(task_id)
        tasks = await uow.tasks.list(TaskQuery(store_id="s1"))
    assert [(a.number, a.status.value) for a in attempts] == [(1, "succeeded")]
    assert [t.status.value for t in tasks] == ["success"]
