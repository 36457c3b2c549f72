"""Steps the browser tests share: signing in, screenshots, and API calls that set the scene."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import APIRequestContext, Locator, Page, expect

from tests.e2e.browser.harness import ARTIFACTS, SimThread

EXPECT_TIMEOUT_MS = 10_000
LIVE_STATUS = re.compile(r"^Live feed")


def screenshot(page: Page, name: str) -> None:
    """A full-page PNG under frontend/e2e-artifacts/ (ignored by git) for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def connection_status(page: Page) -> Locator:
    return page.get_by_role("status", name=LIVE_STATUS)


def sign_in(page: Page, token: str) -> None:
    """Sign in on the login screen and wait for the shell with a live socket."""
    page.goto("/")
    page.get_by_label("Access token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(connection_status(page)).to_have_text("Live")


def open_screen(page: Page, label: str) -> None:
    """Navigate with the sidebar (client-side, no reload) and wait for the screen's title."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True).click()
    expect(page.locator("header.topbar h1")).to_have_text(label)


# -- scene setting through the API (bearer token) ---------------------------------------------------


def ok(response: Any, status: int = 200) -> Any:
    assert response.status == status, f"{response.url}: {response.status} {response.text()[:500]}"
    return response.json() if status != 204 else None


def find_store(api: APIRequestContext, url: str) -> dict[str, Any] | None:
    stores: list[dict[str, Any]] = ok(api.get("/api/stores"))
    return next((s for s in stores if s["url"].rstrip("/") == url.rstrip("/")), None)


def wait_polled(api: APIRequestContext, url: str, *, timeout: float = 10.0) -> dict[str, Any]:
    """Wait until the store at `url` is healthy and has been polled (its first poll sets the baseline)."""
    deadline = time.monotonic() + timeout
    while True:
        store = find_store(api, url)
        health = (store or {}).get("health") or {}
        if store is not None and health.get("status") == "healthy" and health.get("polls", 0) >= 1:
            return store
        if time.monotonic() > deadline:
            raise AssertionError(f"store {url} not healthy and polled after {timeout}s: {store}")
        time.sleep(0.1)


def ensure_watched(api: APIRequestContext, url: str) -> dict[str, Any]:
    """The store at `url` is watched every 0.5 s and has its baseline (added through the API if needed)."""
    if find_store(api, url) is None:
        ok(api.post("/api/stores", data={"url": url, "interval": 0.5}), 201)
    return wait_polled(api, url)


def wait_events(
    api: APIRequestContext, title: str, kind: str, *, count: int = 1, timeout: float = 10.0
) -> list[dict[str, Any]]:
    """Wait until the event log holds `count` events of `kind` for the product called `title`."""
    deadline = time.monotonic() + timeout
    while True:
        page = ok(api.get("/api/events", params={"kind": kind, "limit": 100}))
        found = [e for e in page["items"] if e.get("product_title") == title]
        if len(found) >= count:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"no {kind} event for {title!r} after {timeout}s")
        time.sleep(0.1)


def drop(sim: SimThread, store: str, title: str, sizes: list[str], price: str = "120.00") -> dict[str, Any]:
    """A new product appears in the sim's store; returns the sim's product JSON."""
    result: dict[str, Any] = sim.call(
        sim.server.state.shop_drop, store, title=title, sizes=sizes, price=price
    )
    return dict(result["product"])
