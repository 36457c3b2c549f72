"""SQLite statements run inline in the event loop thread, without a thread hop per statement.

aiosqlite runs each statement in a worker thread, and through SQLAlchemy that is several cross-thread
hand-offs per statement (execute, fetch, close). On the hot path (a detected change: events, alerts and the
new state in one transaction, then two small updates per alert) those hand-offs cost more CPU than the SQL.
SQLite in WAL mode with `synchronous=NORMAL` commits without an fsync and the engine's write gate keeps
transactions from waiting on each other in-process, so a statement takes microseconds: running it inline
halves the CPU of a change (bench/README.md). A long `busy_timeout` wait would block the loop, which is why
several processes sharing one database use PostgreSQL (DESIGN.md §7), where AsyncSession stays.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Connection, Engine, Result, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from phantom.adapters.db.session import SessionFactory


class InlineSession:
    """A sync Session behind the async surface of `DbSession`."""

    def __init__(self, sync: Session) -> None:
        self._sync = sync

    async def execute(
        self, statement: Any, params: Any = None, *, execution_options: Any = None
    ) -> Result[*tuple[Any, ...]]:
        return self._sync.execute(statement, params, execution_options=execution_options or {})

    @asynccontextmanager
    async def begin_nested(self) -> AsyncIterator[Any]:
        with self._sync.begin_nested() as nested:
            yield nested

    def get_bind(self) -> Engine | Connection:
        return self._sync.get_bind()

    async def commit(self) -> None:
        self._sync.commit()

    async def rollback(self) -> None:
        self._sync.rollback()

    async def close(self) -> None:
        self._sync.close()


def create_inline_engine(url: str, pragmas: tuple[str, ...]) -> Engine:
    """A sync pysqlite engine on the same file, set up like the async one: pragmas and BEGIN IMMEDIATE."""
    engine = create_engine(make_url(url).set(drivername="sqlite+pysqlite"))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits our BEGIN below, not the driver
        cursor = dbapi_connection.cursor()
        try:
            for pragma in pragmas:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def inline_session_factory(engine: Engine) -> SessionFactory:
    maker = sessionmaker(engine, expire_on_commit=False, autoflush=False)
    return lambda: InlineSession(maker())
