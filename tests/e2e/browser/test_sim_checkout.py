"""The sim's checkout in Chromium: permalink prefill, real fills and clicks, card fields in a cross-origin iframe."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser.conftest import VIEWPORT
from tests.e2e.browser.harness import SimThread
from tests.e2e.browser.ui import EXPECT_TIMEOUT_MS, drop, screenshot

STORE = "store-1"  # no other browser test watches it, so these drops make no events elsewhere


@pytest.fixture
def shopper(browser: Browser) -> Iterator[Page]:
    """A fresh context with no base URL (the sim, not the dashboard); fails on an uncaught page error."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    errors: list[str] = []
    tab = context.new_page()
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield tab
        assert not errors, f"uncaught errors in the page: {errors}"
    finally:
        context.close()


def fill_card(page: Page, number: str) -> None:
    card = page.frame_locator("iframe")
    card.locator("#number").fill(number)
    card.locator("#name").fill("Ana Diaz")
    card.locator("#expiry").fill("12 / 34")
    card.locator("#verification_value").fill("737")


class TestSimCheckoutInChromium:
    def test_full_checkout_through_the_card_iframe(self, shopper: Page, sim: SimThread) -> None:
        attempt = uuid.uuid4().hex[:8]
        product = drop(sim, STORE, f"E2E Checkout Runner {attempt}", ["9", "10"], price="150.00")
        vid = product["variants"][1]["id"]
        query = {
            "checkout[email]": "ana@example.com",
            "checkout[shipping_address][first_name]": "Ana",
            "attributes[phantom_attempt]": attempt,
        }
        page = shopper
        page.goto(f"{sim.server.permalink(STORE, vid)}?{urlencode(query)}")

        expect(page.locator("main.checkout")).to_have_attribute("data-step", "contact_information")
        expect(page.locator("#checkout_email")).to_have_value("ana@example.com")
        expect(page.locator("#checkout_shipping_address_first_name")).to_have_value("Ana")
        page.locator("#checkout_shipping_address_last_name").fill("Diaz")
        page.locator("#checkout_shipping_address_address1").fill("1 Main St")
        page.locator("#checkout_shipping_address_city").fill("Brooklyn")
        page.locator("#checkout_shipping_address_zip").fill("11201")
        page.locator("#continue_button").click()

        page.wait_for_url(re.compile(r"step=shipping_method"))
        page.locator("#checkout_shipping_rate_id_shopify-express-25_00").check()
        page.locator("#continue_button").click()

        page.wait_for_url(re.compile(r"step=payment_method"))
        expect(page.locator("#checkout-total")).to_have_text("$175.00")
        expect(page.locator("iframe#card-fields-frame")).to_have_attribute(
            "src", re.compile("^" + re.escape(sim.server.vault_url + "/card-fields?"))
        )
        assert sim.server.vault_url != sim.server.base_url  # another origin, like Shopify's card vault

        fill_card(page, "4242 4242 4242 4241")  # wrong check digit: the vault refuses it
        page.locator("#continue_button").click()
        expect(page.locator("#payment-errors")).to_have_text("Enter a valid card number")
        expect(page.locator("#continue_button")).to_be_enabled()

        fill_card(page, "4242 4242 4242 4242")
        page.locator("#continue_button").click()
        page.wait_for_url(re.compile(r"/thank_you$"))
        expect(page.locator("#thank-you-title")).to_have_text("Thank you, Ana!")
        screenshot(page, "sim-checkout-thank-you")

        placed = [
            o
            for o in sim.call(sim.server.state.shop_orders, STORE)
            if o["attributes"].get("phantom_attempt") == attempt
        ]
        assert len(placed) == 1, placed
        expect(page.locator("#order-name")).to_have_text(placed[0]["name"])
        assert placed[0]["card"] == {"brand": "visa", "last4": "4242"}
        assert placed[0]["line_items"][0]["variant_id"] == vid
        assert placed[0]["total_price"] == "175.00"

        page.go_back()  # the completed checkout only ever shows its thank-you page again
        page.reload()
        expect(page).to_have_url(re.compile(r"/thank_you$"))
        again = [
            o
            for o in sim.call(sim.server.state.shop_orders, STORE)
            if o["checkout_token"] == placed[0]["checkout_token"]
        ]
        assert len(again) == 1
