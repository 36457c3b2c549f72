"""SQLite engine settings and the UTC datetime column type."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from phantom.adapters.db.engine import create_db_engine, sqlite_file
from phantom.adapters.db.tables import StoreStateRow
from tests.integration.db.builders import T0, snapshot, store
from tests.integration.db.conftest import Backend


class TestSqliteEngine:
    async def test_creates_the_folder_and_sets_the_pragmas_on_every_connection(self, tmp_path: Path) -> None:
        path = tmp_path / "nested" / "dir" / "phantom.db"
        engine = create_db_engine(f"sqlite+aiosqlite:///{path}")
        try:
            assert path.parent.is_dir()
            async with engine.connect() as conn:
                values = [
                    (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar()
                    for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
                ]
            assert values == ["wal", 1, 5000, 1]
        finally:
            await engine.dispose()

    async def test_a_second_transaction_waits_for_the_first_instead_of_failing(
        self, sqlite_backend: Backend
    ) -> None:
        assert sqlite_backend.engine is not None
        async with sqlite_backend.engine.connect() as first, sqlite_backend.engine.connect() as second:
            await first.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: first holds the write lock from here
            waiting = asyncio.create_task(second.execute(text("SELECT 1")))
            await asyncio.sleep(0.3)
            assert not waiting.done()  # queued on busy_timeout, even though it has only read so far
            await first.commit()
            await asyncio.wait_for(waiting, timeout=5)
            await second.commit()

    def test_sqlite_file_of_urls(self) -> None:
        assert sqlite_file("sqlite+aiosqlite:///data/phantom.db") == Path("data/phantom.db")
        assert sqlite_file("sqlite+aiosqlite:///:memory:") is None
        assert sqlite_file("postgresql+asyncpg://u@127.0.0.1/db") is None


class TestUtcDateTime:
    async def test_datetimes_come_back_aware_utc_whatever_zone_went_in(self, backend: Backend) -> None:
        if backend.engine is None:
            pytest.skip("column type only")
        paris = timezone(timedelta(hours=2))
        async with backend.new_uow() as uow:
            await uow.stores.add(store("s1"))
            await uow.states.put("s1", snapshot(), T0.astimezone(paris))
            await uow.commit()
        async with backend.engine.connect() as conn:
            (updated,) = (await conn.execute(StoreStateRow.__table__.select())).one()[-1:]
        assert updated == T0
        assert updated.utcoffset() == timedelta(0)

    async def test_naive_datetimes_are_refused(self, backend: Backend) -> None:
        if backend.engine is None:
            pytest.skip("column type only")
        async with backend.new_uow() as uow:
            await uow.stores.add(store("s1"))
            with pytest.raises(StatementError, match="naive datetime"):
                await uow.states.put("s1", snapshot(), datetime(2025, 1, 1))  # noqa: DTZ001
