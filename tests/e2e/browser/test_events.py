"""Events: the history, newest first, narrowed by kind."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.sync_api import APIRequestContext, Page, expect

from tests.e2e.browser.harness import Backend, SimThread
from tests.e2e.browser.ui import drop, open_screen, screenshot, sign_in, wait_events


class TestEventHistory:
    def test_history_shows_events_and_filters_by_kind(
        self,
        page: Page,
        backend: Backend,
        sim: SimThread,
        api: APIRequestContext,
        watched_store: dict[str, Any],
    ) -> None:
        title = f"E2E History Clog {uuid.uuid4().hex[:6]}"
        handle = drop(sim, "store-0", title, ["S", "M", "L"], price="80.00")["handle"]
        wait_events(api, title, "new_product")
        sim.call(sim.server.state.shop_sold_out, "store-0", handle, None)
        wait_events(api, title, "sold_out")

        sign_in(page, backend.token)
        open_screen(page, "Events")
        rows = page.get_by_test_id("event-row").filter(has_text=title)
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("Sold out")  # newest first
        expect(rows.nth(1)).to_contain_text("New product")

        page.get_by_role("group", name="Kinds").get_by_label("Sold out").check()
        expect(rows).to_have_count(1)
        expect(rows).to_contain_text("Sold out")
        kinds = page.get_by_test_id("event-row").locator(".kind").all_inner_texts()
        assert kinds and set(kinds) == {"Sold out"}, kinds
        screenshot(page, "events-sold-out")

        page.get_by_role("button", name="Clear filters").click()
        expect(rows).to_have_count(2)
        screenshot(page, "events")
