"""ProfileRepository contract on the fake, SQLite and (opt-in) PostgreSQL, plus what only SQL has: the card
columns hold AES-GCM ciphertext bound to their row, and rotation re-encrypts every row."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from phantom.adapters.crypto import Keyring, key_id
from phantom.adapters.db.engine import create_session_factory
from phantom.adapters.db.tables_profiles import ProfileRow
from phantom.adapters.db.uow import SqlAlchemyUnitOfWork
from phantom.domain.cards import Card, CardBrand, CardSummary
from phantom.domain.errors import CardUnreadable, DuplicateProfile, ProfileNotFound
from phantom.domain.profiles import Address, Profile
from phantom.services.profiles import unreadable_cards
from tests.fakes import FakeDatabase, FakeUnitOfWork
from tests.integration.db.conftest import Backend, sql_backend, sqlite_url

T0 = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
K1 = bytes(range(32))
K2 = bytes(range(7, 39))
VISA = Card("Ada Lovelace", "4111111111111111", 12, 2030, "123")
AMEX = Card("Grace Hopper", "378282246310005", 6, 2029, "4321")
HOME = Address(
    first_name="Ada",
    last_name="Lovelace",
    address1="1 Analytical Way",
    city="London",
    zip="N1",
    country_code="GB",
)


def profile(pid: str, name: str | None = None, *, card: Card = VISA, group: str | None = None) -> Profile:
    brand = CardBrand.AMEX if card.number.startswith("3") else CardBrand.VISA
    return Profile(
        id=pid,
        name=name or f"profile {pid}",
        email=f"{pid}@example.com",
        phone="+44 20 7946 0000",
        shipping=HOME,
        billing=None,
        card=CardSummary(brand, card.number[-4:], card.exp_month, card.exp_year, card.holder),
        group=group,
        created_at=T0,
        updated_at=T0,
    )


@pytest.fixture(params=["fake", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """Like conftest's `backend`, with the keyring K1 in the SQL unit of work."""
    if request.param == "fake":
        db = FakeDatabase()
        yield Backend("fake", lambda: FakeUnitOfWork(db))
        return
    async with _sql_backend(request, tmp_path) as backend:
        yield backend


def file_bytes(*paths: Path) -> list[bytes]:
    return [p.read_bytes() for p in paths if p.exists()]


async def seed(backend: Backend, *items: tuple[Profile, Card]) -> None:
    async with backend.new_uow() as uow:
        for p, c in items:
            await uow.profiles.add(p, c)
        await uow.commit()


