"""Notifications: add a Discord channel (with its embed preview) and send a test that reaches the sink."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import APIRequestContext, Page, expect

from tests.e2e.browser.harness import Backend, SimThread, wait_until
from tests.e2e.browser.ui import ok, open_screen, screenshot, sign_in


class TestDiscordChannel:
    def test_add_channel_and_send_test(
        self, page: Page, backend: Backend, sim: SimThread, api: APIRequestContext
    ) -> None:
        sink = f"e2e-{time.monotonic_ns()}"
        sign_in(page, backend.token)
        open_screen(page, "Notifications")

        page.get_by_role("button", name="Add channel").click()
        dialog = page.get_by_role("dialog", name="Add channel")
        dialog.get_by_label("Name", exact=True).fill("e2e drops")
        dialog.get_by_label("Webhook URL", exact=True).fill(sim.sink_url(sink))
        embed = dialog.get_by_test_id("embed")
        expect(embed).to_be_visible()  # the Discord preview of a sample restock
        expect(dialog.get_by_test_id("route-verdict")).to_have_text(
            "This alert would be sent to this channel"
        )
        # The sample restock has no size 4: the preview says this channel would not get it, and why.
        dialog.get_by_label("Sizes", exact=True).fill("4")
        expect(dialog.get_by_test_id("route-verdict")).to_contain_text("Not sent to this channel")
        dialog.get_by_label("Sizes", exact=True).fill("")
        screenshot(page, "notifications-add-channel")
        dialog.get_by_role("button", name="Add channel").click()
        expect(dialog).to_have_count(0)

        card = page.get_by_test_id("channel").filter(has_text="e2e drops")
        expect(card).to_have_count(1)
        expect(card).to_contain_text("discord")
        assert sim.sink_messages(sink) == []
        card.get_by_role("button", name="Send test").click()
        expect(page.get_by_role("status").filter(has_text="Test alert sent to e2e drops")).to_be_visible()

        def sent_test_alerts() -> list[dict[str, Any]]:
            embeds = [e for m in sim.sink_messages(sink) for e in m["body"].get("embeds", [])]
            return [e for e in embeds if "Phantom test alert" in e.get("title", "")]

        wait_until(lambda: len(sent_test_alerts()) > 0, timeout=10, what="the test alert at the sink")
        assert len(sent_test_alerts()) == 1, "one click sends one test alert"
        [created] = [c for c in ok(api.get("/api/channels")) if c["name"] == "e2e drops"]
        assert created["kind"] == "discord" and created["url"].endswith("/webhooks/1/***")
        expect(card).to_contain_text(created["url"])  # the webhook's secret part is never shown
        expect(card).not_to_contain_text("/webhooks/1/token")
        screenshot(page, "notifications")
