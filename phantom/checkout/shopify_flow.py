"""One browser-mode Shopify checkout in one Playwright page: permalink → contact → shipping → payment → Pay.

The flow reads the page it is on and acts on it (a store may skip a step), with a time limit per step.
A challenge, queue or block page ends it at once with NEEDS_ACTION: nothing here clicks through one.
The SubmitGuard is called exactly once, right before Pay now; from then on nothing may report "not
submitted" unless the store says so (thank-you or stock problems), everything else is "outcome unknown".
Card values go into the card iframe and nowhere else: not in logs, outcomes or exception texts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import suppress

import structlog
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page, Response
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from phantom.checkout.pages import CHALLENGE_STATUSES, PageInfo, PageKind, classify
from phantom.domain.checkout import (
    CardInput,
    CheckoutOutcome,
    CheckoutRequest,
    OutcomeKind,
    Prefill,
    shopify_cart_permalink,
)
from phantom.domain.ports import SubmitGuard

log = structlog.get_logger()

UNKNOWN_AFTER_SUBMIT = "outcome unknown after submission"
CONTINUE = "#continue_button"
CARD_FRAME = "iframe#card-fields-frame, iframe.card-fields-iframe"
ERRORS = ".field__message--error, #payment-errors"
SHIPPING_RATE = 'input[name="checkout[shipping_rate][id]"]'
ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "address1",
    "address2",
    "city",
    "province",
    "zip",
    "country",
    "phone",
)
POLL = 0.05  # seconds between looks while waiting for Pay now's answer

Outcome = CheckoutOutcome | None
# Names of the form's fields that fail the browser's own validation (it would not submit the form).
_INVALID_FIELDS = "b => b.form ? [...b.form.elements].filter(e => e.willValidate && !e.checkValidity()).map(e => e.name) : []"


def _field_names(prefill: Prefill) -> list[tuple[str, str]]:
    pairs = [("checkout[email]", prefill.email)]
    pairs += [(f"checkout[shipping_address][{f}]", getattr(prefill, f)) for f in ADDRESS_FIELDS]
    return [(name, value) for name, value in pairs if value]


def _expiry(card: CardInput) -> str:
    return f"{card.exp_month:02d} / {card.exp_year % 100:02d}"


class ShopifyCheckoutFlow:
    def __init__(
        self,
        page: Page,
        request: CheckoutRequest,
        guard: SubmitGuard,
        *,
        step_timeout: float,
        start_url: str | None = None,
    ) -> None:
        """`start_url`: where the checkout starts (default: the cart permalink of the request)."""
        self.page = page
        self.request = request
        self.guard = guard
        self.step_timeout = step_timeout
        self.start_url = start_url or shopify_cart_permalink(
            request.store_url.rstrip("/"),
            [(request.variants[0], max(request.quantity, 1))],
            request.prefill,
            request.attributes,
        )
        self.submitted = False
        self.handoff = False  # the page shows something the person should take over
        self.checkout_url: str | None = None
        self._statuses: list[int] = []  # main-frame navigation statuses since the last action
        self._navigated = asyncio.Event()
        self._timer = asyncio.Timeout(None)  # the running step's time limit (replaced by each step)
        self._at = "cart"  # the step in progress (or last done), for outcome details
        self._done: set[PageKind] = set()
        self._handlers: dict[PageKind, Callable[[], Awaitable[Outcome]]] = {
            PageKind.CONTACT: self._contact,
            PageKind.SHIPPING: self._shipping,
            PageKind.PAYMENT: self._payment,
        }
        page.on("response", self._on_response)
        page.on("framenavigated", self._on_navigated)

    # -- events ---------------------------------------------------------------------------------------

    def _on_response(self, response: Response) -> None:
        try:
            main = response.request.is_navigation_request() and response.frame == self.page.main_frame
        except PlaywrightError:  # a service worker's response has no frame
            return
        if main:
            self._statuses.append(response.status)

    def _on_navigated(self, frame: Frame) -> None:
        if frame == self.page.main_frame:
            self._navigated.set()

    # -- the run --------------------------------------------------------------------------------------

    async def execute(self) -> CheckoutOutcome:
        outcome = await self._step(self._open)
        while outcome is None:
            outcome = await self._step(self._advance)
        return outcome

    async def _advance(self) -> Outcome:
        """Act on the page the browser is on: a step to do, or the end of the checkout."""
        info = await self._look()
        handler = self._handlers.get(info.kind)
        if handler is None:
            return self._end(info, self._at)
        if info.kind in self._done:  # the store showed the same step again: it refused what we sent
            return self._failed(f"the {info.kind.value} step did not go through{await self._errors()}")
        self._done.add(info.kind)
        self._at = info.kind.value
        return await handler()

    async def _step(self, action: Callable[[], Awaitable[Outcome]]) -> Outcome:
        try:
            async with asyncio.timeout(self.step_timeout) as self._timer:
                return await action()
        except (TimeoutError, PlaywrightTimeoutError):
            return self._failed(f"timed out at the {self._at} step")
        except PlaywrightError as exc:
            # Never the message at the payment step: it could quote what was typed into a card field.
            step = self._at
            error = type(exc).__name__ if step == PageKind.PAYMENT else str(exc).splitlines()[0][:200]
            log.warning("checkout_browser_error", attempt=self.request.attempt.key, step=step, error=error)
            return self._failed(f"browser error at the {step} step")

    def _failed(self, detail: str) -> CheckoutOutcome:
        if self.submitted:
            detail = f"{UNKNOWN_AFTER_SUBMIT}: {detail}"
        return CheckoutOutcome(
            OutcomeKind.FAILED, detail=detail, url=self.checkout_url, variant=self.request.variants[0]
        )

    def _end(self, info: PageInfo, step: str) -> CheckoutOutcome:
        """The outcome of a page that is not a checkout step."""
        variant, url = self.request.variants[0], self.page.url
        if info.kind is PageKind.THANK_YOU:
            return CheckoutOutcome(
                OutcomeKind.ORDER_PLACED,
                detail="order placed",
                url=url,
                order_name=info.order_name,
                variant=variant,
            )
        if info.kind is PageKind.STOCK_PROBLEMS:
            return CheckoutOutcome(
                OutcomeKind.OUT_OF_STOCK, detail=f"sold out at the {step} step", url=url, variant=variant
            )
        if info.kind is PageKind.CHALLENGE:
            self.handoff = True
            if self.submitted:
                return self._failed(f"{info.reason} after Pay now")
            return CheckoutOutcome(
                OutcomeKind.NEEDS_ACTION, detail=f"{info.reason} at the {step} step", url=url, variant=variant
            )
        return self._failed(f"unexpected page after the {step} step ({info.reason or info.kind.value})")

    # -- looking at the page --------------------------------------------------------------------------

    async def _look(self) -> PageInfo:
        blocked = next((s for s in self._statuses if s in CHALLENGE_STATUSES), None)
        status = blocked or (self._statuses[-1] if self._statuses else None)
        return classify(self.page.url, status, await self._content())

    async def _content(self) -> str:
        # A document replaced mid-read (a redirect or JS navigation) raises: read the next one once it loads.
        while True:
            try:
                return await self.page.content()
            except PlaywrightError:
                await asyncio.sleep(POLL)
                await self.page.wait_for_load_state("domcontentloaded")

    async def _errors(self) -> str:
        texts = [t.strip() for t in await self.page.locator(ERRORS).all_text_contents() if t.strip()]
        return f": {'; '.join(texts)[:300]}" if texts else ""

    async def _continue(self, step: PageKind) -> Outcome:
        """Submit the step's form and wait until the next document is loaded."""
        button = self.page.locator(CONTINUE)
        invalid: list[str] = await button.evaluate(_INVALID_FIELDS)
        if invalid:  # the browser would refuse to submit: say which fields, not their values
            return self._failed(f"the {step.value} step did not go through: invalid {', '.join(invalid)}")
        self._navigated.clear()
        self._statuses.clear()
        await button.click()
        await self._navigated.wait()
        await self.page.wait_for_load_state("domcontentloaded")
        return None

    # -- steps ----------------------------------------------------------------------------------------

    async def _open(self) -> Outcome:
        self._statuses.clear()
        await self.page.goto(self.start_url, wait_until="domcontentloaded")
        return None

    async def _contact(self) -> Outcome:
        # The permalink prefilled these; fill only what the store left empty.
        for name, value in _field_names(self.request.prefill):
            field = self.page.locator(f'[name="{name}"]')
            if await field.count() == 0 or await field.first.input_value():
                continue
            if await field.first.evaluate("e => e.tagName") == "SELECT":
                await field.first.select_option(value)
            else:
                await field.first.fill(value)
        return await self._continue(PageKind.CONTACT)

    async def _shipping(self) -> Outcome:
        await self.page.locator(SHIPPING_RATE).first.check()
        return await self._continue(PageKind.SHIPPING)

    async def _payment(self) -> Outcome:
        card = self.request.card
        assert card is not None  # checked by ShopifyBrowser.run
        self.checkout_url = self.page.url
        frame = self.page.frame_locator(CARD_FRAME).first
        await frame.locator("#number").fill(card.number)
        await frame.locator("#name").fill(card.holder)
        await frame.locator("#expiry").fill(_expiry(card))
        await frame.locator("#verification_value").fill(card.cvv)
        await self.page.locator(f"{CONTINUE}:not([disabled])").wait_for()
        if self.request.test_mode:
            return CheckoutOutcome(
                OutcomeKind.TEST_PASSED,
                detail="test mode: stopped before Pay now",
                url=self.checkout_url,
                variant=self.request.variants[0],
            )
        # The guard commits to the database: no step time limit may cut it off halfway. If it raises,
        # nothing is submitted (and the exception is the caller's).
        self._timer.reschedule(None)
        await self.guard.before_submit(self.checkout_url)
        self._timer.reschedule(asyncio.get_running_loop().time() + self.step_timeout)
        self.submitted = True
        self._navigated.clear()
        self._statuses.clear()
        await self.page.click(CONTINUE)
        return await self._payment_result()

    async def _payment_result(self) -> CheckoutOutcome:
        """Wait for Pay now's answer: a new page, or a refusal shown on the payment page itself."""
        while True:
            if self._navigated.is_set():
                await self.page.wait_for_load_state("domcontentloaded")
                info = await self._look()
                if info.kind is PageKind.PROCESSING:
                    self._navigated.clear()
                    continue
                if info.kind is PageKind.PAYMENT:
                    return self._failed(f"payment refused{await self._errors()}")
                return self._end(info, self._at)
            try:
                refusal = await self._errors()
            except PlaywrightError:  # the page is navigating away: its answer is coming
                refusal = ""
            if refusal:
                return self._failed(f"payment refused{refusal}")
            with suppress(TimeoutError):
                async with asyncio.timeout(POLL):
                    await self._navigated.wait()
