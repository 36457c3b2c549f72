"""Checkout attempts and what a site checkout module is asked to do and answers.

Never twice: an attempt row (unique per task and attempt number) is committed before anything is
submitted, and moved to SUBMITTING (with the checkout's URL) right before the final submission. After a
crash an attempt left SUBMITTING has an unknown outcome: it is reconciled against the store (a completed
Shopify checkout's URL leads to its order) and never blindly submitted again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlencode

from phantom.domain.models import Variant
from phantom.domain.tasks import TaskMode


class AttemptStatus(StrEnum):
    STARTED = "started"  # committed before the module ran; nothing submitted yet
    SUBMITTING = "submitting"  # committed right before the final submission: outcome unknown until recorded
    LINK_READY = "link_ready"  # assist: the prefilled checkout is in front of the person
    TEST_PASSED = "test_passed"  # test mode: everything up to (not including) the submission went through
    SUCCEEDED = "succeeded"  # the store confirmed an order
    NEEDS_ACTION = "needs_action"  # challenge, queue, 403/429: handed to the person
    OUT_OF_STOCK = "out_of_stock"
    FAILED = "failed"
    UNKNOWN = "unknown"  # reconciliation could not tell whether the order exists: the person checks


OPEN_ATTEMPT_STATUSES = frozenset({AttemptStatus.STARTED, AttemptStatus.SUBMITTING})


def attempt_key(task_id: str, number: int) -> str:
    """The attempt's identity, also sent to the store as a cart attribute so orders can be matched."""
    return f"{task_id}-{number}"


@dataclass(frozen=True, slots=True)
class CheckoutAttempt:
    id: str
    task_id: str
    number: int  # 1, 2, … per task; (task_id, number) is unique
    key: str
    status: AttemptStatus
    mode: TaskMode
    store_id: str
    created_at: datetime
    profile_id: str | None = None
    product_title: str | None = None
    product_id: str | None = None
    variant_id: str | None = None
    size: str | None = None
    price: int | None = None  # minor units, per item
    quantity: int = 1
    test_mode: bool = False
    detected_at: datetime | None = None  # when the triggering event was detected (None: started by hand)
    link_at: datetime | None = None  # when the checkout link was in front of the person
    submitted_at: datetime | None = None
    finished_at: datetime | None = None
    checkout_url: str | None = None
    order_name: str | None = None
    detail: str | None = None

    def updated(self, **changes: object) -> CheckoutAttempt:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Prefill:
    """Contact and shipping fields a checkout is prefilled with (no payment data, ever, in a URL)."""

    email: str = ""
    first_name: str = ""
    last_name: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    province: str = ""
    zip: str = ""
    country: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class CardInput:
    """A card as typed into a checkout's card fields. repr never shows the number or CVV."""

    holder: str
    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvv: str = field(repr=False)


def shopify_cart_permalink(
    store_url: str,
    items: list[tuple[Variant, int]],
    prefill: Prefill | None = None,
    attributes: dict[str, str] | None = None,
) -> str:
    """`<store>/cart/<variant>:<qty>,…?checkout[email]=…&checkout[shipping_address][…]=…&attributes[k]=v`.

    Shopify's documented cart permalink: opens a checkout with these lines and the contact and shipping
    fields filled in. Empty fields are left out.
    """
    lines = ",".join(f"{v.id}:{qty}" for v, qty in items)
    params: list[tuple[str, str]] = []
    if prefill is not None:
        if prefill.email:
            params.append(("checkout[email]", prefill.email))
        for name in (
            "first_name",
            "last_name",
            "address1",
            "address2",
            "city",
            "province",
            "zip",
            "country",
            "phone",
        ):
            value = getattr(prefill, name)
            if value:
                params.append((f"checkout[shipping_address][{name}]", value))
    for key, value in (attributes or {}).items():
        params.append((f"attributes[{key}]", value))
    query = urlencode(params)
    return f"{store_url}/cart/{lines}" + (f"?{query}" if query else "")


class OutcomeKind(StrEnum):
    LINK_READY = "link_ready"
    TEST_PASSED = "test_passed"
    ORDER_PLACED = "order_placed"
    NEEDS_ACTION = "needs_action"
    OUT_OF_STOCK = "out_of_stock"
    FAILED = "failed"


OUTCOME_ATTEMPT_STATUS: dict[OutcomeKind, AttemptStatus] = {
    OutcomeKind.LINK_READY: AttemptStatus.LINK_READY,
    OutcomeKind.TEST_PASSED: AttemptStatus.TEST_PASSED,
    OutcomeKind.ORDER_PLACED: AttemptStatus.SUCCEEDED,
    OutcomeKind.NEEDS_ACTION: AttemptStatus.NEEDS_ACTION,
    OutcomeKind.OUT_OF_STOCK: AttemptStatus.OUT_OF_STOCK,
    OutcomeKind.FAILED: AttemptStatus.FAILED,
}


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    """Everything a checkout module needs for one attempt. `card` only for browser mode."""

    attempt: CheckoutAttempt
    store_url: str
    product_url: str | None
    variants: tuple[Variant, ...]  # first choice first
    quantity: int
    prefill: Prefill
    test_mode: bool
    card: CardInput | None = None
    proxy_url: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CheckoutOutcome:
    kind: OutcomeKind
    detail: str = ""
    url: str | None = None  # the link for the person (assist, needs_action) or the checkout page
    order_name: str | None = None
    variant: Variant | None = None  # the variant that was carted


class ReconcileVerdict(StrEnum):
    ORDER_PLACED = "order_placed"  # the store shows an order for the checkout
    NOT_PLACED = "not_placed"  # the checkout is still open: the submission never landed
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Reconciliation:
    verdict: ReconcileVerdict
    order_name: str | None = None
    detail: str = ""
