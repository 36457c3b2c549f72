"""Every screen renders without an error, reached through the sidebar, with a screenshot of each."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.browser.harness import Backend
from tests.e2e.browser.ui import connection_status, open_screen, screenshot, sign_in

SCREENS = ["Monitors", "Products", "Events", "Notifications", "Settings", "Dashboard"]


class TestScreens:
    def test_every_screen_renders(self, page: Page, backend: Backend, watched_store: dict[str, Any]) -> None:
        sign_in(page, backend.token)
        for label in SCREENS:
            open_screen(page, label)
            expect(page.locator(".page")).to_be_visible()
            expect(page.locator(".error-box")).to_have_count(0)
            expect(page.locator(".loading")).to_have_count(0)
            expect(connection_status(page)).to_have_text("Live")
            screenshot(page, f"screen-{label.lower()}")

        open_screen(page, "Products")
        page.get_by_test_id("product-card").first.click()
        expect(page.locator("header.topbar h1")).to_have_text("Product")
        expect(page.get_by_test_id("price-stock-chart").locator("canvas")).to_have_count(1)
        screenshot(page, "screen-product")

        open_screen(page, "Settings")
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("form", name="Sign in")).to_be_visible()
        screenshot(page, "screen-login")
