"""Profile drafts: normalisation and validation, problems naming fields and never values."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from phantom.domain.cards import Card, CardBrand
from phantom.domain.errors import InvalidProfile
from phantom.domain.profiles import (
    Address,
    ProfileDraft,
    address_problems,
    checked_card,
    checked_draft,
    draft_problems,
    email_problems,
    new_profile,
    normalize_draft,
)

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
HOME = Address(
    first_name="Ada",
    last_name="Lovelace",
    address1="1 Analytical Way",
    city="London",
    zip="N1 9GU",
    country_code="GB",
    province="",
    phone="+44 20 7946 0000",
)


def draft(**changes: object) -> ProfileDraft:
    base = ProfileDraft(name="Main", email="ada@example.com", phone="+44 20 7946 0000", shipping=HOME)
    return replace(base, **changes)  # type: ignore[arg-type]


class TestDraftValidation:
    def test_a_good_draft_has_no_problems(self) -> None:
        assert draft_problems(draft()) == []

    def test_normalisation_trims_uppercases_country_and_blanks_group(self) -> None:
        d = normalize_draft(draft(name="  Main ", group="  ", shipping=replace(HOME, country_code=" gb ")))
        assert d.name == "Main" and d.group is None and d.shipping.country_code == "GB"

    def test_required_address_fields(self) -> None:
        empty = Address(first_name="", last_name="", address1="", city="", zip="", country_code="")
        assert [f for f, _ in address_problems(empty, "shipping")] == [
            "shipping.first_name",
            "shipping.last_name",
            "shipping.address1",
            "shipping.city",
            "shipping.zip",
            "shipping.country_code",
        ]

    def test_country_must_be_iso2_and_billing_is_checked_when_given(self) -> None:
        bad = replace(HOME, country_code="GBR")
        assert draft_problems(draft(billing=bad)) == [
            ("billing.country_code", "must be a two-letter ISO 3166 code such as US")
        ]

    @pytest.mark.parametrize("email", ["", "ada", "ada@", "@example.com", "ada@example", "a b@example.com"])
    def test_email_shape(self, email: str) -> None:
        assert [f for f, _ in email_problems(email)] == ["email"]

    def test_phone_and_lengths(self) -> None:
        problems = draft_problems(draft(name="x" * 256, phone="call me", group="g" * 256))
        assert [f for f, _ in problems] == ["name", "phone", "group"]

    def test_checked_draft_raises_naming_every_field(self) -> None:
        with pytest.raises(InvalidProfile) as caught:
            checked_draft(draft(name="", email="nope"))
        assert caught.value.problems == (("name", "required"), ("email", "not an email address"))
        assert str(caught.value) == "name: required; email: not an email address"


class TestCheckedCard:
    def test_the_error_never_contains_the_number_or_cvv(self) -> None:
        with pytest.raises(InvalidProfile) as caught:
            checked_card(Card("Ada", "4111 1111 1111 1112", 1, 2020, "98"), date(2026, 11, 29))
        text = str(caught.value) + repr(caught.value.problems)
        assert "4111" not in text and "98" not in text
        assert [f for f, _ in caught.value.problems] == ["card.number", "card.cvv", "card.exp_year"]


class TestNewProfile:
    def test_builds_the_masked_card_and_times(self) -> None:
        card = checked_card(Card("Ada L", "4111-1111-1111-1111", 7, 31, "123"), NOW.date())
        p = new_profile(checked_draft(draft(group="EU")), card, profile_id="p1", now=NOW)
        assert (p.card.brand, p.card.last4, p.card.exp_year) == (CardBrand.VISA, "1111", 2031)
        assert p.created_at == p.updated_at == NOW and p.group == "EU"
        assert p.billing is None and p.billing_address == HOME
