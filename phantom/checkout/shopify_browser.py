"""Shopify browser mode: a real Chromium drives the checkout with the profile, hands off at any challenge.

The browser is visible by default: when a checkout needs the person (checkpoint, CAPTCHA, queue, block)
its window stays open on that page for them, until the module is closed. Headless (tests, servers) closes
it. Nothing here saves screenshots or traces: the payment step holds card data.
"""

from __future__ import annotations

from contextlib import suppress

import aiohttp
import structlog
from playwright.async_api import BrowserContext
from playwright.async_api import Error as PlaywrightError

from phantom.checkout.browser import DEFAULT_CHROMIUM, BrowserHost
from phantom.checkout.reconcile import ShopifyReconciler
from phantom.checkout.shopify_flow import ShopifyCheckoutFlow
from phantom.domain.checkout import (
    CheckoutAttempt,
    CheckoutOutcome,
    CheckoutRequest,
    OutcomeKind,
    Reconciliation,
)
from phantom.domain.ports import SubmitGuard

log = structlog.get_logger()

DEFAULT_STEP_TIMEOUT = 30.0  # seconds per step (page load, a form, Pay now's answer)


class ShopifyBrowser:
    """CheckoutModule. One Chromium per module (launched on first use), one fresh context per attempt."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        executable_path: str = DEFAULT_CHROMIUM,
        headless: bool = False,
        step_timeout: float = DEFAULT_STEP_TIMEOUT,
        reconcile_timeout: float = 15.0,
    ) -> None:
        self.headless = headless
        self.step_timeout = step_timeout
        self._host = BrowserHost(executable_path=executable_path, headless=headless)
        self._reconciler = ShopifyReconciler(session, timeout=reconcile_timeout)
        self._handoffs: list[BrowserContext] = []  # windows left open for the person

    async def run(self, request: CheckoutRequest, guard: SubmitGuard) -> CheckoutOutcome:
        """Drive the checkout. An exception raised by `guard` propagates (and nothing is submitted)."""
        if not request.variants:
            return CheckoutOutcome(OutcomeKind.FAILED, detail="no variant to cart")
        if request.card is None:
            return CheckoutOutcome(OutcomeKind.FAILED, detail="browser mode needs a card on the profile")
        try:
            context = await self._host.new_context(request.proxy_url)
        except PlaywrightError as exc:
            log.error("browser_start_failed", error=str(exc).splitlines()[0][:200])
            return CheckoutOutcome(OutcomeKind.FAILED, detail="the browser could not start")
        keep = False
        try:
            context.set_default_timeout(self.step_timeout * 1000)
            flow = ShopifyCheckoutFlow(
                await context.new_page(), request, guard, step_timeout=self.step_timeout
            )
            outcome = await flow.execute()
            keep = flow.handoff and not self.headless
            log.info("browser_checkout_done", attempt=request.attempt.key, outcome=outcome.kind.value)
            return outcome
        finally:
            if keep:
                self._handoffs.append(context)
            else:
                await _close(context)

    async def reconcile(self, attempt: CheckoutAttempt) -> Reconciliation:
        return await self._reconciler.reconcile(attempt)

    async def close(self) -> None:
        handoffs, self._handoffs = self._handoffs, []
        for context in handoffs:
            await _close(context)
        await self._host.close()


async def _close(context: BrowserContext) -> None:
    with suppress(PlaywrightError):  # the person closed the window, or the browser is gone already
        await context.close()
