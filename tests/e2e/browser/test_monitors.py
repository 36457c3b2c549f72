"""Monitors: add a store through the form and watch it turn healthy."""

from __future__ import annotations

from playwright.sync_api import APIRequestContext, Page, expect

from tests.e2e.browser.harness import Backend, SimThread
from tests.e2e.browser.ui import find_store, ok, open_screen, screenshot, sign_in


class TestAddStore:
    def test_added_store_appears_and_becomes_healthy(
        self, page: Page, backend: Backend, sim: SimThread, api: APIRequestContext
    ) -> None:
        url = sim.shop_url("store-0")
        if (existing := find_store(api, url)) is not None:  # another test watched it first: start clean
            ok(api.delete(f"/api/stores/{existing['id']}"), 204)
        sign_in(page, backend.token)
        open_screen(page, "Monitors")

        page.get_by_role("button", name="Add store").click()
        dialog = page.get_by_role("dialog", name="Add store")
        dialog.get_by_label("Store URL").fill(url)
        dialog.get_by_label("Name").fill("Sim store 0")
        dialog.get_by_label("Interval (s)").fill("0.5")
        screenshot(page, "monitors-add-store")
        dialog.get_by_role("button", name="Add store").click()
        expect(dialog).to_have_count(0)

        row = page.get_by_test_id("store-row").filter(has_text=url)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Sim store 0")
        expect(row).to_contain_text("Healthy")  # after the first poll; no reload: the socket or a refetch
        stored = find_store(api, url)
        assert stored is not None and stored["interval"] == 0.5 and stored["health"]["status"] == "healthy"
        screenshot(page, "monitors")
