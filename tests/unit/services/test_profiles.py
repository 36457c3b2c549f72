"""Profile use cases on fakes: validation before storage, partial edits, groups, the checkout card."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from phantom.domain.cards import Card, CardBrand
from phantom.domain.errors import DuplicateProfile, InvalidProfile, ProfileNotFound
from phantom.domain.profiles import Address, ProfileDraft
from phantom.services import profiles as svc
from tests.fakes import FakeDatabase, FrozenClock, SequentialIds

HOME = Address(
    first_name="Ada",
    last_name="Lovelace",
    address1="1 Analytical Way",
    city="London",
    zip="N1",
    country_code="gb",
)
VISA = Card("Ada Lovelace", "4111 1111 1111 1111", 12, 2030, "123")
AMEX = Card("Ada Lovelace", "3782-822463-10005", 6, 29, "4321")


def draft(name: str = "Main", **changes: object) -> ProfileDraft:
    return replace(ProfileDraft(name=name, email="ada@example.com", phone="", shipping=HOME), **changes)  # type: ignore[arg-type]


class TestCreate:
    async def test_stores_a_normalized_profile_and_the_clean_card(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        p = await svc.create_profile(
            draft(" Main ", group=" EU "), VISA, uow_factory=db.uow_factory(), ids=ids, clock=clock
        )
        assert (p.id, p.name, p.group, p.shipping.country_code) == ("id00000001", "Main", "EU", "GB")
        assert (p.card.brand, p.card.last4, p.created_at) == (CardBrand.VISA, "1111", clock.now())
        assert db.profiles[p.id] == (p, Card("Ada Lovelace", "4111111111111111", 12, 2030, "123"))

    async def test_every_problem_of_draft_and_card_at_once_and_nothing_stored(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        bad_card = Card("", "4111111111111112", 12, 2030, "12")
        with pytest.raises(InvalidProfile) as caught:
            await svc.create_profile(
                draft(email="nope"), bad_card, uow_factory=db.uow_factory(), ids=ids, clock=clock
            )
        assert [f for f, _ in caught.value.problems] == ["email", "card.holder", "card.number", "card.cvv"]
        assert "4111" not in str(caught.value) and db.profiles == {}

    async def test_an_expired_card_is_refused_relative_to_the_clock(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        clock.set(datetime(2026, 3, 1, tzinfo=UTC))
        old = replace(VISA, exp_month=2, exp_year=2026)
        with pytest.raises(InvalidProfile, match="expired"):
            await svc.create_profile(draft(), old, uow_factory=db.uow_factory(), ids=ids, clock=clock)

    async def test_a_taken_name_is_a_duplicate(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        await svc.create_profile(draft(), VISA, uow_factory=db.uow_factory(), ids=ids, clock=clock)
        with pytest.raises(DuplicateProfile):
            await svc.create_profile(draft(), AMEX, uow_factory=db.uow_factory(), ids=ids, clock=clock)


class TestUpdate:
    async def test_partial_edit_keeps_the_rest_and_the_card(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        p = await svc.create_profile(
            draft(group="EU"), VISA, uow_factory=db.uow_factory(), ids=ids, clock=clock
        )
        clock.advance(60)
        changed = await svc.update_profile(
            p.id, svc.ProfileChanges(email="new@example.com"), uow_factory=db.uow_factory(), clock=clock
        )
        assert changed == replace(p, email="new@example.com", updated_at=clock.now())
        assert await svc.card_for_checkout(p.id, uow_factory=db.uow_factory()) == db.profiles[p.id][1]

    async def test_a_new_card_replaces_summary_and_secret(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        p = await svc.create_profile(draft(), VISA, uow_factory=db.uow_factory(), ids=ids, clock=clock)
        changed = await svc.update_profile(
            p.id, svc.ProfileChanges(card=AMEX), uow_factory=db.uow_factory(), clock=clock
        )
        assert (changed.card.brand, changed.card.last4, changed.card.exp_year) == (
            CardBrand.AMEX,
            "0005",
            2029,
        )
        card = await svc.card_for_checkout(p.id, uow_factory=db.uow_factory())
        assert (card.number, card.cvv) == ("378282246310005", "4321")

    async def test_billing_and_group_can_be_cleared(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        away = replace(HOME, city="Paris", country_code="FR")
        p = await svc.create_profile(
            draft(billing=away, group="EU"), VISA, uow_factory=db.uow_factory(), ids=ids, clock=clock
        )
        assert p.billing is not None
        changed = await svc.update_profile(
            p.id,
            svc.ProfileChanges(billing_same_as_shipping=True, clear_group=True),
            uow_factory=db.uow_factory(),
            clock=clock,
        )
        assert changed.billing is None and changed.group is None and changed.billing_address == p.shipping

    async def test_invalid_edits_and_unknown_ids(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        p = await svc.create_profile(draft(), VISA, uow_factory=db.uow_factory(), ids=ids, clock=clock)
        with pytest.raises(InvalidProfile, match=r"card\.cvv"):
            await svc.update_profile(
                p.id,
                svc.ProfileChanges(card=replace(AMEX, cvv="123")),
                uow_factory=db.uow_factory(),
                clock=clock,
            )
        with pytest.raises(ProfileNotFound):
            await svc.update_profile(
                "ghost", svc.ProfileChanges(name="x"), uow_factory=db.uow_factory(), clock=clock
            )
        assert db.profiles[p.id][0] == p


class TestReadAndDelete:
    async def test_get_list_delete(self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds) -> None:
        a = await svc.create_profile(
            draft("B", group="EU"), VISA, uow_factory=db.uow_factory(), ids=ids, clock=clock
        )
        b = await svc.create_profile(draft("A"), VISA, uow_factory=db.uow_factory(), ids=ids, clock=clock)
        assert await svc.get_profile(a.id, uow_factory=db.uow_factory()) == a
        assert await svc.list_profiles(uow_factory=db.uow_factory()) == [b, a]
        assert await svc.list_profiles(uow_factory=db.uow_factory(), group="EU") == [a]
        await svc.delete_profile(a.id, uow_factory=db.uow_factory())
        with pytest.raises(ProfileNotFound):
            await svc.delete_profile(a.id, uow_factory=db.uow_factory())
        with pytest.raises(ProfileNotFound):
            await svc.get_profile(a.id, uow_factory=db.uow_factory())
        with pytest.raises(ProfileNotFound):
            await svc.card_for_checkout(a.id, uow_factory=db.uow_factory())


class TestGroups:
    async def test_list_rename_merge_and_move(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        f = db.uow_factory()
        p1 = await svc.create_profile(draft("1", group="EU"), VISA, uow_factory=f, ids=ids, clock=clock)
        p2 = await svc.create_profile(draft("2", group="EU"), VISA, uow_factory=f, ids=ids, clock=clock)
        p3 = await svc.create_profile(draft("3", group="US"), VISA, uow_factory=f, ids=ids, clock=clock)
        await svc.create_profile(draft("4"), VISA, uow_factory=f, ids=ids, clock=clock)
        assert await svc.list_groups(uow_factory=f) == [svc.ProfileGroup("EU", 2), svc.ProfileGroup("US", 1)]
        assert await svc.rename_group("EU", "Europe", uow_factory=f, clock=clock) == 2
        assert await svc.rename_group("US", "Europe", uow_factory=f, clock=clock) == 1  # merges
        assert await svc.list_groups(uow_factory=f) == [svc.ProfileGroup("Europe", 3)]
        assert await svc.move_profiles([p1.id, p1.id, p2.id], None, uow_factory=f, clock=clock) == 2
        assert [p.id for p in await svc.list_profiles(uow_factory=f, group="Europe")] == [p3.id]
        with pytest.raises(InvalidProfile):
            await svc.rename_group("Europe", "  ", uow_factory=f, clock=clock)

    async def test_moving_an_unknown_profile_moves_none(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        f = db.uow_factory()
        p1 = await svc.create_profile(draft("1"), VISA, uow_factory=f, ids=ids, clock=clock)
        with pytest.raises(ProfileNotFound):
            await svc.move_profiles([p1.id, "ghost"], "EU", uow_factory=f, clock=clock)
        assert (await svc.get_profile(p1.id, uow_factory=f)).group is None
