"""Checkout tasks: what to buy, where, with which profile, and the state machine a task moves through.

A task is persisted; every status change is a `TaskTransition` row with its time and reason, so the
dashboard can show how a task got where it is and a restart resumes from the last committed status.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from phantom.domain.errors import DomainError
from phantom.domain.filters import KeywordFilter
from phantom.domain.models import Product, Variant, normalize_size


class InvalidTask(DomainError):
    pass


class TaskNotFound(DomainError):
    pass


class InvalidTransition(DomainError):
    """A status change the state machine does not allow (e.g. cancelling a submitted task)."""


class TaskMode(StrEnum):
    ASSIST = "assist"  # build the prefilled checkout and hand it to the person
    BROWSER = "browser"  # drive a real browser through the checkout; hand off at any challenge


class TaskStatus(StrEnum):
    IDLE = "idle"  # created, not started
    WAITING = "waiting"  # started; waiting for a matching event (product not live / not in stock yet)
    CARTING = "carting"  # picking the variant and building the cart
    CHECKING_OUT = "checking_out"  # contact, shipping, payment (browser) or link built (assist)
    SUBMITTED = "submitted"  # the order was submitted; outcome not yet recorded
    SUCCESS = "success"
    FAILED = "failed"
    NEEDS_ACTION = "needs_action"  # a person must act: challenge, assist link ready, unknown outcome
    CANCELLED = "cancelled"


ACTIVE_STATUSES = frozenset({TaskStatus.CARTING, TaskStatus.CHECKING_OUT, TaskStatus.SUBMITTED})
FINISHED_STATUSES = frozenset(
    {TaskStatus.SUCCESS, TaskStatus.FAILED, TaskStatus.NEEDS_ACTION, TaskStatus.CANCELLED}
)

# Allowed moves. A submitted task cannot be cancelled (the order may exist); a finished task can be
# started again (back to idle/waiting), except a success, which is final.
TRANSITIONS: dict[TaskStatus, frozenset[TaskStatus]] = {
    TaskStatus.IDLE: frozenset({TaskStatus.WAITING, TaskStatus.CARTING, TaskStatus.CANCELLED}),
    TaskStatus.WAITING: frozenset({TaskStatus.CARTING, TaskStatus.IDLE, TaskStatus.CANCELLED}),
    TaskStatus.CARTING: frozenset(
        {
            TaskStatus.CHECKING_OUT,
            TaskStatus.WAITING,  # nothing in stock in the wanted sizes: wait for a restock
            TaskStatus.FAILED,
            TaskStatus.NEEDS_ACTION,
            TaskStatus.CANCELLED,
        }
    ),
    TaskStatus.CHECKING_OUT: frozenset(
        {
            TaskStatus.SUBMITTED,
            TaskStatus.SUCCESS,  # test mode: everything but the submission went through
            TaskStatus.FAILED,
            TaskStatus.NEEDS_ACTION,
            TaskStatus.CANCELLED,
        }
    ),
    TaskStatus.SUBMITTED: frozenset({TaskStatus.SUCCESS, TaskStatus.FAILED, TaskStatus.NEEDS_ACTION}),
    TaskStatus.SUCCESS: frozenset(),
    TaskStatus.FAILED: frozenset({TaskStatus.IDLE, TaskStatus.WAITING, TaskStatus.CARTING}),
    TaskStatus.NEEDS_ACTION: frozenset(
        {TaskStatus.IDLE, TaskStatus.WAITING, TaskStatus.CARTING, TaskStatus.SUCCESS, TaskStatus.CANCELLED}
    ),
    TaskStatus.CANCELLED: frozenset({TaskStatus.IDLE, TaskStatus.WAITING}),
}


@dataclass(frozen=True, slots=True)
class ProductTarget:
    """What to buy. At least one of the fields; the most specific one present wins when resolving."""

    url: str | None = None  # product page URL
    handle: str | None = None  # Shopify handle
    variant_id: str | None = None  # one exact variant
    sku: str | None = None  # Footsites SKU / style code, or a variant SKU
    keywords: str | None = None  # `+dunk -kids, jordan 1` (see domain.filters.KeywordFilter)

    def is_empty(self) -> bool:
        return not (self.url or self.handle or self.variant_id or self.sku or self.keywords)

    def describe(self) -> str:
        for label, value in (
            ("variant", self.variant_id),
            ("handle", self.handle),
            ("sku", self.sku),
            ("url", self.url),
            ("keywords", self.keywords),
        ):
            if value:
                return f"{label} {value}"
        return "nothing"

    def handle_hint(self) -> str | None:
        """The Shopify handle this target names (its handle, or the one in a /products/<handle> URL)."""
        if self.handle:
            return self.handle
        if self.url and "/products/" in self.url:
            return _url_handle(self.url) or None
        return None

    def matches(self, product: Product) -> bool:
        """Whether an event's product is this target (waking a waiting task)."""
        if self.variant_id:
            return any(v.id == self.variant_id for v in product.variants)
        if self.handle:
            return product.handle == self.handle
        if self.sku:
            sku = self.sku.lower()
            return (product.style_code or "").lower() == sku or any(
                (v.sku or "").lower() == sku for v in product.variants
            )
        if self.url:
            return _url_handle(self.url) in (product.handle, product.id) or product.url == self.url
        return bool(self.keywords) and KeywordFilter.parse(self.keywords).matches(product.title)


