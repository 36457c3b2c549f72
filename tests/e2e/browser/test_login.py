"""Signing in: no token, no data; a wrong token is refused; the printed token opens a live dashboard."""

from __future__ import annotations

from playwright.sync_api import Page, Playwright, expect

from tests.e2e.browser.harness import Backend
from tests.e2e.browser.ui import connection_status, screenshot, sign_in


class TestRefusal:
    def test_api_refuses_requests_without_a_token(self, playwright: Playwright, backend: Backend) -> None:
        anonymous = playwright.request.new_context(base_url=backend.url)
        try:
            assert anonymous.get("/api/stores").status == 401
            wrong = {"Authorization": "Bearer phx_not-the-token"}
            assert anonymous.get("/api/stores", headers=wrong).status == 401
            assert anonymous.get("/health").status == 200
        finally:
            anonymous.dispose()

    def test_dashboard_without_a_session_shows_the_login_screen(self, page: Page) -> None:
        page.goto("/monitors")
        expect(page.get_by_role("form", name="Sign in")).to_be_visible()
        expect(page.get_by_label("Access token")).to_be_focused()
        expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
        expect(page.get_by_role("button", name="Sign in")).to_be_disabled()
        screenshot(page, "login")

    def test_wrong_token_shows_an_error(self, page: Page) -> None:
        page.goto("/")
        page.get_by_label("Access token").fill("phx_wrong-token-for-the-e2e-test")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_have_text("That token is not valid.")
        expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
        screenshot(page, "login-wrong-token")


class TestSignIn:
    def test_token_opens_the_dashboard_with_a_live_feed(self, page: Page, backend: Backend) -> None:
        sign_in(page, backend.token)
        expect(page.locator("header.topbar h1")).to_have_text("Dashboard")
        expect(connection_status(page)).to_have_text("Live")
        expect(page.get_by_test_id("events-today")).to_be_visible()
        cookies = {c["name"]: c for c in page.context.cookies()}
        session = next(c for c in cookies.values() if c["httpOnly"])
        assert session["sameSite"] == "Strict"
        screenshot(page, "dashboard-signed-in")

    def test_session_survives_a_reload(self, page: Page, backend: Backend) -> None:
        sign_in(page, backend.token)
        page.reload()
        expect(connection_status(page)).to_have_text("Live")
        expect(page.get_by_role("form", name="Sign in")).to_have_count(0)
