"""The slice of a SQLAlchemy session the repositories use, so SQLite can run inline (adapters/db/inline.py)
and PostgreSQL through AsyncSession behind one type."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Result


class DbSession(Protocol):
    async def execute(
        self, statement: Any, params: Any = None, *, execution_options: Any = ...
    ) -> Result[*tuple[Any, ...]]: ...
    def begin_nested(self) -> AbstractAsyncContextManager[Any]: ...
    def get_bind(self) -> Engine | Connection: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
    async def close(self) -> None: ...


SessionFactory = Callable[[], DbSession]
