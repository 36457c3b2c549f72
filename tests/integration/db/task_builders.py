"""Domain objects for the task, attempt, rule and inbound-channel persistence tests."""

from __future__ import annotations

from datetime import datetime

from phantom.domain.checkout import AttemptStatus, CheckoutAttempt, attempt_key
from phantom.domain.events import EventKind
from phantom.domain.inbound import InboundChannel
from phantom.domain.rules import Rule
from phantom.domain.tasks import ProductTarget, Task, TaskMode, TaskStatus, TaskTransition
from tests.integration.db.builders import T0, at


def task(
    tid: str = "t1",
    *,
    store_id: str = "s1",
    status: TaskStatus = TaskStatus.IDLE,
    created: datetime = T0,
    **changes: object,
) -> Task:
    base = Task(
        id=tid,
        store_id=store_id,
        target=ProductTarget(url="https://s1.example/products/dunk", handle="dunk", keywords="+dunk -kids"),
        mode=TaskMode.ASSIST,
        status=status,
        created_at=created,
        updated_at=created,
        sizes=("9", "9.5"),
        quantity=2,
        max_price=15000,
        group="drops",
        test_mode=True,
        status_reason="created",
    )
    return base.updated(**changes) if changes else base


def created(t: Task) -> TaskTransition:
    return TaskTransition(t.id, None, t.status, t.created_at, "created")


def attempt(
    aid: str = "a1",
    *,
    task_id: str = "t1",
    number: int = 1,
    store_id: str = "s1",
    status: AttemptStatus = AttemptStatus.STARTED,
    created: datetime = T0,
    mode: TaskMode = TaskMode.ASSIST,
    **changes: object,
) -> CheckoutAttempt:
    base = CheckoutAttempt(
        id=aid,
        task_id=task_id,
        number=number,
        key=attempt_key(task_id, number),
        status=status,
        mode=mode,
        store_id=store_id,
        created_at=created,
        product_title="Nike Dunk Low Panda",
        product_id="p1",
        variant_id="p1-9",
        size="9",
        price=11000,
        detected_at=created,
        link_at=at(0.25) if created == T0 else None,
    )
    return base.updated(**changes) if changes else base


def rule(rid: str = "r1", *, created: datetime = T0, **changes: object) -> Rule:
    base = Rule(
        id=rid,
        name=f"rule {rid}",
        created_at=created,
        updated_at=created,
        priority=1,
        keywords="+dunk -kids",
        sizes=("9", "10"),
        store_ids=("s1",),
        max_price=20000,
        kinds=frozenset({EventKind.RESTOCK, EventKind.NEW_PRODUCT}),
        quantity=1,
        group="auto",
    )
    return base.updated(**changes) if changes else base


def inbound(cid: str = "i1", name: str = "monitor", **changes: object) -> InboundChannel:
    base = InboundChannel(id=cid, name=name, secret=f"secret-{cid}", created_at=T0)
    return base.updated(**changes) if changes else base
