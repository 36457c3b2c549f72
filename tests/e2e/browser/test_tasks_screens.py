"""Tasks, profiles, proxies and rules in the dashboard: a profile's card is only ever shown masked, a proxy
list is tested against a local URL, a rule is backtested over the event history, and a task created from a
product page shows its status live and puts the checkout link in front of the person."""

from __future__ import annotations

import asyncio
import re
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import APIRequestContext, Page, expect

from tests.e2e.browser.harness import Backend, SimThread, free_port
from tests.e2e.browser.ui import drop, ok, open_screen, screenshot, sign_in, wait_events
from tests.proxyserver import HttpProxy

NEW_SCREENS = ["Tasks", "Rules", "Checkouts", "Profiles", "Proxies"]
CARD = "4111111111111111"
CVV = "737"


class ProxyThread:
    """A real HTTP forward proxy (tests/proxyserver.py) on its own event loop: this package runs no asyncio."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="proxy", daemon=True)
        self.proxy = HttpProxy(username="e2e", password="s3cret-pw")

    def __enter__(self) -> HttpProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.proxy.__aenter__(), self._loop).result(timeout=10)
        return self.proxy

    def __exit__(self, *exc: object) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self.proxy.__aexit__(None, None, None), self._loop).result(
                timeout=10
            )
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()


@pytest.fixture
def proxy() -> Iterator[HttpProxy]:
    with ProxyThread() as running:
        yield running


class TestNewScreens:
    def test_each_renders_from_the_sidebar(self, page: Page, backend: Backend) -> None:
        sign_in(page, backend.token)
        for label in NEW_SCREENS:
            open_screen(page, label)
            expect(page.locator(".page")).to_be_visible()
            expect(page.locator(".error-box")).to_have_count(0)
            screenshot(page, f"screen-{label.lower()}")
        open_screen(page, "Checkouts")
        expect(page.get_by_test_id("success-rate")).to_be_visible()


class TestProfiles:
    def test_created_profile_shows_the_card_masked_only(
        self, page: Page, backend: Backend, api: APIRequestContext
    ) -> None:
        name = f"E2E Profile {uuid.uuid4().hex[:6]}"
        sign_in(page, backend.token)
        open_screen(page, "Profiles")
        page.get_by_role("button", name="New profile").click()
        form = page.get_by_role("form", name="Profile")
        fields = {
            "Profile name": name,
            "Email": "ada@example.com",
            "First name": "Ada",
            "Last name": "Lovelace",
            "Address": "1 Main St",
            "City": "Portland",
            "State / province": "OR",
            "ZIP / postcode": "97201",
            "Card holder": "Ada Lovelace",
            "Exp. month": "8",
            "Exp. year": "2031",
            "CVV": CVV,
        }
        for label, value in fields.items():
            form.get_by_label(label, exact=True).first.fill(value)
        form.get_by_label(re.compile(r"^Card number")).fill("4111 1111 1111 1111")
        form.get_by_role("button", name="Create profile").click()
        expect(form).to_have_count(0)

        row = page.get_by_test_id("profile-row").filter(has_text=name)
        expect(row.get_by_test_id("masked-card")).to_contain_text("Visa •••• 1111 · 08/31")
        html = page.content()
        assert CARD not in html and "4111 1111 1111 1111" not in html
        screenshot(page, "profiles")

        # Editing shows the stored card masked and never fills the number or CVV back in.
        row.get_by_role("button", name="Edit").click()
        dialog = page.get_by_role("dialog", name=f"Edit {name}")
        expect(dialog.get_by_test_id("stored-card")).to_contain_text("•••• 1111")
        expect(dialog.get_by_label(re.compile(r"^Card number"))).to_have_count(0)
        assert CARD not in page.content() and CVV not in dialog.inner_text()
        screenshot(page, "profiles-edit")

        stored = [p for p in ok(api.get("/api/profiles")) if p["name"] == name]
        assert stored and stored[0]["card"]["last4"] == "1111" and "number" not in stored[0]["card"]


class TestProxies:
    def test_list_from_pasted_lines_and_tester_against_a_local_url(
        self, page: Page, backend: Backend, sim: SimThread, proxy: HttpProxy
    ) -> None:
        name = f"E2E Proxies {uuid.uuid4().hex[:6]}"
        dead = f"127.0.0.1:{free_port()}"  # nothing listens there
        target = f"{sim.shop_url('store-1')}/products.json"
        sign_in(page, backend.token)
        open_screen(page, "Proxies")
        page.get_by_role("button", name="New list").click()
        form = page.get_by_role("form", name="Proxy list")
        form.get_by_label("Name", exact=True).fill(name)
        form.get_by_label("Proxies, one a line").fill(f"# local\n{proxy.url}\n{dead}\n")
        expect(form.get_by_text(re.compile(r"^2 proxies"))).to_be_visible()
        form.get_by_role("button", name="Create list").click()
        expect(form).to_have_count(0)

        page.get_by_role("list", name="Proxy lists").get_by_role("button", name=re.compile(name)).click()
        expect(page.get_by_test_id("proxy-row")).to_have_count(2)
        assert "s3cret-pw" not in page.content()  # passwords never come back
        page.get_by_label("Test URL").fill(target)
        page.get_by_role("button", name="Test 2 proxies").click()

        rows = page.get_by_test_id("proxy-test-row")
        expect(rows).to_have_count(2)
        live = rows.filter(has_text=f"127.0.0.1:{proxy.port}")
        expect(live).to_contain_text("ok")
        expect(live.locator("td").nth(2)).to_have_text("200")
        expect(rows.filter(has_text=dead)).to_contain_text("failed")
        expect(page.get_by_test_id("tester-summary")).to_contain_text("1 ok · 1 failed")
        assert any("/products.json" in t for t in proxy.targets()), proxy.log  # it really went through
        screenshot(page, "proxies-tester")


class TestRules:
    def test_new_rule_backtested_over_past_events(
        self,
        page: Page,
        backend: Backend,
        sim: SimThread,
        api: APIRequestContext,
        watched_store: dict[str, Any],
    ) -> None:
        word = f"zq{uuid.uuid4().hex[:6]}"
        title = f"E2E Backtest {word} Runner"
        drop(sim, "store-0", title, ["9", "10"], price="130.00")
        wait_events(api, title, "new_product")

        sign_in(page, backend.token)
        open_screen(page, "Rules")
        page.get_by_role("button", name="New rule").click()
        form = page.get_by_role("form", name="Rule")
        form.get_by_label("Name", exact=True).fill(f"Rule {word}")
        form.get_by_label("Keywords", exact=True).fill(f"+{word} -kids")
        expect(form.get_by_test_id("keyword-explain")).to_contain_text(f"with “{word}”, without “kids”")
        form.get_by_role("button", name="Create rule").click()
        expect(form).to_have_count(0)

        row = page.get_by_test_id("rule-row").filter(has_text=f"Rule {word}")
        row.get_by_role("button", name="Backtest").click()
        panel = page.get_by_role("region", name="Backtest")
        panel.get_by_role("button", name="Run backtest").click()
        hits = panel.get_by_test_id("backtest-row")
        expect(hits).to_have_count(1)
        expect(hits).to_contain_text(title)
        expect(panel.get_by_test_id("backtest-summary")).to_contain_text("1 event(s) would have fired")
        screenshot(page, "rules-backtest")


class TestTasks:
    def test_task_from_a_product_shows_its_status_live_and_the_checkout_link(
        self,
        page: Page,
        backend: Backend,
        sim: SimThread,
        api: APIRequestContext,
        watched_store: dict[str, Any],
    ) -> None:
        title = f"E2E Task Runner {uuid.uuid4().hex[:6]}"
        drop(sim, "store-0", title, ["9", "10", "11"], price="140.00")
        product_id = wait_events(api, title, "new_product")[0]["product_id"]

        sign_in(page, backend.token)
        page.goto(f"/products/{watched_store['id']}/{product_id}")
        page.get_by_role("link", name="Create task").click()
        form = page.get_by_role("form", name="Task")
        expect(form.get_by_role("combobox", name="Store", exact=True)).to_have_value(watched_store["id"])
        expect(form.get_by_label(re.compile(r"^Product"))).to_have_value(re.compile(r"/products/"))
        form.get_by_label(re.compile(r"^Sizes")).fill("10")
        form.get_by_label(re.compile(r"^Test mode")).check()
        screenshot(page, "tasks-new-from-product")
        form.get_by_role("button", name="Create task").click()

        expect(page).to_have_url(re.compile(r"/tasks/[^/?]+$"))
        drawer = page.get_by_role("dialog", name="Task details")
        expect(drawer.get_by_role("list", name="Status history")).to_contain_text("Waiting")
        # The runner takes it from there: the link reaches the person over the socket, at once.
        banner = page.get_by_test_id("checkout-alert").filter(has_text=title)
        expect(banner).to_contain_text("Checkout ready", timeout=20_000)
        link = banner.get_by_role("link", name=re.compile("Open checkout"))
        expect(link).to_have_attribute("href", re.compile(r"^http://127\.0\.0\.1:\d+/"))
        row = page.get_by_test_id("task-row").filter(
            has=page.get_by_role("link", name=re.compile("Open checkout"))
        )
        expect(row).to_have_count(1)
        screenshot(page, "tasks-live")

        task_id = page.url.rsplit("/", 1)[1]
        task = ok(api.get(f"/api/tasks/{task_id}"))
        assert task["checkout_url"] and task["sizes"] == ["10"] and task["test_mode"] is True
        assert [t["to_status"] for t in task["transitions"]][:2] == ["idle", "waiting"]

        # The attempt is in the checkout history, with the day's chart and the per-store stats.
        open_screen(page, "Checkouts")
        expect(page.get_by_test_id("checkout-row").filter(has_text=title)).to_contain_text("link ready")
        expect(page.get_by_test_id("stats-row").first).to_contain_text("assist")
        expect(page.get_by_test_id("checkout-chart").locator("canvas")).to_have_count(1)
        screenshot(page, "checkouts")
