"""SQL repository of checkout profiles. The card number and CVV go through the CardCipher (AES-GCM with
the row id bound in) and exist in clear only inside `card()`; brand, last4, expiry and holder are columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from phantom.adapters.db.session import DbSession
from phantom.adapters.db.tables_profiles import ProfileRow
from phantom.domain.cards import Card, CardBrand, CardSummary
from phantom.domain.errors import CardUnreadable, DuplicateProfile, ProfileNotFound
from phantom.domain.ports import CardCipher
from phantom.domain.profiles import ADDRESS_FIELDS, Address, Profile

NUMBER = "card_number"  # associated-data names of the two encrypted columns
CVV = "card_cvv"


def _address_json(a: Address | None) -> dict[str, Any] | None:
    return None if a is None else {name: getattr(a, name) for name in ADDRESS_FIELDS}


def _address(data: dict[str, Any] | None) -> Address | None:
    if data is None:
        return None
    return Address(**{name: str(data.get(name, "")) for name in ADDRESS_FIELDS})


def _values(p: Profile) -> dict[str, Any]:
    return {
        "name": p.name,
        "email": p.email,
        "phone": p.phone,
        "shipping": _address_json(p.shipping),
        "billing": _address_json(p.billing),
        "card_holder": p.card.holder,
        "card_brand": p.card.brand.value,
        "card_last4": p.card.last4,
        "card_exp_month": p.card.exp_month,
        "card_exp_year": p.card.exp_year,
        "group_name": p.group,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def _profile(row: ProfileRow) -> Profile:
    shipping = _address(row.shipping)
    assert shipping is not None
    return Profile(
        id=row.id,
        name=row.name,
        email=row.email,
        phone=row.phone,
        shipping=shipping,
        billing=_address(row.billing),
        card=CardSummary(
            brand=CardBrand(row.card_brand),
            last4=row.card_last4,
            exp_month=row.card_exp_month,
            exp_year=row.card_exp_year,
            holder=row.card_holder,
        ),
        group=row.group_name,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlProfileRepository:
    """`cipher` may be None for a unit of work that never touches cards (reading and listing profiles
    work; adding, changing a card and reading one raise CardUnreadable)."""

    def __init__(self, session: DbSession, cipher: CardCipher | None) -> None:
        self._session = session
        self._cipher = cipher

    async def add(self, profile: Profile, card: Card) -> None:
        stmt = insert(ProfileRow).values(id=profile.id, **_values(profile), **self._sealed(profile.id, card))
        try:
            async with self._session.begin_nested():
                await self._session.execute(stmt)
        except IntegrityError as exc:
            raise DuplicateProfile(
                f"a profile with id {profile.id} or named {profile.name!r} exists"
            ) from exc

    async def update(self, profile: Profile, card: Card | None = None) -> None:
        values = _values(profile)
        del values["created_at"]
        if card is not None:
            values |= self._sealed(profile.id, card)
        stmt = update(ProfileRow).where(ProfileRow.id == profile.id).values(**values)
        try:
            async with self._session.begin_nested():
                result = await self._session.execute(stmt, execution_options={"synchronize_session": False})
        except IntegrityError as exc:
            raise DuplicateProfile(f"a profile named {profile.name!r} exists") from exc
        if getattr(result, "rowcount", 0) == 0:
            raise ProfileNotFound(f"no profile with id {profile.id}")

    async def get(self, profile_id: str) -> Profile | None:
        row = await self._one(select(ProfileRow).where(ProfileRow.id == profile_id))
        return _profile(row) if row else None

    async def get_by_name(self, name: str) -> Profile | None:
        row = await self._one(select(ProfileRow).where(ProfileRow.name == name))
        return _profile(row) if row else None

    async def list(self, group: str | None = None) -> list[Profile]:
        stmt = select(ProfileRow).order_by(ProfileRow.name, ProfileRow.id)
        if group is not None:
            stmt = stmt.where(ProfileRow.group_name == group)
        return [_profile(r) for r in await self._rows(stmt)]

    async def delete(self, profile_id: str) -> None:
        await self._session.execute(
            delete(ProfileRow).where(ProfileRow.id == profile_id),
            execution_options={"synchronize_session": False},
        )

    async def card(self, profile_id: str) -> Card | None:
        row = await self._one(select(ProfileRow).where(ProfileRow.id == profile_id))
        if row is None:
            return None
        cipher = self._require_cipher()
        return Card(
            holder=row.card_holder,
            number=cipher.decrypt(row.card_number_enc, row_id=row.id, field=NUMBER),
            exp_month=row.card_exp_month,
            exp_year=row.card_exp_year,
            cvv=cipher.decrypt(row.card_cvv_enc, row_id=row.id, field=CVV),
        )

    async def reencrypt_all(self, cipher: CardCipher) -> int:
        current = self._require_cipher()
        stmt = select(ProfileRow.id, ProfileRow.card_number_enc, ProfileRow.card_cvv_enc).order_by(
            ProfileRow.id
        )
        rows = (await self._session.execute(stmt)).all()
        for row_id, number_enc, cvv_enc in rows:
            number = current.decrypt(number_enc, row_id=row_id, field=NUMBER)
            cvv = current.decrypt(cvv_enc, row_id=row_id, field=CVV)
            await self._session.execute(
                update(ProfileRow)
                .where(ProfileRow.id == row_id)
                .values(
                    card_number_enc=cipher.encrypt(number, row_id=row_id, field=NUMBER),
                    card_cvv_enc=cipher.encrypt(cvv, row_id=row_id, field=CVV),
                ),
                execution_options={"synchronize_session": False},
            )
        return len(rows)

    def _sealed(self, row_id: str, card: Card) -> dict[str, bytes]:
        cipher = self._require_cipher()
        return {
            "card_number_enc": cipher.encrypt(card.number, row_id=row_id, field=NUMBER),
            "card_cvv_enc": cipher.encrypt(card.cvv, row_id=row_id, field=CVV),
        }

    def _require_cipher(self) -> CardCipher:
        if self._cipher is None:
            raise CardUnreadable("no card key loaded in this unit of work")
        return self._cipher

    async def _one(self, stmt: Select[ProfileRow]) -> ProfileRow | None:
        result = await self._session.execute(stmt.execution_options(populate_existing=True))
        return result.scalar_one_or_none()

    async def _rows(self, stmt: Select[ProfileRow]) -> Sequence[ProfileRow]:
        result = await self._session.execute(stmt.execution_options(populate_existing=True))
        return result.scalars().all()
