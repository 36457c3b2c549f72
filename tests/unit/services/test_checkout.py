"""Checkout orchestration on fakes of our own ports: attempt before submission, outcomes, recovery."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from phantom.domain.checkout import (
    AttemptStatus,
    CheckoutAttempt,
    CheckoutOutcome,
    CheckoutRequest,
    OutcomeKind,
    ReconcileVerdict,
    Reconciliation,
)
from phantom.domain.errors import StoreBlocked
from phantom.domain.events import EventKind, StoredEvent
from phantom.domain.models import Platform, Product
from phantom.domain.ports import CheckoutModule, SubmitGuard
from phantom.domain.products import record_of
from phantom.domain.stores import Store
from phantom.domain.tasks import ProductTarget, TaskMode, TaskStatus
from phantom.services.checkout import CheckoutDeps, ProductLookup, recover, run_task
from tests.fakes import EPOCH, FakeDatabase, FakeEventSink, FrozenClock, SequentialIds, product_key
from tests.unit.services.task_factories import attempt, event, product, seed_profile, seed_store, seed_task


@dataclass
class ScriptedModule:
    """A checkout module that records what it saw in the database when it ran, then follows a script."""

    db: FakeDatabase
    outcome: CheckoutOutcome = field(default_factory=lambda: CheckoutOutcome(OutcomeKind.LINK_READY, url="L"))
    submit: bool = False
    fail_after_submit: bool = False
    verdict: Reconciliation = field(default_factory=lambda: Reconciliation(ReconcileVerdict.UNKNOWN))
    attempts_seen: list[list[CheckoutAttempt]] = field(default_factory=list)
    requests: list[CheckoutRequest] = field(default_factory=list)
    submitted: int = 0

    async def run(self, request: CheckoutRequest, guard: SubmitGuard) -> CheckoutOutcome:
        self.requests.append(request)
        self.attempts_seen.append(list(self.db.attempts.values()))
        if self.submit:
            await guard.before_submit("https://kith.com/checkouts/abc")
            self.submitted += 1
            if self.fail_after_submit:
                raise RuntimeError("browser died")
        return self.outcome

    async def reconcile(self, attempt: CheckoutAttempt) -> Reconciliation:
        return self.verdict


@pytest.fixture
def sink() -> FakeEventSink:
    return FakeEventSink()


def deps(
    db: FakeDatabase, module: CheckoutModule, sink: FakeEventSink, lookup: ProductLookup | None = None
) -> CheckoutDeps:
    return CheckoutDeps(
        lookup=lookup,
        uow_factory=db.uow_factory(),
        clock=FrozenClock(),
        ids=SequentialIds("x"),
        modules={(Platform.SHOPIFY, TaskMode.ASSIST): module, (Platform.SHOPIFY, TaskMode.BROWSER): module},
        events=sink,
    )


@pytest.fixture(autouse=True)
def world(db: FakeDatabase) -> None:
    seed_store(db)
    seed_profile(db)


def drop(db: FakeDatabase) -> StoredEvent:
    """A stored restock of the default product (a task refers to the event that woke it)."""
    found = event(item=product())
    db.events[found.id] = found
    return found


class TestRun:
    async def test_the_attempt_is_committed_before_the_module_runs(
        self, db: FakeDatabase, sink: FakeEventSink
    ) -> None:
        seed_task(db, "t1", TaskStatus.WAITING, profile_id="p1", sizes=("10",))
        module = ScriptedModule(db)
        result = await run_task("t1", drop(db), deps(db, module, sink))
        assert result is not None and result.attempt is not None
        [seen] = module.attempts_seen
        assert [(a.task_id, a.number, a.status) for a in seen] == [("t1", 1, AttemptStatus.STARTED)]
        request = module.requests[0]
        assert request.variants[0].size == "10" and request.prefill.email == "ada@example.com"
        assert request.card is None, "assist never gets the card"
        assert request.attributes == {"_phantom_attempt": "t1-1"}
        stored = db.attempts[result.attempt.id]
        assert stored.status is AttemptStatus.LINK_READY and stored.link_at is not None
        assert db.tasks["t1"].status is TaskStatus.NEEDS_ACTION and db.tasks["t1"].checkout_url == "L"
        [published] = sink.events
        assert published.kind is EventKind.CHECKOUT_LINK and published.event.link == "L"

    async def test_nothing_wanted_in_stock_waits_without_an_attempt(
        self, db: FakeDatabase, sink: FakeEventSink
    ) -> None:
        seed_task(db, "t1", TaskStatus.IDLE, sizes=("11",))
        module = ScriptedModule(db)
        result = await run_task("t1", drop(db), deps(db, module, sink))
        assert result is not None and result.attempt is None
        assert db.tasks["t1"].status is TaskStatus.WAITING
        assert module.requests == [] and db.attempts == {}

    async def test_browser_mode_gets_the_card_and_records_the_order(
        self, db: FakeDatabase, sink: FakeEventSink
    ) -> None:
        seed_task(db, "t1", TaskStatus.WAITING, profile_id="p1", mode=TaskMode.BROWSER)
        module = ScriptedModule(
            db, CheckoutOutcome(OutcomeKind.ORDER_PLACED, order_name="#1001"), submit=True
        )
        result = await run_task("t1", drop(db), deps(db, module, sink))
        assert result is not None and result.attempt is not None
        assert module.requests[0].card is not None and module.requests[0].card.number == "4111111111111111"
        stored = db.attempts[result.attempt.id]
        assert stored.status is AttemptStatus.SUCCEEDED and stored.order_name == "#1001"
        assert stored.submitted_at is not None and stored.checkout_url == "https://kith.com/checkouts/abc"
        assert db.tasks["t1"].status is TaskStatus.SUCCESS
        assert [e.kind for e in sink.events] == [EventKind.CHECKOUT_SUCCESS]

    async def test_a_crash_after_submission_is_unknown_and_needs_the_person(
        self, db: FakeDatabase, sink: FakeEventSink
    ) -> None:
        seed_task(db, "t1", TaskStatus.WAITING, profile_id="p1", mode=TaskMode.BROWSER)
        module = ScriptedModule(db, submit=True, fail_after_submit=True)
        result = await run_task("t1", drop(db), deps(db, module, sink))
        assert result is not None and result.attempt is not None
        assert db.attempts[result.attempt.id].status is AttemptStatus.UNKNOWN
        assert db.tasks["t1"].status is TaskStatus.NEEDS_ACTION

    async def test_a_task_cancelled_before_submission_is_not_submitted(
        self, db: FakeDatabase, sink: FakeEventSink
    ) -> None:
        seed_task(db, "t1", TaskStatus.WAITING, profile_id="p1", mode=TaskMode.BROWSER)

        class CancelsFirst(ScriptedModule):
            async def run(self, request: CheckoutRequest, guard: SubmitGuard) -> CheckoutOutcome:
                self.db.tasks["t1"] = self.db.tasks["t1"].updated(status=TaskStatus.CANCELLED)
                return await super().run(request, guard)

        module = CancelsFirst(db, submit=True)
        with pytest.raises(asyncio.CancelledError):
            await run_task("t1", drop(db), deps(db, module, sink))
        assert module.submitted == 0
        assert db.tasks["t1"].status is TaskStatus.CANCELLED
        [stored] = db.attempts.values()
        assert stored.status is AttemptStatus.FAILED and stored.submitted_at is None

    async def test_a_finished_task_does_not_run_again(self, db: FakeDatabase, sink: FakeEventSink) -> None:
        seed_task(db, "t1", TaskStatus.SUCCESS)
        module = ScriptedModule(db)
        assert await run_task("t1", drop(db), deps(db, module, sink)) is None
        assert module.requests == []


class TestStartedByHand:
    async def test_the_read_model_supplies_the_product_when_no_event_does(
        self, db: FakeDatabase, sink: FakeEventSink
    ) -> None:
        db.products[product_key("s1", "id-dunk-low")] = record_of("s1", "https://kith.com", product(), EPOCH)
        db.products[product_key("s1", "id-other")] = record_of(
            "s1", "https://kith.com", product("other", title="Adidas Samba OG"), EPOCH
        )
        seed_task(db, "t1", TaskStatus.IDLE, target=ProductTarget(keywords="+dunk +panda"))
        seed_task(db, "t2", TaskStatus.IDLE, target=ProductTarget(variant_id="other-10"))
        module = ScriptedModule(db)
        both = deps(db, module, sink)
        for tid in ("t1", "t2"):
            await run_task(tid, None, both)
        assert [r.variants[0].id for r in module.requests] == ["dunk-low-9", "other-10"]
        assert all(r.attempt.detected_at is None for r in module.requests)

    async def test_a_browser_task_whose_profile_card_is_gone_fails_saying_why(
        self, db: FakeDatabase, sink: FakeEventSink
    ) -> None:
        profile, _ = db.profiles["p1"]
        db.profiles["p1"] = (profile, None)  # type: ignore[assignment]
        seed_task(db, "t1", TaskStatus.WAITING, profile_id="p1", mode=TaskMode.BROWSER)
        module = ScriptedModule(db)
        await run_task("t1", drop(db), deps(db, module, sink))
        assert module.requests == [] and db.attempts == {}
        assert db.tasks["t1"].status is TaskStatus.FAILED
        assert "card cannot be read" in (db.tasks["t1"].status_reason or "")

    async def test_test_mode_says_so_in_every_outcome(self, db: FakeDatabase, sink: FakeEventSink) -> None:
        seed_task(db, "t1", TaskStatus.WAITING, profile_id="p1", test_mode=True)
        module = ScriptedModule(db, CheckoutOutcome(OutcomeKind.OUT_OF_STOCK, "sold out at payment"))
        await run_task("t1", drop(db), deps(db, module, sink))
        assert db.tasks["t1"].status_reason == "[test] out of stock at checkout: sold out at payment"


class TestLookup:
    async def test_a_product_the_monitors_never_saw_is_fetched_from_the_store(
        self, db: FakeDatabase, sink: FakeEventSink
    ) -> None:
        seed_task(db, "t1", TaskStatus.IDLE, profile_id="p1")
        asked: list[tuple[str, str]] = []

        async def lookup(store: Store, handle: str) -> Product | None:
            asked.append((store.id, handle))
            return product(handle)

        module = ScriptedModule(db)
        result = await run_task("t1", None, deps(db, module, sink, lookup))
        assert asked == [("s1", "dunk-low")]
        assert result is not None and result.attempt is not None and result.attempt.detected_at is None
        assert module.requests[0].variants[0].id == "dunk-low-9"

    async def test_a_store_that_refuses_the_lookup_leaves_the_task_waiting(
        self, db: FakeDatabase, sink: FakeEventSink
    ) -> None:
        seed_task(db, "t1", TaskStatus.IDLE)

        async def lookup(store: Store, handle: str) -> Product | None:
            raise StoreBlocked("captcha")

        module = ScriptedModule(db)
        await run_task("t1", None, deps(db, module, sink, lookup))
        assert db.tasks["t1"].status is TaskStatus.WAITING and module.requests == []


class TestRecover:
    async def test_each_open_attempt_is_settled_and_never_resubmitted(
        self, db: FakeDatabase, sink: FakeEventSink
    ) -> None:
        cases = {
            "a": (AttemptStatus.STARTED, ReconcileVerdict.ORDER_PLACED),  # STARTED: never asks the store
            "b": (AttemptStatus.SUBMITTING, ReconcileVerdict.ORDER_PLACED),
            "c": (AttemptStatus.SUBMITTING, ReconcileVerdict.NOT_PLACED),
            "d": (AttemptStatus.SUBMITTING, ReconcileVerdict.UNKNOWN),
        }
        for aid, (status, _) in cases.items():
            task_status = TaskStatus.CHECKING_OUT if status is AttemptStatus.STARTED else TaskStatus.SUBMITTED
            seed_task(db, f"task-{aid}", task_status, attempts=1)
            db.attempts[aid] = attempt(aid, status=status)
        expected = {
            "a": (AttemptStatus.FAILED, TaskStatus.WAITING),  # nothing was sent: it runs again
            "b": (AttemptStatus.SUCCEEDED, TaskStatus.SUCCESS),
            "c": (AttemptStatus.FAILED, TaskStatus.WAITING),
            "d": (AttemptStatus.UNKNOWN, TaskStatus.NEEDS_ACTION),
        }
        for aid, (_, verdict) in cases.items():
            module = ScriptedModule(db, verdict=Reconciliation(verdict, order_name="#1"))
            only = {aid: db.attempts[aid]}
            others = {k: v for k, v in db.attempts.items() if k != aid}
            db.attempts.clear()
            db.attempts.update(only)
            rerun = await recover(deps(db, module, sink))
            db.attempts.update(others)
            got = (db.attempts[aid].status, db.tasks[f"task-{aid}"].status)
            assert got == expected[aid], aid
            assert (f"task-{aid}" in rerun) == (aid in {"a", "c"}), aid
            assert module.requests == [], "recovery never runs a checkout"
