"""SQL persistence of the admin token hash and the sessions (tables in adapters/db/tables_auth.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from phantom.adapters.db.tables_auth import ApiTokenRow, AuthSessionRow
from phantom.domain.auth import Session

ADMIN = "admin"


class SqlAuthStore:
    """Each method is one short transaction. `gate` is the engine's SQLite write gate (None elsewhere)."""

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], gate: asyncio.Lock | None = None
    ) -> None:
        self._factory = session_factory
        self._gate = gate

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncSession]:
        if self._gate is not None:
            await self._gate.acquire()
        try:
            async with self._factory() as db, db.begin():
                yield db
        finally:
            if self._gate is not None:
                self._gate.release()

    async def token_hash(self) -> str | None:
        async with self._tx() as db:
            row = await db.get(ApiTokenRow, ADMIN)
            return row.hash if row else None

    async def create_token(self, token_hash: str, now: datetime) -> bool:
        """Insert the first token; False when one exists already (another process won the race)."""
        try:
            async with self._tx() as db:
                if await db.get(ApiTokenRow, ADMIN) is not None:
                    return False
                db.add(ApiTokenRow(id=ADMIN, hash=token_hash, created_at=now))
        except IntegrityError:
            return False
        return True

    async def replace_token(self, token_hash: str, now: datetime) -> None:
        """The new token replaces the old one and every session ends, in one transaction."""
        async with self._tx() as db:
            await db.execute(delete(AuthSessionRow))
            await db.execute(delete(ApiTokenRow))
            db.add(ApiTokenRow(id=ADMIN, hash=token_hash, created_at=now))

    async def add_session(self, session: Session) -> None:
        async with self._tx() as db:
            db.add(
                AuthSessionRow(
                    id=session.key,
                    csrf_token=session.csrf_token,
                    created_at=session.created_at,
                    expires_at=session.expires_at,
                    last_seen_at=session.last_seen_at,
                )
            )

    async def get_session(self, key: str) -> Session | None:
        async with self._tx() as db:
            row = await db.get(AuthSessionRow, key)
            if row is None:
                return None
            return Session(
                key=row.id,
                csrf_token=row.csrf_token,
                created_at=row.created_at,
                expires_at=row.expires_at,
                last_seen_at=row.last_seen_at,
            )

    async def touch_session(self, session: Session, now: datetime) -> Session:
        async with self._tx() as db:
            await db.execute(
                update(AuthSessionRow).where(AuthSessionRow.id == session.key).values(last_seen_at=now)
            )
        return replace(session, last_seen_at=now)

    async def delete_session(self, key: str) -> None:
        async with self._tx() as db:
            await db.execute(delete(AuthSessionRow).where(AuthSessionRow.id == key))

    async def delete_expired(self, now: datetime) -> int:
        async with self._tx() as db:
            result = await db.execute(delete(AuthSessionRow).where(AuthSessionRow.expires_at <= now))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]
