"""Browser mode: headless Chromium drives the sim's checkout (permalink → contact → shipping → payment)."""

import asyncio
import time
from dataclasses import replace

import aiohttp
import pytest

from phantom.checkout.browser import BrowserHost
from phantom.checkout.shopify_browser import ShopifyBrowser
from phantom.checkout.shopify_flow import UNKNOWN_AFTER_SUBMIT, ShopifyCheckoutFlow
from phantom.domain.checkout import OutcomeKind, ReconcileVerdict
from phantom.sim import SimServer
from tests.integration.checkout.support import (
    CARD,
    PREFILL,
    SHOP,
    FailingGuard,
    GuardFailed,
    HookGuard,
    RecordingGuard,
    checkouts,
    orders,
    request_for,
    set_checkout,
    set_fault,
)


class TestCompletesACheckout:
    async def test_order_placed_with_attributes_and_card(
        self, sim: SimServer, http: aiohttp.ClientSession, browser: ShopifyBrowser
    ) -> None:
        request = request_for(sim)
        guard = RecordingGuard()

        started = time.perf_counter()
        outcome = await browser.run(request, guard)
        elapsed = time.perf_counter() - started

        placed = await orders(http, sim)
        assert outcome.kind is OutcomeKind.ORDER_PLACED, outcome.detail
        assert len(placed) == 1
        order = placed[0]
        assert outcome.order_name == order["name"] == "#1001"
        assert outcome.variant == request.variants[0]
        assert order["attributes"] == {"_phantom_attempt": request.attempt.key}
        assert order["card"] == {"brand": "visa", "last4": CARD.number[-4:]}
        assert order["email"] == PREFILL.email
        assert order["line_items"][0]["variant_id"] == int(request.variants[0].id)
        assert order["shipping_line"]["id"] == "shopify-Standard-10.00"
        assert len(guard.calls) == 1
        assert guard.calls[0].startswith(f"{sim.shop_url(SHOP)}/checkouts/{order['checkout_token']}")
        print(f"headless checkout (incl. first Chromium launch): {elapsed * 1000:.0f} ms")

    async def test_second_run_reuses_the_browser(
        self, sim: SimServer, http: aiohttp.ClientSession, browser: ShopifyBrowser
    ) -> None:
        first = await browser.run(request_for(sim), RecordingGuard())
        second = await browser.run(request_for(sim), RecordingGuard())

        assert (first.order_name, second.order_name) == ("#1001", "#1002")
        assert len(await orders(http, sim)) == 2

    async def test_fills_contact_fields_the_link_left_out(
        self, sim: SimServer, http: aiohttp.ClientSession, chromium: str
    ) -> None:
        request = request_for(sim, test_mode=True)
        bare = sim.permalink(SHOP, int(request.variants[0].id))  # no prefill on the link
        host = BrowserHost(executable_path=chromium, headless=True)
        try:
            context = await host.new_context()
            flow = ShopifyCheckoutFlow(
                await context.new_page(), request, RecordingGuard(), step_timeout=15, start_url=bare
            )
            outcome = await flow.execute()
        finally:
            await host.close()

        assert outcome.kind is OutcomeKind.TEST_PASSED, outcome.detail
        [opened] = await checkouts(http, sim)
        assert opened["email"] == PREFILL.email
        assert opened["shipping_address"]["last_name"] == PREFILL.last_name
        assert opened["shipping_address"]["zip"] == PREFILL.zip

    async def test_rejected_contact_step_fails_with_the_store_message(
        self, sim: SimServer, http: aiohttp.ClientSession, browser: ShopifyBrowser
    ) -> None:
        guard = RecordingGuard()
        request = replace(request_for(sim), prefill=replace(PREFILL, last_name=""))

        outcome = await browser.run(request, guard)

        assert outcome.kind is OutcomeKind.FAILED
        assert outcome.detail == "the contact_information step did not go through: Enter a last name"
        assert guard.calls == []
        assert await orders(http, sim) == []

    async def test_field_the_browser_refuses_fails_without_waiting(
        self, sim: SimServer, http: aiohttp.ClientSession, browser: ShopifyBrowser
    ) -> None:
        request = replace(request_for(sim), prefill=replace(PREFILL, email="not-an-email"))

        outcome = await browser.run(request, RecordingGuard())

        assert outcome.kind is OutcomeKind.FAILED
        assert outcome.detail == "the contact_information step did not go through: invalid checkout[email]"
        assert [c["step"] for c in await checkouts(http, sim)] == ["contact_information"]


class TestTestMode:
    async def test_stops_before_pay_now(
        self, sim: SimServer, http: aiohttp.ClientSession, browser: ShopifyBrowser
    ) -> None:
        guard = RecordingGuard()

        outcome = await browser.run(request_for(sim, test_mode=True), guard)

        assert outcome.kind is OutcomeKind.TEST_PASSED, outcome.detail
        assert outcome.url is not None and "/checkouts/" in outcome.url
        assert guard.calls == []
        assert await orders(http, sim) == []
        assert [c["step"] for c in await checkouts(http, sim)] == ["payment_method"]
        async with http.get(sim.control_url("/vault/sessions")) as resp:
            assert await resp.json() == []  # the card never left the browser