class TestProfileRepository:
    async def test_added_profiles_read_back_equal(self, backend: Backend) -> None:
        p1 = profile("p1", "Main", group="EU")
        p2 = replace(profile("p2", "Alt", card=AMEX), billing=replace(HOME, city="Paris", country_code="FR"))
        await seed(backend, (p1, VISA), (p2, AMEX))
        async with backend.new_uow() as uow:
            assert await uow.profiles.get("p1") == p1
            assert await uow.profiles.get_by_name("Alt") == p2
            assert await uow.profiles.get("nope") is None and await uow.profiles.get_by_name("nope") is None
            assert await uow.profiles.list() == [p2, p1]  # by name
            assert await uow.profiles.list("EU") == [p1]
            assert await uow.profiles.list("none") == []
            assert await uow.profiles.card("p1") == VISA
            assert await uow.profiles.card("p2") == AMEX
            assert await uow.profiles.card("nope") is None

    async def test_a_duplicate_name_or_id_is_refused_and_the_transaction_goes_on(
        self, backend: Backend
    ) -> None:
        async with backend.new_uow() as uow:
            await uow.profiles.add(profile("p1", "Main"), VISA)
            with pytest.raises(DuplicateProfile):
                await uow.profiles.add(profile("p2", "Main"), VISA)
            with pytest.raises(DuplicateProfile):
                await uow.profiles.add(profile("p1", "Other"), VISA)
            await uow.profiles.add(profile("p3", "Third"), VISA)
            await uow.commit()
        async with backend.new_uow() as uow:
            assert [p.id for p in await uow.profiles.list()] == ["p1", "p3"]

    async def test_update_keeps_the_card_unless_given_and_keeps_created_at(self, backend: Backend) -> None:
        await seed(backend, (profile("p1", "Main"), VISA), (profile("p2", "Alt"), VISA))
        later = T0 + timedelta(hours=1)
        renamed = replace(profile("p1", "Renamed", group="US"), created_at=later, updated_at=later)
        async with backend.new_uow() as uow:
            await uow.profiles.update(renamed)
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.profiles.get("p1") == replace(renamed, created_at=T0)
            assert await uow.profiles.card("p1") == VISA
        with_amex = replace(profile("p1", "Renamed", card=AMEX), updated_at=later)
        async with backend.new_uow() as uow:
            await uow.profiles.update(with_amex, AMEX)
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.profiles.card("p1") == AMEX
            assert (await uow.profiles.get("p1")).card.brand is CardBrand.AMEX  # type: ignore[union-attr]

    async def test_update_refuses_unknown_ids_and_taken_names(self, backend: Backend) -> None:
        await seed(backend, (profile("p1", "Main"), VISA), (profile("p2", "Alt"), VISA))
        async with backend.new_uow() as uow:
            with pytest.raises(ProfileNotFound):
                await uow.profiles.update(profile("ghost"))
            with pytest.raises(DuplicateProfile):
                await uow.profiles.update(profile("p2", "Main"))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert (await uow.profiles.get("p2")).name == "Alt"  # type: ignore[union-attr]

    async def test_delete_is_idempotent_and_leaving_without_commit_writes_nothing(
        self, backend: Backend
    ) -> None:
        await seed(backend, (profile("p1"), VISA))
        async with backend.new_uow() as uow:
            await uow.profiles.delete("p1")
            await uow.profiles.delete("p1")
            await uow.profiles.add(profile("p2"), VISA)
        async with backend.new_uow() as uow:
            assert [p.id for p in await uow.profiles.list()] == ["p1"]
            await uow.profiles.delete("p1")
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.profiles.list() == [] and await uow.profiles.card("p1") is None

    async def test_reencrypt_all_counts_rows_and_cards_stay_readable(self, backend: Backend) -> None:
        await seed(backend, (profile("p1"), VISA), (profile("p2", card=AMEX), AMEX))
        async with backend.new_uow() as uow:
            assert await uow.profiles.reencrypt_all(Keyring(K2, [K1])) == 2
            await uow.commit()
        if backend.name == "fake":
            return
        assert backend.engine is not None
        sessions = create_session_factory(backend.engine)
        async with SqlAlchemyUnitOfWork(sessions, cipher=Keyring(K2)) as uow:  # the new key alone
            assert await uow.profiles.card("p1") == VISA and await uow.profiles.card("p2") == AMEX


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def sql(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """SQL backends only, with the keyring K1."""
    async with _sql_backend(request, tmp_path) as backend:
        yield backend


@asynccontextmanager
async def _sql_backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    if request.param == "sqlite":
        path = tmp_path / "phantom.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = sqlite_url(path)
    else:
        url = request.getfixturevalue("migrated_postgres")
    plain = await sql_backend(request.param, url)
    assert plain.engine is not None
    try:
        if request.param == "postgres":
            async with plain.engine.begin() as conn:  # CASCADE: other tables may refer to profiles
                await conn.execute(text("TRUNCATE profile CASCADE"))
        sessions = create_session_factory(plain.engine)
        yield Backend(
            request.param, lambda: SqlAlchemyUnitOfWork(sessions, cipher=Keyring(K1)), plain.engine, url
        )
    finally:
        await plain.engine.dispose()


class TestCardsAtRest:
    async def raw(self, backend: Backend, pid: str) -> tuple[bytes, bytes]:
        assert backend.engine is not None
        async with backend.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(ProfileRow.card_number_enc, ProfileRow.card_cvv_enc).where(ProfileRow.id == pid)
                )
            ).one()
        return bytes(row[0]), bytes(row[1])

    async def test_columns_hold_ciphertext_under_the_current_key(self, sql: Backend) -> None:
        backend = sql
        await seed(backend, (profile("p1"), VISA))
        number, cvv = await self.raw(backend, "p1")
        assert number[0] == 1 and number[1:5] == key_id(K1) and cvv[1:5] == key_id(K1)
        assert VISA.number.encode() not in number and b"123" not in cvv[17:]
        if backend.name == "sqlite":
            assert backend.url is not None and backend.engine is not None
            db_file = Path(backend.url.split("///", 1)[1])
            wal = db_file.with_name(db_file.name + "-wal")
            scanned = file_bytes(db_file, wal)
            await backend.engine.dispose()
            scanned += file_bytes(db_file)
            assert not any(VISA.number.encode() in blob for blob in scanned)

    async def test_a_ciphertext_copied_to_another_row_does_not_decrypt(self, sql: Backend) -> None:
        backend = sql
        await seed(backend, (profile("p1", "A"), VISA), (profile("p2", "B", card=AMEX), AMEX))
        number, cvv = await self.raw(backend, "p1")
        assert backend.engine is not None
        async with backend.engine.begin() as conn:
            await conn.execute(
                update(ProfileRow)
                .where(ProfileRow.id == "p2")
                .values(card_number_enc=number, card_cvv_enc=cvv)
            )
        async with backend.new_uow() as uow:
            assert await uow.profiles.card("p1") == VISA
            with pytest.raises(CardUnreadable, match="profile p2: card_number failed authentication"):
                await uow.profiles.card("p2")

    async def test_a_unit_of_work_without_a_key_reads_profiles_but_no_card(self, sql: Backend) -> None:
        backend = sql
        await seed(backend, (profile("p1"), VISA))
        assert backend.engine is not None
        keyless = SqlAlchemyUnitOfWork(create_session_factory(backend.engine))
        async with keyless as uow:
            assert [p.id for p in await uow.profiles.list()] == ["p1"]
            with pytest.raises(CardUnreadable, match="no card key"):
                await uow.profiles.card("p1")
            with pytest.raises(CardUnreadable):
                await uow.profiles.add(profile("p2"), VISA)

    async def test_a_wrong_key_names_the_missing_key(self, sql: Backend) -> None:
        backend = sql
        await seed(backend, (profile("p1"), VISA))
        assert backend.engine is not None
        async with SqlAlchemyUnitOfWork(create_session_factory(backend.engine), cipher=Keyring(K2)) as uow:
            with pytest.raises(CardUnreadable, match=key_id(K1).hex()):
                await uow.profiles.card("p1")

    async def test_start_up_check_names_the_profiles_a_swapped_key_cannot_read(self, sql: Backend) -> None:
        backend = sql
        await seed(backend, (profile("p1", "Main"), VISA), (profile("p2", "Spare"), VISA))
        assert backend.engine is not None
        sessions = create_session_factory(backend.engine)
        right = await unreadable_cards(uow_factory=lambda: SqlAlchemyUnitOfWork(sessions, cipher=Keyring(K1)))
        wrong = await unreadable_cards(uow_factory=lambda: SqlAlchemyUnitOfWork(sessions, cipher=Keyring(K2)))
        assert right == [] and sorted(wrong) == ["Main", "Spare"]
