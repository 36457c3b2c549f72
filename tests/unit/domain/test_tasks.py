"""The task state machine, product targets and variant choice (pure)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from phantom.domain.models import Product, Variant
from phantom.domain.tasks import (
    TRANSITIONS,
    InvalidTask,
    InvalidTransition,
    ProductTarget,
    Task,
    TaskMode,
    TaskStatus,
    choose_variants,
    transition,
    validate_task,
)
from tests.fakes import EPOCH

DUNK = Product(
    id="p1",
    handle="nike-dunk-low-panda",
    title="Nike Dunk Low Retro - Panda",
    variants=(
        Variant("v9", "9", 11000, True, sku="DD1391-100-9"),
        Variant("v95", "9.5", 11000, False),
        Variant("v10", "10", 12000, True),
    ),
    style_code="DD1391-100",
)


def task(**changes: object) -> Task:
    base = Task(
        id="t1",
        store_id="s1",
        target=ProductTarget(handle="nike-dunk-low-panda"),
        mode=TaskMode.ASSIST,
        status=TaskStatus.IDLE,
        created_at=EPOCH,
        updated_at=EPOCH,
    )
    return base.updated(**changes)


class TestTargets:
    @pytest.mark.parametrize(
        ("target", "hit"),
        [
            (ProductTarget(variant_id="v10"), True),
            (ProductTarget(variant_id="v11"), False),
            (ProductTarget(handle="nike-dunk-low-panda"), True),
            (ProductTarget(sku="dd1391-100"), True),  # the style code, any case
            (ProductTarget(sku="DD1391-100-9"), True),  # a variant SKU
            (ProductTarget(url="https://kith.com/products/nike-dunk-low-panda?variant=1"), True),
            (ProductTarget(url="https://kith.com/collections/x/products/other"), False),
            (ProductTarget(keywords="+dunk -high"), True),
            (ProductTarget(keywords="jordan"), False),
            (ProductTarget(), False),
        ],
    )
    def test_which_products_a_target_names(self, target: ProductTarget, hit: bool) -> None:
        assert target.matches(DUNK) is hit

    def test_a_footsites_url_names_its_sku(self) -> None:
        shoe = Product(id="53558130", handle="53558130", title="Air Force 1", variants=())
        assert ProductTarget(url="https://www.footlocker.com/product/nike-af1/53558130.html").matches(shoe)

    def test_handle_hint_and_description(self) -> None:
        assert ProductTarget(url="https://kith.com/products/dunk/").handle_hint() == "dunk"
        assert ProductTarget(handle="x", url="https://kith.com/products/y").handle_hint() == "x"
        assert ProductTarget(keywords="dunk").handle_hint() is None
        assert ProductTarget(sku="A1", keywords="dunk").describe() == "sku A1"
        assert ProductTarget().describe() == "nothing" and ProductTarget().is_empty()


class TestStateMachine:
    def test_the_happy_path_is_recorded_move_by_move(self) -> None:
        t, at = task(), EPOCH
        path = [
            TaskStatus.WAITING,
            TaskStatus.CARTING,
            TaskStatus.CHECKING_OUT,
            TaskStatus.SUBMITTED,
            TaskStatus.SUCCESS,
        ]
        moves = []
        for i, status in enumerate(path):
            t, move = transition(t, status, at + timedelta(seconds=i), f"step {i}")
            moves.append(move)
        assert t.status is TaskStatus.SUCCESS and t.status_reason == "step 4"
        assert [m.from_status for m in moves] == [TaskStatus.IDLE, *path[:-1]]
        assert moves[-1].at == EPOCH + timedelta(seconds=4)

    @pytest.mark.parametrize(
        ("start", "to"),
        [
            (TaskStatus.SUBMITTED, TaskStatus.CANCELLED),  # the order may exist
            (TaskStatus.SUCCESS, TaskStatus.IDLE),  # final
            (TaskStatus.IDLE, TaskStatus.SUBMITTED),  # no skipping the attempt
            (TaskStatus.CANCELLED, TaskStatus.CARTING),
        ],
    )
    def test_moves_the_table_forbids(self, start: TaskStatus, to: TaskStatus) -> None:
        with pytest.raises(InvalidTransition, match=f"{start.value} -> {to.value}"):
            transition(task(status=start), to, EPOCH, "no")

    def test_every_status_has_a_row_and_success_is_final(self) -> None:
        assert set(TRANSITIONS) == set(TaskStatus)
        assert TRANSITIONS[TaskStatus.SUCCESS] == frozenset()


class TestValidation:
    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"target": ProductTarget()}, "needs a product"),
            ({"quantity": 0}, "quantity"),
            ({"quantity": 11}, "quantity"),
            ({"max_price": 0}, "max_price"),
            ({"mode": TaskMode.BROWSER}, "needs a profile"),
        ],
    )
    def test_bad_tasks_are_refused(self, changes: dict[str, object], message: str) -> None:
        with pytest.raises(InvalidTask, match=message):
            validate_task(task(**changes))

    def test_a_good_task_passes(self) -> None:
        good = task(mode=TaskMode.BROWSER, profile_id="p1", quantity=2, max_price=15000)
        assert validate_task(good) is good


class TestChooseVariants:
    def test_in_stock_sizes_in_the_order_asked_within_the_price(self) -> None:
        assert [v.id for v in choose_variants(DUNK, ["10", "9.5", "09"], None)] == ["v10", "v9"]
        assert [v.id for v in choose_variants(DUNK, ["10", "9"], 11500)] == ["v9"]
        assert [v.id for v in choose_variants(DUNK, [], None)] == ["v9", "v10"]  # any size
        assert choose_variants(DUNK, ["9.5"], None) == ()

    def test_a_task_aimed_at_one_variant_gets_that_one_or_none(self) -> None:
        assert [v.id for v in choose_variants(DUNK, [], None, "v10")] == ["v10"]
        assert choose_variants(DUNK, [], None, "v95") == ()  # sold out: wait, never another size
        assert choose_variants(DUNK, ["9"], None, "v10") == ()
