"""Fixtures of the proxy integration tests: the persistence backends of tests/integration/db (fake, SQLite
file, opt-in PostgreSQL), the simulated store, and the local proxies of tests/proxyserver.py."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from phantom.sim import SimConfig, SimServer
from tests.fakes import FakeDatabase, FakeUnitOfWork
from tests.integration.db.conftest import (  # noqa: F401  (fixtures)
    Backend,
    migrated_postgres,
    sql_backend,
    sqlite_template,
    sqlite_url,
)
from tests.proxyserver import HttpProxy, Socks5Proxy


@pytest.fixture(params=["fake", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    if request.param == "fake":
        db = FakeDatabase()
        yield Backend("fake", lambda: FakeUnitOfWork(db))
        return
    if request.param == "sqlite":
        path = tmp_path / "phantom.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        backend = await sql_backend("sqlite", sqlite_url(path))
    else:
        backend = await sql_backend("postgres", request.getfixturevalue("migrated_postgres"))
        assert backend.engine is not None
        async with backend.engine.begin() as conn:
            await conn.execute(text("TRUNCATE store, proxy_list CASCADE"))
    yield backend
    assert backend.engine is not None
    await backend.engine.dispose()


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    config = SimConfig(
        shopify_stores=2, footsites_stores=1, products_per_store=30, seed=5, skus_per_footsites_store=2
    )
    async with SimServer(config) as server:
        yield server


@pytest.fixture
async def http_proxy() -> AsyncIterator[HttpProxy]:
    async with HttpProxy() as proxy:
        yield proxy


@pytest.fixture
async def auth_proxy() -> AsyncIterator[HttpProxy]:
    async with HttpProxy(username="alice", password="s3cret") as proxy:
        yield proxy


@pytest.fixture
async def socks_proxy() -> AsyncIterator[Socks5Proxy]:
    async with Socks5Proxy(username="bob", password="hunter2") as proxy:
        yield proxy
