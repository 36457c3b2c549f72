"""Fixtures of the browser suite: one Playwright and one headless Chromium (Debian's, /usr/bin/chromium) for the
package, the sim in a thread of this process, and `phantom serve` as a subprocess serving the built dashboard.

The tests use Playwright's sync API, opened once (a second `sync_playwright()` fails, FIELD-NOTES "Browser
tests"). While it is open this thread counts as running Playwright's event loop, so no asyncio test or fixture
may live in this package; everything here is package-scoped so that it closes when the browser tests end,
before the rest of the suite's asyncio tests run. The sim gets a thread of its own for the same reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import (
    APIRequestContext,
    Browser,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

from phantom.sim.server import SimConfig
from tests.e2e.browser.harness import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    Backend,
    SimThread,
    build_dashboard,
    dashboard_is_current,
    start_backend,
)
from tests.e2e.browser.ui import EXPECT_TIMEOUT_MS, ensure_watched

VIEWPORT: ViewportSize = {"width": 1440, "height": 900}  # laptop width


@pytest.fixture(scope="package", autouse=True)
def _chromium() -> None:
    # `make test` runs scripts/ensure-chromium.sh first, so in CI these tests run; skip only without it.
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} not found: run scripts/ensure-chromium.sh (as root) or `make chromium`")


@pytest.fixture(scope="package")
def dashboard() -> None:
    """frontend/dist, built when it is missing or older than its sources."""
    if not dashboard_is_current():
        build_dashboard()


@pytest.fixture(scope="package")
def sim() -> Iterator[SimThread]:
    thread = SimThread(SimConfig(shopify_stores=2, footsites_stores=0, products_per_store=6)).start()
    try:
        yield thread
    finally:
        thread.stop()


@pytest.fixture(scope="package")
def backend(dashboard: None, sim: SimThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    # Depends on the sim only so that it stops first: a store that vanishes before Phantom does is noise.
    server = start_backend(tmp_path_factory.mktemp("phantom"), ARTIFACTS / "backend.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="package")
def api(playwright: Playwright, backend: Backend) -> Iterator[APIRequestContext]:
    """The backend's API with the bearer token, for setting scenes and checking what the UI did."""
    context = playwright.request.new_context(base_url=backend.url, extra_http_headers=backend.bearer)
    try:
        yield context
    finally:
        context.dispose()


@pytest.fixture
def page(browser: Browser, backend: Backend) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the dashboard's origin; fails the test on an uncaught page error."""
    context = browser.new_context(base_url=backend.url, viewport=VIEWPORT)
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    errors: list[str] = []
    tab = context.new_page()
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield tab
        assert not errors, f"uncaught errors in the page: {errors}"
    finally:
        context.close()


@pytest.fixture
def watched_store(api: APIRequestContext, sim: SimThread) -> dict[str, Any]:
    """The sim's store-0, watched every 0.5 s and past its baseline poll."""
    return ensure_watched(api, sim.shop_url("store-0"))
