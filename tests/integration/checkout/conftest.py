from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from phantom.checkout.shopify_browser import ShopifyBrowser
from phantom.sim import SimConfig, SimServer

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    config = SimConfig(
        shopify_stores=1, footsites_stores=1, products_per_store=6, seed=11, skus_per_footsites_store=3
    )
    async with SimServer(config) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    # The sim's cart cookie is set for 127.0.0.1: aiohttp keeps IP-address cookies only with unsafe=True.
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar, timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


@pytest.fixture
def chromium() -> str:
    # The CI installs Debian's Chromium (scripts/ensure-chromium.sh); skip only where it is missing.
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} not found: run scripts/ensure-chromium.sh (as root) or `make chromium`")
    return str(CHROMIUM)


@pytest.fixture
async def browser(http: aiohttp.ClientSession, chromium: str) -> AsyncIterator[ShopifyBrowser]:
    module = ShopifyBrowser(http, executable_path=chromium, headless=True, step_timeout=15.0)
    try:
        yield module
    finally:
        await module.close()
