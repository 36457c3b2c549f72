"""Monitors: add a store through the form and watch it turn healthy."""

from __future__ import annotations

import re

from playwright.sync_api import APIRequestContext, Page, expect

from tests.e2e.browser.harness import Backend, SimThread
from tests.e2e.browser.ui import find_store, ok, open_screen, screenshot, sign_in, wait_polled


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
        dialog.get_by_label("Store URL", exact=True).fill(url)
        dialog.get_by_label("Name", exact=True).fill("Sim store 0")
        dialog.get_by_label("Interval (s)", exact=True).fill("0.5")
        screenshot(page, "monitors-add-store")
        dialog.get_by_role("button", name="Add store").click()
        expect(dialog).to_have_count(0)

        row = page.get_by_test_id("store-row").filter(has_text=url)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Sim store 0")
        expect(row).to_contain_text("0.5s")

        # The socket reports health changes only; polls and latency come with the list's refetch.
        stored = wait_polled(api, url)
        assert stored["interval"] == 0.5 and stored["name"] == "Sim store 0"
        page.reload()
        cells = row.locator("td")
        expect(cells.nth(0)).to_have_text("Healthy")
        expect(cells.nth(4)).to_have_text(re.compile(r"^[1-9]\d*"))  # polls
        expect(cells.nth(6)).not_to_have_text("never")  # last success
        expect(cells.nth(7)).to_have_text("—")  # no error
        screenshot(page, "monitors")