def _url_handle(url: str) -> str:
    path = url.split("?", 1)[0].rstrip("/")
    if "/products/" in path:
        return path.rsplit("/products/", 1)[1].split("/", 1)[0]
    return path.rsplit("/", 1)[-1].removesuffix(".html")  # Footsites: /product/<slug>/<sku>.html


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    store_id: str
    target: ProductTarget
    mode: TaskMode
    status: TaskStatus
    created_at: datetime
    updated_at: datetime
    sizes: tuple[str, ...] = ()  # empty = any size
    quantity: int = 1
    profile_id: str | None = None
    max_price: int | None = None  # minor units
    proxy_list_id: str | None = None
    group: str | None = None
    test_mode: bool = False  # everything but the final submission
    status_reason: str | None = None
    rule_id: str | None = None  # the rule that created it
    event_id: str | None = None  # the event that created or woke it
    attempts: int = 0  # checkout attempts started so far
    checkout_url: str | None = None  # the last link handed to the person (assist) or the checkout page

    def updated(self, **changes: object) -> Task:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class TaskTransition:
    task_id: str
    from_status: TaskStatus | None  # None: created
    to_status: TaskStatus
    at: datetime
    reason: str


def transition(task: Task, to: TaskStatus, at: datetime, reason: str) -> tuple[Task, TaskTransition]:
    """The task after moving to `to`, and the transition to record; InvalidTransition if not allowed."""
    if to not in TRANSITIONS[task.status]:
        raise InvalidTransition(f"task {task.id}: {task.status.value} -> {to.value} is not allowed")
    moved = replace(task, status=to, status_reason=reason, updated_at=at)
    return moved, TaskTransition(task.id, task.status, to, at, reason)


def validate_task(task: Task) -> Task:
    if task.target.is_empty():
        raise InvalidTask("a task needs a product: url, handle, variant_id, sku or keywords")
    if not 1 <= task.quantity <= 10:
        raise InvalidTask("quantity must be between 1 and 10")
    if task.max_price is not None and task.max_price <= 0:
        raise InvalidTask("max_price must be positive")
    if task.mode is TaskMode.BROWSER and task.profile_id is None:
        raise InvalidTask("browser mode needs a profile")
    return task


def choose_variants(
    product: Product, sizes: Iterable[str], max_price: int | None, variant_id: str | None = None
) -> tuple[Variant, ...]:
    """In-stock variants of the wanted sizes (any size when none given) within the price ceiling, in the
    order the sizes were listed (the first listed is the person's first choice). A task aimed at one
    variant gets that variant or nothing."""
    wanted = [normalize_size(s) for s in sizes]
    available = [
        v
        for v in product.variants
        if v.available and (max_price is None or v.price <= max_price) and variant_id in (None, v.id)
    ]
    if not wanted:
        return tuple(available)
    by_size = {normalize_size(v.size): v for v in available}
    return tuple(by_size[s] for s in wanted if s in by_size)


# ---- task management (services/tasks.py) --------------------------------------------------------------

# A task can be edited (or deleted) only while nothing runs it.
EDITABLE_STATUSES = frozenset(
    {TaskStatus.IDLE, TaskStatus.WAITING, TaskStatus.FAILED, TaskStatus.NEEDS_ACTION, TaskStatus.CANCELLED}
)


class TaskBusy(DomainError):
    """The task is running (carting, checking out, submitted): it cannot be edited or deleted now."""


class TaskBatchRejected(DomainError):
    """A bulk create or an import with bad items: nothing was written. `problems` holds (item, field, reason)
    triples, items counted from 1 (0: the batch as a whole)."""

    def __init__(self, problems: list[tuple[int, str, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the batch; nothing was written")


def wakes(task: Task, product: Product) -> bool:
    """Whether an event about `product` should run this waiting task: it is the task's target and something
    the task would buy is in stock now."""
    return (
        task.status is TaskStatus.WAITING
        and task.target.matches(product)
        and bool(choose_variants(product, task.sizes, task.max_price, task.target.variant_id))
    )


_STYLE_CODE = re.compile(r"^[A-Z0-9]{2,}[-_ ]?[A-Z0-9]{2,}$")


def parse_product_ref(text: str) -> ProductTarget:
    """One box for a product, as a person pastes it: a URL, a numeric variant id, a style code / SKU
    (`DD1391-100`, upper case) or a handle (`nike-dunk-low`)."""
    ref = text.strip()
    if not ref:
        raise InvalidTask("product: give a URL, handle, variant id or SKU")
    if ref.startswith(("http://", "https://")):
        return ProductTarget(url=ref)
    if ref.isdigit():
        return ProductTarget(variant_id=ref)
    if _STYLE_CODE.fullmatch(ref) and any(c.isdigit() for c in ref) and ref.upper() == ref:
        return ProductTarget(sku=ref)
    return ProductTarget(handle=ref.lower())
