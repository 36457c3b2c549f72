"""The dashboard updates live: a drop in the sim shows up in the feed without a reload."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from playwright.sync_api import Frame, Page, expect

from tests.e2e.browser.harness import Backend, SimThread
from tests.e2e.browser.ui import connection_status, drop, screenshot, sign_in


class TestLiveFeed:
    def test_drop_appears_in_the_feed_without_reload(
        self, page: Page, backend: Backend, sim: SimThread, watched_store: dict[str, Any]
    ) -> None:
        sign_in(page, backend.token)
        expect(page.locator("header.topbar h1")).to_have_text("Dashboard")
        expect(connection_status(page)).to_have_text("Live")
        # A reload or navigation would lose this marker and count a main-frame navigation.
        page.evaluate("window.__e2eMarker = 'kept'")
        navigations: list[str] = []

        def on_navigated(frame: Frame) -> None:
            if frame == page.main_frame:
                navigations.append(frame.url)

        page.on("framenavigated", on_navigated)
        title = f"E2E Live Dunk {uuid.uuid4().hex[:6]}"
        feed = page.locator("section.panel").filter(has=page.get_by_role("heading", name="Live feed"))
        expect(feed.locator(".spinner")).to_have_count(0)  # the first page of events has loaded

        dropped_at = time.monotonic()
        drop(sim, "store-0", title, ["8", "9", "10"])
        item = page.get_by_test_id("feed-item").filter(has_text=title)
        expect(item).to_have_count(1)
        seen_after = time.monotonic() - dropped_at

        # It came over the socket (the live feed in the UI store), not from a refetch of the event list.
        expect(item).to_have_class(re.compile(r"\bfresh\b"))
        expect(feed).to_contain_text("1 live since opened")
        expect(item).to_contain_text("New product")
        expect(item).to_contain_text("sizes: 8, 9, 10")
        assert page.evaluate("window.__e2eMarker") == "kept", "the page was reloaded"
        assert navigations == [], f"the page navigated: {navigations}"
        print(f"drop visible on the dashboard {seen_after:.2f}s after the sim changed")
        screenshot(page, "dashboard-live")
