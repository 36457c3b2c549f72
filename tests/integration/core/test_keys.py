"""The master key in the composition root: where the key file goes, the refusals at start, and
`rotate_master_key` on a real SQLite file — including a rotation interrupted after its commit."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from phantom.adapters.crypto import Keyring, encode_key, key_id
from phantom.adapters.db.engine import create_db_engine, create_session_factory
from phantom.adapters.db.migrate import upgrade_async
from phantom.adapters.db.uow import SqlAlchemyUnitOfWork
from phantom.adapters.ids import new_id
from phantom.adapters.keyfile import KEY_ENV, KeyFiles, read_key_file
from phantom.core.keys import KeyFileError, key_file_path, load_keyring, rotate_master_key
from phantom.core.settings import DatabaseSettings, Settings
from phantom.domain.cards import Card
from phantom.domain.ports import UnitOfWork
from phantom.domain.profiles import Address, ProfileDraft
from phantom.services import profiles as svc
from tests.fakes import FrozenClock

VISA = Card("Ada Lovelace", "4111111111111111", 12, 2030, "123")
AMEX = Card("Ada Lovelace", "378282246310005", 6, 2029, "4321")
HOME = Address(
    first_name="Ada", last_name="L", address1="1 Main St", city="NYC", zip="10001", country_code="US"
)


@pytest.fixture(autouse=True)
def no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)


def settings_for(db: Path, **extra: object) -> Settings:
    return Settings(database=DatabaseSettings(url=f"sqlite+aiosqlite:///{db}"), **extra)  # type: ignore[arg-type]


async def with_cards(settings: Settings, cipher: Keyring, *cards: Card) -> list[str]:
    """Profiles with these cards on the settings' database; their ids."""
    await upgrade_async(settings.database.url)
    engine = create_db_engine(settings.database.url)
    try:
        sessions = create_session_factory(engine)

        def uow() -> UnitOfWork:
            return SqlAlchemyUnitOfWork(sessions, cipher=cipher)

        clock = FrozenClock()
        out = []
        for i, card in enumerate(cards):
            draft = ProfileDraft(
                name=f"profile {card.number[-4:]} {i}", email="a@example.com", phone="", shipping=HOME
            )
            out.append((await svc.create_profile(draft, card, uow_factory=uow, ids=new_id, clock=clock)).id)
        return out
    finally:
        await engine.dispose()


async def read_cards(settings: Settings, cipher: Keyring, ids: list[str]) -> list[Card]:
    engine = create_db_engine(settings.database.url)
    try:
        sessions = create_session_factory(engine)
        return [
            await svc.card_for_checkout(
                pid, uow_factory=lambda: SqlAlchemyUnitOfWork(sessions, cipher=cipher)
            )
            for pid in ids
        ]
    finally:
        await engine.dispose()


class TestWhere:
    def test_next_to_the_sqlite_file_unless_configured(self, tmp_path: Path) -> None:
        assert key_file_path(settings_for(tmp_path / "db" / "x.db")) == tmp_path / "db" / "master.key"
        assert key_file_path(settings_for(tmp_path / "x.db", key_file=tmp_path / "k")) == tmp_path / "k"
        pg = Settings(database=DatabaseSettings(url="postgresql+asyncpg://u@h/db"), data_dir=tmp_path / "d")
        assert key_file_path(pg) == tmp_path / "d" / "master.key"


class TestStart:
    def test_first_start_creates_the_key_and_later_starts_reuse_it(self, tmp_path: Path) -> None:
        settings = settings_for(tmp_path / "x.db")
        first = load_keyring(settings)
        first.lock.release()
        path = tmp_path / "master.key"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        again = load_keyring(settings)
        again.lock.release()
        assert again.keyring.current_key == first.keyring.current_key == read_key_file(path)

    def test_refuses_a_readable_key_file_and_releases_its_lock(self, tmp_path: Path) -> None:
        settings = settings_for(tmp_path / "x.db")
        load_keyring(settings).lock.release()
        (tmp_path / "master.key").chmod(0o644)
        with pytest.raises(KeyFileError, match=r"chmod 600 .*master\.key"):
            load_keyring(settings)
        (tmp_path / "master.key").chmod(0o600)
        with KeyFiles(tmp_path / "master.key").exclusive():  # no lock was left behind by the refusal
            pass

    def test_the_environment_key_wins(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        key = bytes(range(32))
        monkeypatch.setenv(KEY_ENV, encode_key(key))
        loaded = load_keyring(settings_for(tmp_path / "x.db"))
        loaded.lock.release()
        assert loaded.keyring.current_key == key and not (tmp_path / "master.key").exists()


class TestRotate:
    async def test_reencrypts_every_card_then_replaces_the_key_file(self, tmp_path: Path) -> None:
        settings = settings_for(tmp_path / "x.db")
        start = load_keyring(settings)
        start.lock.release()
        old = start.keyring
        ids = await with_cards(settings, old, VISA, AMEX)
        done = await rotate_master_key(settings)
        new_key = read_key_file(tmp_path / "master.key")
        assert done.profiles == 2 and done.key_id == key_id(new_key).hex() != key_id(old.current_key).hex()
        assert stat.S_IMODE((tmp_path / "master.key").stat().st_mode) == 0o600
        assert not (tmp_path / "master.key.next").exists()
        assert await read_cards(settings, Keyring(new_key), ids) == [
            VISA,
            AMEX,
        ]  # the new key alone reads all
        after = load_keyring(settings)
        after.lock.release()
        assert after.keyring.current_key == new_key

    async def test_interrupted_after_the_commit_every_card_stays_readable_and_a_rerun_finishes(
        self, tmp_path: Path
    ) -> None:
        settings = settings_for(tmp_path / "x.db")
        start = load_keyring(settings)
        start.lock.release()
        ids = await with_cards(settings, start.keyring, VISA)
        files = KeyFiles(tmp_path / "master.key")
        reader, upcoming = files.begin_rotation()
        engine = create_db_engine(settings.database.url)
        sessions = create_session_factory(engine)
        await svc.reencrypt_cards(upcoming, uow_factory=lambda: SqlAlchemyUnitOfWork(sessions, cipher=reader))
        await engine.dispose()  # ... and the process dies before the rename
        restarted = load_keyring(settings)
        restarted.lock.release()
        assert restarted.keyring.current_key == start.keyring.current_key  # master.key untouched
        assert await read_cards(settings, restarted.keyring, ids) == [VISA]
        more = await with_cards(settings, restarted.keyring, AMEX)  # written under the old key meanwhile
        done = await rotate_master_key(settings)
        assert done.key_id == upcoming.current_key_id.hex(), "the rerun resumes with the same new key"
        assert await read_cards(settings, Keyring(upcoming.current_key), ids + more) == [VISA, AMEX]

    async def test_refuses_while_phantom_runs_on_the_key(self, tmp_path: Path) -> None:
        settings = settings_for(tmp_path / "x.db")
        running = load_keyring(settings)
        try:
            with pytest.raises(KeyFileError, match="Phantom is running"):
                await rotate_master_key(settings)
        finally:
            running.lock.release()
        assert not (tmp_path / "master.key.next").exists()

    async def test_refuses_with_an_environment_key_and_says_how(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv(KEY_ENV, encode_key(bytes(32)))
        with pytest.raises(KeyFileError) as caught:
            await rotate_master_key(settings_for(tmp_path / "x.db"))
        message = str(caught.value)
        assert (
            KEY_ENV in message
            and "phantom keys rotate" in message
            and str(tmp_path / "master.key") in message
        )
        assert encode_key(bytes(32)) not in message
        assert os.listdir(tmp_path) == []
