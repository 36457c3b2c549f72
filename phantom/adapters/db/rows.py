"""Small statement helpers the SQL repositories share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import CursorResult, Select

from phantom.adapters.db.session import DbSession

RowT = TypeVar("RowT")


async def fetch_rows(session: DbSession, stmt: Select[RowT]) -> Sequence[RowT]:
    result = await session.execute(stmt.execution_options(populate_existing=True))
    return result.scalars().all()


async def fetch_one(session: DbSession, stmt: Select[RowT]) -> RowT | None:
    result = await session.execute(stmt.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


def rowcount(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return result.rowcount
