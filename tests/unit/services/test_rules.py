"""Rule use cases on fakes: CRUD, the event hot path (create or wake tasks), and the backtest."""

from __future__ import annotations

from datetime import timedelta

import pytest

from phantom.domain.events import EventKind
from phantom.domain.rules import InvalidRule, RuleNotFound
from phantom.domain.tasks import ProductTarget, TaskMode, TaskStatus
from phantom.services import rules as svc
from tests.fakes import EPOCH, FakeDatabase, FrozenClock, SequentialIds
from tests.unit.services.task_factories import event, product, seed_profile, seed_store, seed_task


@pytest.fixture(autouse=True)
def world(db: FakeDatabase) -> None:
    seed_store(db)
    seed_store(db, "s2", "https://shop.example")
    seed_profile(db)


async def make_rule(db: FakeDatabase, clock: FrozenClock, ids: SequentialIds, **spec: object) -> svc.Rule:
    fields: dict[str, object] = {"name": "dunks", "keywords": "dunk", **spec}
    return await svc.create_rule(svc.RuleSpec(**fields), uow_factory=db.uow_factory(), clock=clock, ids=ids)  # type: ignore[arg-type]


class TestCrud:
    async def test_create_update_list_delete(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        low = await make_rule(db, clock, ids, name=" low ", sizes=("9", "any"), profile="Main")
        high = await make_rule(db, clock, ids, name="high", priority=5, store_ids=("s2",))
        assert low.name == "low" and low.profile_id == "p1" and low.sizes == ("9", "any")
        listed = await svc.list_rules(uow_factory=db.uow_factory())
        assert [r.id for r in listed] == [high.id, low.id], "highest priority first"

        clock.advance(5)
        changed = await svc.update_rule(
            low.id,
            {"enabled": False, "profile": None, "max_price": 15000},
            uow_factory=db.uow_factory(),
            clock=clock,
        )
        assert (changed.enabled, changed.profile_id, changed.max_price) == (False, None, 15000)
        assert changed.created_at == low.created_at and changed.updated_at == clock.now()
        assert await svc.get_rule(low.id, uow_factory=db.uow_factory()) == changed

        await svc.delete_rule(low.id, uow_factory=db.uow_factory())
        with pytest.raises(RuleNotFound):
            await svc.get_rule(low.id, uow_factory=db.uow_factory())
        with pytest.raises(RuleNotFound):
            await svc.delete_rule(low.id, uow_factory=db.uow_factory())

    @pytest.mark.parametrize(
        ("spec", "match"),
        [
            ({"store_ids": ("ghost",)}, "store_ids"),
            ({"profile": "nobody"}, "profile"),
            ({"proxy_list": "none"}, "proxy_list"),
            ({"name": "  "}, "name"),
            ({"mode": TaskMode.BROWSER}, "profile"),
            ({"kinds": frozenset({EventKind.SOLD_OUT})}, "fire"),
            ({"kinds": frozenset({EventKind.CHECKOUT_LINK, EventKind.RESTOCK})}, "checkout"),
        ],
    )
    async def test_invalid_rules(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds, spec: dict[str, object], match: str
    ) -> None:
        with pytest.raises(InvalidRule, match=match):
            await make_rule(db, clock, ids, **spec)
        assert db.rules == {}

    async def test_unknown_fields_are_refused(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        rule = await make_rule(db, clock, ids)
        with pytest.raises(InvalidRule, match="cannot change"):
            await svc.update_rule(rule.id, {"id": "x"}, uow_factory=db.uow_factory(), clock=clock)


class TestOnEvent:
    async def on_event(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds, e: svc.StoredEvent
    ) -> list[svc.Task]:
        return await svc.on_event(e, uow_factory=db.uow_factory(), clock=clock, ids=ids)

    async def test_a_matching_rule_creates_one_waiting_task_per_event(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        db.events["e1"] = event("e1")
        rule = await make_rule(db, clock, ids, sizes=("10",), group="auto", test_mode=True)
        tasks = await self.on_event(db, clock, ids, event("e1"))
        assert len(tasks) == 1
        task = tasks[0]
        assert (task.status, task.rule_id, task.event_id, task.sizes, task.group) == (
            TaskStatus.WAITING,
            rule.id,
            "e1",
            ("10",),
            "auto",
        )
        assert task.target.handle == "dunk-low" and db.tasks[task.id] == task
        assert await self.on_event(db, clock, ids, event("e1")) == [task], (
            "the same event again makes no second task: the pending one is woken"
        )
        assert len(db.tasks) == 1

    async def test_highest_priority_rule_wins_and_disabled_rules_are_skipped(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        db.events["e1"] = event("e1")
        await make_rule(db, clock, ids, name="low", priority=1)
        high = await make_rule(db, clock, ids, name="high", priority=9)
        await make_rule(db, clock, ids, name="off", priority=99, enabled=False)
        tasks = await self.on_event(db, clock, ids, event("e1"))
        assert [t.rule_id for t in tasks] == [high.id]

    async def test_waiting_tasks_of_the_store_are_woken_by_their_product(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        seed_task(db, "t1", TaskStatus.WAITING, sizes=("10",))
        seed_task(db, "t2", TaskStatus.WAITING, sizes=("11",))  # not in stock
        seed_task(db, "t3", TaskStatus.WAITING, target=ProductTarget(handle="other"))
        seed_task(db, "t4", TaskStatus.IDLE)  # not started
        seed_task(db, "t5", TaskStatus.WAITING, store_id="s2")  # another store
        seed_task(db, "t6", TaskStatus.WAITING, target=ProductTarget(variant_id="dunk-low-9"))
        woken = await self.on_event(db, clock, ids, event("e1"))
        assert sorted(t.id for t in woken) == ["t1", "t6"]
        assert db.commits == 0, "waking writes nothing: the runner moves them"

    async def test_events_that_cannot_make_anything_buyable_are_ignored(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        seed_task(db, "t1", TaskStatus.WAITING)
        await make_rule(db, clock, ids, kinds=frozenset({EventKind.RESTOCK, EventKind.SOLD_OUT}))
        sold_out = event("e1", kind=EventKind.SOLD_OUT, item=product(sizes={"9": False}))
        assert await self.on_event(db, clock, ids, sold_out) == []
        assert db.tasks.keys() == {"t1"}

    async def test_a_rule_with_a_pending_task_for_the_product_wakes_it_instead(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        db.events["e1"] = event("e1")
        db.events["e2"] = event("e2")
        assert await self.on_event(db, clock, ids, event("e1")) == []  # no rule yet
        rule = await make_rule(db, clock, ids)
        [created] = await self.on_event(db, clock, ids, event("e1"))
        woken = await self.on_event(db, clock, ids, event("e2"))  # a restock a minute later
        assert [t.id for t in woken] == [created.id] and len(db.tasks) == 1
        assert created.rule_id == rule.id

    @pytest.mark.parametrize(
        ("status", "repeated"),
        [
            (TaskStatus.SUCCESS, False),  # bought: never a second pair
            (TaskStatus.NEEDS_ACTION, False),  # a link or a challenge waits for the person
            (TaskStatus.CHECKING_OUT, False),
            (TaskStatus.FAILED, True),
            (TaskStatus.CANCELLED, True),
        ],
    )
    async def test_a_new_task_only_after_the_earlier_one_ended_without_buying(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds, status: TaskStatus, repeated: bool
    ) -> None:
        db.events["e1"] = event("e1")
        db.events["e2"] = event("e2")
        await make_rule(db, clock, ids)
        [first] = await self.on_event(db, clock, ids, event("e1"))
        db.tasks[first.id] = first.updated(status=status)
        again = await self.on_event(db, clock, ids, event("e2"))
        assert (len(again) == 1) is repeated and len(db.tasks) == (2 if repeated else 1)
        if repeated:
            assert again[0].event_id == "e2"


class TestBacktest:
    async def test_finds_what_the_rule_would_have_fired_on_with_counts(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        for n in range(30):
            item = product(title="Nike Dunk Low" if n % 3 else "Air Max 90", sizes={"10": n % 2 == 0})
            db.events[f"e{n:02d}"] = event(
                f"e{n:02d}",
                store_id="s1" if n < 20 else "s2",
                item=item,
                kind=EventKind.RESTOCK if n % 5 else EventKind.NEW_PRODUCT,
                detected_at=EPOCH + timedelta(minutes=n),
            )
        rule = svc.RuleSpec(name="try", keywords="dunk", sizes=("10",), enabled=False).probe()
        result = await svc.backtest(rule, uow_factory=db.uow_factory(), limit=3)
        expected = [f"e{n:02d}" for n in reversed(range(30)) if n % 3 and n % 2 == 0]
        assert [e.id for e in result.matches] == expected[:3], "newest first, capped at the limit"
        assert result.matched == len(expected) and result.scanned == 30 and result.complete
        assert result.by_store == {"s1": 6, "s2": 4}
        assert sum(result.by_kind.values()) == len(expected)

        since = await svc.backtest(
            rule, uow_factory=db.uow_factory(), since=EPOCH + timedelta(minutes=20), limit=100
        )
        assert since.by_store == {"s2": 4} and since.scanned == 10

    async def test_stops_at_the_scan_cap(self, db: FakeDatabase) -> None:
        for n in range(12):
            db.events[f"e{n:02d}"] = event(f"e{n:02d}", detected_at=EPOCH + timedelta(minutes=n))
        rule = svc.RuleSpec(name="all", keywords="").probe()
        result = await svc.backtest(rule, uow_factory=db.uow_factory(), max_scanned=5)
        assert result.scanned == 5 and not result.complete and result.matched == 5
