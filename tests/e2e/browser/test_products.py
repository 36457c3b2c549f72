"""Products: find a dropped product by its title and see its price and stock history as a chart."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import APIRequestContext, Page, expect

from tests.e2e.browser.harness import Backend, SimThread
from tests.e2e.browser.ui import drop, ok, open_screen, screenshot, sign_in, wait_events


class TestProductPage:
    def test_search_open_and_chart_after_restock(
        self,
        page: Page,
        backend: Backend,
        sim: SimThread,
        api: APIRequestContext,
        watched_store: dict[str, Any],
    ) -> None:
        title = f"E2E Chart Runner {uuid.uuid4().hex[:6]}"
        handle = drop(sim, "store-0", title, ["8", "9", "10", "11"], price="150.00")["handle"]
        product_id = wait_events(api, title, "new_product")[0]["product_id"]
        sim.call(sim.server.state.shop_sold_out, "store-0", handle, ["9", "10"])
        wait_events(api, title, "sold_out")
        sim.call(sim.server.state.shop_restock, "store-0", handle, ["9"])
        wait_events(api, title, "restock")
        history = ok(api.get(f"/api/products/{watched_store['id']}/{product_id}/history"))
        assert len(history["points"]) >= 3, history  # drop, sell-out, restock

        sign_in(page, backend.token)
        open_screen(page, "Products")
        page.get_by_label("Search products").fill(title)
        card = page.get_by_test_id("product-card")
        expect(card).to_have_count(1)  # the search narrowed the grid to the dropped product
        expect(card).to_contain_text(title)
        expect(card).to_contain_text("$150.00")
        expect(card.get_by_label("Sizes in stock")).to_have_text("8911")  # chips 8, 9, 11: 10 is sold out
        screenshot(page, "products-search")

        card.click()
        expect(page).to_have_url(
            re.compile(rf"/products/{re.escape(watched_store['id'])}/{re.escape(product_id)}$")
        )
        expect(page.get_by_role("heading", name=title)).to_be_visible()
        chart = page.get_by_test_id("price-stock-chart")
        expect(chart.locator("canvas")).to_have_count(1)
        box = chart.locator("canvas").bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100, box
        expect(page.get_by_text(f"{len(history['points'])} points")).to_be_visible()
        expect(page.get_by_text("3 of 4 in stock")).to_be_visible()
        screenshot(page, "product")
