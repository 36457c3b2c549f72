"""Builders for checkout-module tests: a request for a sim product, a card, fake SubmitGuards, sim control."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp

from phantom.domain.checkout import (
    AttemptStatus,
    CardInput,
    CheckoutAttempt,
    CheckoutRequest,
    Prefill,
    attempt_key,
)
from phantom.domain.models import Variant
from phantom.domain.tasks import TaskMode
from phantom.sim import SimServer

SHOP = "store-0"
PREFILL = Prefill(
    email="ada@example.com",
    first_name="Ada",
    last_name="Lovelace",
    address1="12 Analytical Row",
    city="London",
    zip="10001",
    country="United States",
    phone="+1 555 0100",
)
CARD = CardInput(
    holder="Ada Lovelace",
    number="4242424242424242",
    exp_month=12,
    exp_year=datetime.now(UTC).year + 3,
    cvv="123",
)


class RecordingGuard:
    """A SubmitGuard that records the checkout URLs it was called with."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def before_submit(self, checkout_url: str) -> None:
        self.calls.append(checkout_url)


class GuardFailed(Exception):
    pass


class FailingGuard(RecordingGuard):
    """A SubmitGuard whose commit fails: the module must not submit."""

    async def before_submit(self, checkout_url: str) -> None:
        await super().before_submit(checkout_url)
        raise GuardFailed("database is locked")


class HookGuard(RecordingGuard):
    """A SubmitGuard that changes the store right before Pay now (what the store does next is the test)."""

    def __init__(self, hook: Callable[[], Awaitable[None]]) -> None:
        super().__init__()
        self._hook = hook

    async def before_submit(self, checkout_url: str) -> None:
        await super().before_submit(checkout_url)
        await self._hook()


def available_variant(sim: SimServer, shop: str = SHOP) -> tuple[str, Variant]:
    """(product handle, an in-stock variant) of the sim shop."""
    for p in sim.state.shop(shop).products:
        for vid, size, ok in zip(p.variant_ids, p.sizes, p.available, strict=True):
            if ok:
                return p.handle, Variant(
                    id=str(vid), size=size, price=round(float(p.price) * 100), available=True
                )
    raise AssertionError("no variant in stock")


def attempt(
    mode: TaskMode = TaskMode.BROWSER, *, checkout_url: str | None = None, number: int = 1
) -> CheckoutAttempt:
    return CheckoutAttempt(
        id=f"att-{number}",
        task_id="task-1",
        number=number,
        key=attempt_key("task-1", number),
        status=AttemptStatus.STARTED,
        mode=mode,
        store_id="st-1",
        created_at=datetime.now(UTC),
        checkout_url=checkout_url,
    )


def request_for(
    sim: SimServer,
    *,
    mode: TaskMode = TaskMode.BROWSER,
    test_mode: bool = False,
    card: CardInput | None = CARD,
    prefill: Prefill = PREFILL,
    quantity: int = 1,
) -> CheckoutRequest:
    handle, variant = available_variant(sim)
    att = attempt(mode)
    return CheckoutRequest(
        attempt=att,
        store_url=sim.shop_url(SHOP),
        product_url=f"{sim.shop_url(SHOP)}/products/{handle}",
        variants=(variant,),
        quantity=quantity,
        prefill=prefill,
        test_mode=test_mode,
        card=card,
        attributes={"_phantom_attempt": att.key},
    )


async def set_checkout(http: aiohttp.ClientSession, sim: SimServer, **options: Any) -> None:
    async with http.put(sim.control_url(f"/shops/{SHOP}/checkout"), json=options) as resp:
        assert resp.status == 200, await resp.text()


async def set_fault(http: aiohttp.ClientSession, sim: SimServer, mode: str, count: int = 1) -> None:
    async with http.post(sim.control_url(f"/shop/{SHOP}/fault"), json={"mode": mode, "count": count}) as resp:
        assert resp.status == 200, await resp.text()


async def orders(http: aiohttp.ClientSession, sim: SimServer) -> list[dict[str, Any]]:
    async with http.get(sim.control_url(f"/shops/{SHOP}/orders")) as resp:
        assert resp.status == 200
        found: list[dict[str, Any]] = await resp.json()
        return found


async def checkouts(http: aiohttp.ClientSession, sim: SimServer) -> list[dict[str, Any]]:
    async with http.get(sim.control_url(f"/shops/{SHOP}/checkouts")) as resp:
        assert resp.status == 200
        found: list[dict[str, Any]] = await resp.json()
        return found
