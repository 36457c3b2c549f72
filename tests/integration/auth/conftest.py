from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine

from phantom.adapters.db.engine import create_db_engine, create_session_factory
from phantom.auth.authenticator import TokenAuthenticator
from phantom.auth.store import SqlAuthStore
from phantom.auth.tokens import TokenHasher
from tests.fakes import FrozenClock
from tests.integration.db.conftest import blocking_upgrade, sqlite_url

# Cheap argon2id parameters: the tests are about behaviour, not cost.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session")
def auth_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auth-template") / "phantom.db"
    blocking_upgrade(sqlite_url(path))
    return path


@pytest.fixture
async def engine(auth_template: Path, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    path = tmp_path / "auth.db"
    shutil.copy(auth_template, path)
    db = create_db_engine(sqlite_url(path))
    yield db
    await db.dispose()


@pytest.fixture
def store(engine: AsyncEngine) -> SqlAuthStore:
    return SqlAuthStore(create_session_factory(engine))


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


def authenticator(store: SqlAuthStore, clock: FrozenClock, **options: object) -> TokenAuthenticator:
    options.setdefault("hasher", TokenHasher(FAST))
    return TokenAuthenticator(store, clock, **options)  # type: ignore[arg-type]
