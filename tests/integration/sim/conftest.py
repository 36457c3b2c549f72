from collections.abc import AsyncIterator

import aiohttp
import pytest

from phantom.sim import SimConfig, SimServer


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    config = SimConfig(
        shopify_stores=2, footsites_stores=1, products_per_store=45, seed=7, skus_per_footsites_store=6
    )
    async with SimServer(config) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session
