"""The master key that encrypts stored cards: where it is, loading it at start, and `phantom keys rotate`.

Source: `PHANTOM_MASTER_KEY` (urlsafe base64 of 32 bytes) wins; else the key file — `key_file` when set,
else `master.key` next to the SQLite database file (or in `data_dir` for PostgreSQL) — created on first
start with mode 0600. A key file that group or others can access, or a malformed key, stops the start.

Rotation works on the key file only: with `PHANTOM_MASTER_KEY` set it refuses and says how to proceed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import structlog
from sqlalchemy.engine import make_url

from phantom.adapters.crypto import Keyring
from phantom.adapters.db.engine import create_db_engine, create_session_factory, is_sqlite
from phantom.adapters.db.migrate import upgrade_async
from phantom.adapters.db.uow import SqlAlchemyUnitOfWork
from phantom.adapters.keyfile import KEY_ENV, KeyFileError, KeyFiles, KeyLock
from phantom.core.settings import Settings
from phantom.domain.ports import UnitOfWork
from phantom.services.profiles import reencrypt_cards

log = structlog.get_logger()

KEY_FILE_NAME = "master.key"
ENV_ROTATION_HELP = (
    f"{KEY_ENV} is set, and Phantom cannot change an environment variable. To rotate: stop Phantom; write "
    f"the current key to the key file named below (`(umask 077; printf '%s\\n' \"${KEY_ENV}\" > KEYFILE)`); "
    f"unset {KEY_ENV}; run `phantom keys rotate`; then keep using the new key file, or put its content into "
    f"{KEY_ENV} and delete the file."
)

__all__ = ["KeyFileError", "LoadedKeyring", "key_file_path", "load_keyring", "rotate_master_key"]


def key_file_path(settings: Settings) -> Path:
    if settings.key_file is not None:
        return settings.key_file
    url = make_url(settings.database.url)
    if is_sqlite(settings.database.url) and url.database not in (None, "", ":memory:"):
        return Path(url.database).parent / KEY_FILE_NAME
    return settings.data_dir / KEY_FILE_NAME


@dataclass(frozen=True, slots=True)
class LoadedKeyring:
    keyring: Keyring
    lock: KeyLock  # held while the process runs: `phantom keys rotate` waits for it to be released


def load_keyring(settings: Settings) -> LoadedKeyring:
    """The keyring to run with (creating the key file on first start). Raises KeyFileError."""
    files = KeyFiles(key_file_path(settings))
    lock = files.hold_shared()
    try:
        loaded = files.load(os.environ.get(KEY_ENV))
    except BaseException:
        lock.release()
        raise
    if loaded.source == "created":
        log.warning(
            "master_key_created", path=str(files.path), hint="back it up: without it no card can be read"
        )
    if loaded.rotation_pending:
        log.warning(
            "key_rotation_unfinished", path=str(files.next_path), hint="run `phantom keys rotate` again"
        )
    return LoadedKeyring(loaded.keyring, lock)


@dataclass(frozen=True, slots=True)
class Rotation:
    profiles: int
    key_file: Path
    key_id: str


async def rotate_master_key(settings: Settings) -> Rotation:
    """New key, every card re-encrypted in one transaction, then the key file replaced atomically. Safe
    to re-run after a crash at any point (it resumes with the same new key). Refuses while Phantom runs on
    the same key file, and when PHANTOM_MASTER_KEY is set. Raises KeyFileError."""
    files = KeyFiles(key_file_path(settings))
    if os.environ.get(KEY_ENV):
        raise KeyFileError(f"{ENV_ROTATION_HELP} (key file: {files.path})")
    with files.exclusive():
        reader, upcoming = files.begin_rotation()
        await upgrade_async(settings.database.url)
        db = create_db_engine(settings.database.url)
        try:
            sessions = create_session_factory(db)

            def uow_factory() -> UnitOfWork:
                return SqlAlchemyUnitOfWork(sessions, cipher=reader)

            count = await reencrypt_cards(upcoming, uow_factory=uow_factory)
        finally:
            await db.dispose()
        files.finish_rotation()
    log.info("master_key_rotated", profiles=count, key_id=upcoming.current_key_id.hex())
    return Rotation(profiles=count, key_file=files.path, key_id=upcoming.current_key_id.hex())
