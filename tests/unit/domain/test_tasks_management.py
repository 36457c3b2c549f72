"""Task helpers for management and the hot path: what a pasted product reference means, which events wake
a waiting task, and the task a matching rule creates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from phantom.domain.events import EventKind, ProductEvent, StoredEvent
from phantom.domain.rules import InvalidRule, Rule, task_from_rule
from phantom.domain.tasks import (
    InvalidTask,
    ProductTarget,
    Task,
    TaskMode,
    TaskStatus,
    parse_product_ref,
    wakes,
)
from tests.unit.domain.builders import dunk

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def waiting(target: ProductTarget, **changes: object) -> Task:
    task = Task(
        id="t1",
        store_id="s1",
        target=target,
        mode=TaskMode.ASSIST,
        status=TaskStatus.WAITING,
        created_at=NOW,
        updated_at=NOW,
    )
    return task.updated(**changes) if changes else task


class TestParseProductRef:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("https://kith.com/products/dunk-low", ProductTarget(url="https://kith.com/products/dunk-low")),
            ("  40000000001 ", ProductTarget(variant_id="40000000001")),
            ("DD1391-100", ProductTarget(sku="DD1391-100")),
            ("FZ5808 400", ProductTarget(sku="FZ5808 400")),
            ("nike-dunk-low-retro", ProductTarget(handle="nike-dunk-low-retro")),
            ("Jordan-1-High", ProductTarget(handle="jordan-1-high")),
        ],
    )
    def test_reads_what_a_person_pastes(self, text: str, expected: ProductTarget) -> None:
        assert parse_product_ref(text) == expected

    def test_empty_is_refused(self) -> None:
        with pytest.raises(InvalidTask, match="product"):
            parse_product_ref("   ")


class TestWakes:
    def test_a_restock_of_the_target_in_a_wanted_size_wakes_it(self) -> None:
        product = dunk(sizes={"9": False, "10": True})
        assert wakes(waiting(ProductTarget(handle="handle-dunk"), sizes=("10",)), product)
        assert wakes(waiting(ProductTarget(variant_id="dunk-10")), product)

    def test_not_the_target_not_in_stock_too_expensive_or_not_waiting(self) -> None:
        product = dunk(sizes={"9": False, "10": True}, price=20000)
        assert not wakes(waiting(ProductTarget(handle="other")), product)
        assert not wakes(waiting(ProductTarget(handle="handle-dunk"), sizes=("9",)), product)
        assert not wakes(waiting(ProductTarget(handle="handle-dunk"), max_price=15000), product)
        assert not wakes(waiting(ProductTarget(handle="handle-dunk"), status=TaskStatus.IDLE), product)


class TestTaskFromRule:
    def event(self, **changes: object) -> StoredEvent:
        product = dunk(sizes={"9": True, "10": True})
        return StoredEvent(
            id="e1",
            store_id="s1",
            store_name="Kith",
            store_url="https://kith.com",
            dedup_key="k",
            detected_at=NOW,
            event=ProductEvent(kind=EventKind.RESTOCK, product=product, variants=product.variants),
        )

    def test_the_task_carries_the_rule_settings_and_the_event_product(self) -> None:
        rule = Rule(
            id="r1",
            name="dunks",
            created_at=NOW,
            updated_at=NOW,
            sizes=("10",),
            max_price=15000,
            profile_id="p1",
            mode=TaskMode.BROWSER,
            quantity=2,
            test_mode=True,
            proxy_list_id="pl1",
            group="auto",
        )
        task, created = task_from_rule(rule, self.event(), "t9", NOW)
        assert task.status is TaskStatus.WAITING
        assert (task.rule_id, task.event_id, task.store_id) == ("r1", "e1", "s1")
        assert task.target == ProductTarget(handle="handle-dunk", url="https://kith.com/products/handle-dunk")
        assert (task.sizes, task.max_price, task.profile_id, task.mode) == (
            ("10",),
            15000,
            "p1",
            TaskMode.BROWSER,
        )
        assert (task.quantity, task.test_mode, task.proxy_list_id, task.group) == (2, True, "pl1", "auto")
        assert created.from_status is None and created.to_status is TaskStatus.WAITING
        assert "dunks" in created.reason and task.target.matches(self.event().event.product)  # type: ignore[arg-type]

    def test_a_store_level_event_creates_nothing(self) -> None:
        rule = Rule(id="r1", name="x", created_at=NOW, updated_at=NOW)
        event = StoredEvent(
            id="e1",
            store_id="s1",
            store_name="Kith",
            store_url="https://kith.com",
            dedup_key="k",
            detected_at=NOW,
            event=ProductEvent(kind=EventKind.PASSWORD_UP),
        )
        with pytest.raises(InvalidRule):
            task_from_rule(rule, event, "t1", NOW)