class TestHandsOff:
    @pytest.mark.parametrize("step", ["cart", "contact", "shipping", "payment"])
    async def test_challenge_needs_action(
        self, sim: SimServer, http: aiohttp.ClientSession, browser: ShopifyBrowser, step: str
    ) -> None:
        await set_checkout(http, sim, challenge=step)
        guard = RecordingGuard()

        outcome = await browser.run(request_for(sim), guard)

        assert outcome.kind is OutcomeKind.NEEDS_ACTION, outcome.detail
        assert outcome.url is not None and "/checkpoint" in outcome.url
        assert outcome.detail.startswith("captcha at the ")
        assert guard.calls == []
        assert await orders(http, sim) == []

    @pytest.mark.parametrize(
        ("mode", "reason"),
        [("403", "access denied (403)"), ("429", "rate limit page (429)"), ("queue", "queue")],
    )
    async def test_block_or_queue_page_needs_action(
        self, sim: SimServer, http: aiohttp.ClientSession, browser: ShopifyBrowser, mode: str, reason: str
    ) -> None:
        await set_fault(http, sim, mode)
        guard = RecordingGuard()

        outcome = await browser.run(request_for(sim), guard)

        assert outcome.kind is OutcomeKind.NEEDS_ACTION, outcome.detail
        assert outcome.detail == f"{reason} at the cart step"
        assert guard.calls == []
        assert await checkouts(http, sim) == []

    async def test_out_of_stock_at_payment(
        self, sim: SimServer, http: aiohttp.ClientSession, browser: ShopifyBrowser
    ) -> None:
        await set_checkout(http, sim, oos_at_payment=True)

        outcome = await browser.run(request_for(sim), RecordingGuard())

        assert outcome.kind is OutcomeKind.OUT_OF_STOCK, outcome.detail
        assert outcome.url is not None and outcome.url.endswith("/stock_problems")
        assert await orders(http, sim) == []


class TestNeverClaimsNotSubmitted:
    async def test_guard_failure_submits_nothing(
        self, sim: SimServer, http: aiohttp.ClientSession, browser: ShopifyBrowser
    ) -> None:
        guard = FailingGuard()

        with pytest.raises(GuardFailed):
            await browser.run(request_for(sim), guard)

        assert len(guard.calls) == 1
        assert await orders(http, sim) == []
        assert [c["order"] for c in await checkouts(http, sim)] == [None]
        async with http.get(sim.control_url("/vault/sessions")) as resp:
            assert await resp.json() == []

    async def test_decline_after_submission_is_unknown(
        self, sim: SimServer, http: aiohttp.ClientSession, browser: ShopifyBrowser
    ) -> None:
        await set_checkout(http, sim, decline=True)
        guard = RecordingGuard()

        outcome = await browser.run(request_for(sim), guard)

        assert outcome.kind is OutcomeKind.FAILED
        assert outcome.detail.startswith(f"{UNKNOWN_AFTER_SUBMIT}: payment refused: Your card was declined")
        assert outcome.url == guard.calls[0]
        assert await orders(http, sim) == []

    async def test_block_after_pay_now_is_unknown(
        self, sim: SimServer, http: aiohttp.ClientSession, browser: ShopifyBrowser
    ) -> None:
        guard = HookGuard(lambda: set_fault(http, sim, "429"))

        outcome = await browser.run(request_for(sim), guard)

        assert outcome.kind is OutcomeKind.FAILED
        assert outcome.detail == f"{UNKNOWN_AFTER_SUBMIT}: rate limit page (429) after Pay now"
        assert await orders(http, sim) == []

    async def test_time_out_after_submission_is_unknown_and_reconciles(
        self, sim: SimServer, http: aiohttp.ClientSession, chromium: str
    ) -> None:
        # The store places the order, then holds its answer past the step limit.
        guard = HookGuard(lambda: set_checkout(http, sim, step_delay_ms=2500))
        slow = ShopifyBrowser(http, executable_path=chromium, headless=True, step_timeout=2.0)
        try:
            request = request_for(sim)
            outcome = await slow.run(request, guard)
            await set_checkout(http, sim, step_delay_ms=0)
            verdict = await slow.reconcile(replace(request.attempt, checkout_url=guard.calls[0]))
        finally:
            await slow.close()

        assert outcome.kind is OutcomeKind.FAILED
        assert outcome.detail == f"{UNKNOWN_AFTER_SUBMIT}: timed out at the payment_method step"
        assert [o["name"] for o in await orders(http, sim)] == ["#1001"]
        assert verdict.verdict is ReconcileVerdict.ORDER_PLACED
        assert verdict.order_name == "#1001"

    async def test_slow_guard_is_not_cut_off_by_the_step_limit(
        self, sim: SimServer, http: aiohttp.ClientSession, chromium: str
    ) -> None:
        guard = HookGuard(lambda: asyncio.sleep(2.5))
        slow = ShopifyBrowser(http, executable_path=chromium, headless=True, step_timeout=2.0)
        try:
            outcome = await slow.run(request_for(sim), guard)
        finally:
            await slow.close()

        assert outcome.kind is OutcomeKind.ORDER_PLACED, outcome.detail
        assert len(await orders(http, sim)) == 1

    async def test_time_out_before_submission_says_where(
        self, sim: SimServer, http: aiohttp.ClientSession, chromium: str
    ) -> None:
        await set_checkout(http, sim, step_delay_ms=1500)
        slow = ShopifyBrowser(http, executable_path=chromium, headless=True, step_timeout=1.0)
        guard = RecordingGuard()
        try:
            outcome = await slow.run(request_for(sim), guard)
        finally:
            await slow.close()

        assert outcome.kind is OutcomeKind.FAILED
        assert outcome.detail == "timed out at the cart step"
        assert guard.calls == []


class TestCardNeverLeaks:
    async def test_outcome_and_logs_hold_no_card_values(
        self,
        sim: SimServer,
        http: aiohttp.ClientSession,
        browser: ShopifyBrowser,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        await set_checkout(http, sim, decline=True)

        outcome = await browser.run(request_for(sim), RecordingGuard())

        out = capsys.readouterr()
        assert outcome.kind is OutcomeKind.FAILED
        for text in (repr(outcome), out.out, out.err):
            assert CARD.number not in text
            assert f"cvv='{CARD.cvv}'" not in text
