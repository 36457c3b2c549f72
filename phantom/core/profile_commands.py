"""`phantom profiles export | import`: the profile exchange of services/profile_exchange.py on files.

Only here may full card numbers leave Phantom (`--include-cards`), and only into a new file of mode 0600.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from phantom.adapters.clock import SystemClock
from phantom.adapters.db.engine import create_db_engine, create_session_factory
from phantom.adapters.db.migrate import upgrade_async
from phantom.adapters.db.uow import SqlAlchemyUnitOfWork
from phantom.adapters.ids import new_id
from phantom.core.keys import load_keyring
from phantom.core.settings import Settings
from phantom.domain.ports import UnitOfWorkFactory
from phantom.services import profile_exchange as exchange
from phantom.services.profiles import list_profiles


def format_of(path: Path, given: str | None) -> exchange.ExchangeFormat:
    """`--format`, else the file's suffix (.csv / .json)."""
    name = (given or path.suffix.lstrip(".")).lower()
    try:
        return exchange.ExchangeFormat(name)
    except ValueError:
        raise ValueError(f"cannot tell the format of {path}: pass --format csv or --format json") from None


@asynccontextmanager
async def _uow_factory(settings: Settings) -> AsyncIterator[UnitOfWorkFactory]:
    keys = load_keyring(settings)
    try:
        await upgrade_async(settings.database.url)
        db = create_db_engine(settings.database.url)
        try:
            sessions = create_session_factory(db)
            yield lambda: SqlAlchemyUnitOfWork(sessions, cipher=keys.keyring)
        finally:
            await db.dispose()
    finally:
        keys.lock.release()


async def export_text(
    settings: Settings, fmt: exchange.ExchangeFormat, *, include_cards: bool
) -> tuple[str, int]:
    """Every profile in the exchange format, and how many."""
    async with _uow_factory(settings) as uow_factory:
        if include_cards:
            items = await exchange.profiles_with_cards(uow_factory=uow_factory)
            return exchange.export_with_cards(items, fmt), len(items)
        profiles = await list_profiles(uow_factory=uow_factory)
        return exchange.export_profiles(profiles, fmt), len(profiles)


def write_private_file(path: Path, text: str) -> None:
    """A new file of mode 0600; an existing file is never overwritten (FileExistsError)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)


async def import_text(settings: Settings, content: str, fmt: exchange.ExchangeFormat) -> int:
    """Import every profile of `content` or none (raises ProfileImportRejected); how many."""
    async with _uow_factory(settings) as uow_factory:
        imported = await exchange.import_profiles(
            content, fmt, uow_factory=uow_factory, ids=new_id, clock=SystemClock()
        )
    return len(imported)
