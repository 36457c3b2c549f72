"""Backends for the persistence contract tests: the fake, a real SQLite file and (opt-in) PostgreSQL.

Alembic runs once per session per backend: SQLite tests copy a migrated template file, PostgreSQL tests
truncate every table first. Tests commit for real, since commit and rollback are part of the contract.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from phantom.adapters.db.engine import create_db_engine, create_session_factory
from phantom.adapters.db.migrate import upgrade
from phantom.adapters.db.uow import SqlAlchemyUnitOfWork
from phantom.domain.ports import UnitOfWork
from tests.fakes import FakeDatabase, FakeUnitOfWork


@dataclass
class Backend:
    name: str
    new_uow: Callable[[], UnitOfWork]
    engine: AsyncEngine | None = None
    url: str | None = None


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def blocking_upgrade(url: str) -> None:
    """Alembic runs its own event loop: give it a thread, so this works from sync and async fixtures alike."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            upgrade(url)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if errors:
        raise errors[0]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "phantom.db"
    blocking_upgrade(sqlite_url(path))
    return path


@pytest.fixture(scope="session")
def migrated_postgres(postgres_url: str) -> str:
    blocking_upgrade(postgres_url)
    return postgres_url


async def sql_backend(name: str, url: str) -> Backend:
    engine = create_db_engine(url)
    factory = create_session_factory(engine)
    return Backend(name, lambda: SqlAlchemyUnitOfWork(factory), engine, url)


@pytest.fixture
async def sqlite_backend(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Backend]:
    path = tmp_path / "phantom.db"
    shutil.copyfile(sqlite_template, path)
    backend = await sql_backend("sqlite", sqlite_url(path))
    yield backend
    assert backend.engine is not None
    await backend.engine.dispose()


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
        url = request.getfixturevalue("migrated_postgres")
        backend = await sql_backend("postgres", url)
        assert backend.engine is not None
        async with backend.engine.begin() as conn:
            await conn.execute(
                # CASCADE: tables that refer to these (tasks, attempts, assignments) are emptied too.
                text(
                    "TRUNCATE store, channel, store_state, event, outbox, product, product_point, rule, "
                    "inbound_channel CASCADE"
                )
            )
    yield backend
    assert backend.engine is not None
    await backend.engine.dispose()
