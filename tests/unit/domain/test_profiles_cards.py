"""Card rules: Luhn, brand from the IIN, CVV length, expiry, masking, and spotting card numbers in text."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phantom.domain.cards import (
    REDACTED,
    Card,
    CardBrand,
    brand_of,
    card_problems,
    contains_card_number,
    digits_of,
    expiry_problems,
    luhn_valid,
    normalize_card,
    redact_card_numbers,
    summarize,
)

TODAY = date(2026, 11, 29)
VISA = "4111111111111111"
AMEX = "378282246310005"


def card(
    number: str = VISA, cvv: str = "123", month: int = 12, year: int = 2030, holder: str = "Ada L"
) -> Card:
    return Card(holder=holder, number=number, exp_month=month, exp_year=year, cvv=cvv)


def fields(problems: list[tuple[str, str]]) -> list[str]:
    return [f for f, _ in problems]


def with_check_digit(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


class TestLuhn:
    @pytest.mark.parametrize("number", [VISA, AMEX, "5555555555554444", "6011111111111117", "30569309025904"])
    def test_known_test_cards_pass(self, number: str) -> None:
        assert luhn_valid(number)

    @pytest.mark.parametrize(
        "number", ["4111111111111112", "378282246310006", "", "4111-1111", "\uff14\uff11\uff11\uff11"]
    )
    def test_a_changed_digit_or_non_digits_fail(self, number: str) -> None:
        assert not luhn_valid(number)

    @given(st.text(alphabet="0123456789", min_size=11, max_size=18), st.integers(0, 17))
    def test_changing_any_one_digit_breaks_the_checksum(self, body: str, where: int) -> None:
        number = with_check_digit(body)
        i = where % len(number)
        changed = number[:i] + str((int(number[i]) + 1) % 10) + number[i + 1 :]
        assert luhn_valid(number) and not luhn_valid(changed)


class TestBrand:
    @pytest.mark.parametrize(
        ("number", "brand"),
        [
            (VISA, CardBrand.VISA),
            ("4222222222222", CardBrand.VISA),
            ("5555555555554444", CardBrand.MASTERCARD),
            ("2223003122003222", CardBrand.MASTERCARD),
            ("2720990000000007", CardBrand.MASTERCARD),
            (AMEX, CardBrand.AMEX),
            ("371449635398431", CardBrand.AMEX),
            ("6011111111111117", CardBrand.DISCOVER),
            ("6221260000000000", CardBrand.DISCOVER),  # co-branded range inside UnionPay's 62
            ("6445644564456445", CardBrand.DISCOVER),
            ("6511111111111111", CardBrand.DISCOVER),
            ("3530111333300000", CardBrand.JCB),
            ("3589000000000000", CardBrand.JCB),
            ("30569309025904", CardBrand.DINERS),
            ("36227206271667", CardBrand.DINERS),
            ("3095000000000000", CardBrand.DINERS),
            ("6200000000000005", CardBrand.UNIONPAY),
            ("6229260000000000", CardBrand.UNIONPAY),  # just past the Discover range
            ("6759649826438453", CardBrand.MAESTRO),
            ("5018000000000009", CardBrand.MAESTRO),
        ],
    )
    def test_brand_from_the_first_digits(self, number: str, brand: CardBrand) -> None:
        assert brand_of(number) is brand

    @pytest.mark.parametrize("number", ["1234567890123456", "9111111111111111", "2220000000000000", "", "x"])
    def test_unknown_ranges_have_no_brand(self, number: str) -> None:
        assert brand_of(number) is None


class TestCardProblems:
    def test_a_good_card_has_none(self) -> None:
        assert card_problems(card(), TODAY) == []
        assert card_problems(card(AMEX, cvv="1234"), TODAY) == []

    def test_amex_needs_four_digit_cvv_and_others_three(self) -> None:
        assert card_problems(card(AMEX, cvv="123"), TODAY) == [("card.cvv", "must be 4 digits for amex")]
        assert card_problems(card(VISA, cvv="1234"), TODAY) == [("card.cvv", "must be 3 digits for visa")]
        assert fields(card_problems(card(cvv="12a"), TODAY)) == ["card.cvv"]

    @pytest.mark.parametrize(
        ("number", "reason"),
        [
            ("4111111111111112", "fails the card number checksum (mistyped?)"),
            ("41111111111111", "wrong length for a visa card"),
            ("9111111111111111", "not a card brand Phantom knows"),
            ("4111 1111", "must be 12 to 19 digits"),
            ("41111111111111111111", "must be 12 to 19 digits"),
        ],
    )
    def test_number_problems_name_the_field_never_the_value(self, number: str, reason: str) -> None:
        problems = card_problems(card(number), TODAY)
        assert fields(problems) == ["card.number"]
        assert problems[0][1].startswith(reason)
        assert digits_of(number)[:6] not in problems[0][1]

    def test_expiry(self) -> None:
        assert expiry_problems(11, 2026, TODAY) == []
        assert expiry_problems(10, 2026, TODAY) == [("card.exp_month", "expired")]
        assert expiry_problems(12, 2025, TODAY) == [("card.exp_year", "expired")]
        assert expiry_problems(13, 2027, TODAY) == [("card.exp_month", "must be 1 to 12")]
        assert expiry_problems(1, 2047, TODAY) == [("card.exp_year", "more than 20 years ahead")]

    def test_every_problem_is_reported_at_once(self) -> None:
        problems = card_problems(card("4111111111111112", cvv="1", month=0, holder=""), TODAY)
        assert fields(problems) == ["card.holder", "card.number", "card.cvv", "card.exp_month"]

    def test_normalize_drops_separators_and_reads_two_digit_years(self) -> None:
        c = normalize_card(card(" 4111 1111-1111 1111 ", cvv=" 123 ", year=31, holder=" Ada "))
        assert (c.number, c.cvv, c.exp_year, c.holder) == (VISA, "123", 2031, "Ada")

    def test_summary_keeps_brand_last4_expiry_holder(self) -> None:
        s = summarize(card())
        assert (s.brand, s.last4, s.exp_month, s.exp_year, s.holder) == (
            CardBrand.VISA,
            "1111",
            12,
            2030,
            "Ada L",
        )


class TestCardMasking:
    def test_repr_and_str_never_show_number_or_cvv(self) -> None:
        c = card(cvv="987")
        for text in (repr(c), str(c), f"{c}", repr([c]), repr({"card": c})):
            assert VISA not in text and "987" not in text and "<redacted>" in text
        assert "Ada L" in repr(c)


class TestRedaction:
    @pytest.mark.parametrize(
        "text",
        [
            f"paid with {VISA}.",
            "number=4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "amex 3782 822463 10005 ok",
            f'{{"number": "{AMEX}"}}',
            "x4111111111111111y",
        ],
    )
    def test_card_numbers_in_text_are_replaced(self, text: str) -> None:
        out = redact_card_numbers(text)
        assert (
            REDACTED in out and "1111 1111" not in out and not any(n in digits_of(out) for n in (VISA, AMEX))
        )

    def test_a_grouped_number_followed_by_more_groups_is_still_caught(self) -> None:
        assert redact_card_numbers("4111 1111 1111 1111 12") == f"{REDACTED} 12"
        assert redact_card_numbers("call 12 4111 1111 1111 1111") == f"call 12 {REDACTED}"

    @pytest.mark.parametrize(
        "text",
        [
            "4111111111111112",  # fails Luhn
            "order 123456789012",  # 12 digits: too short to redact
            "41111111111111110000000",  # 23 digits in one run: some other number
            "2026-11-29T10:00:00Z took 1.5 s",
            "",
            "no digits at all",
        ],
    )
    def test_other_numbers_stay(self, text: str) -> None:
        assert redact_card_numbers(text) == text
        assert not contains_card_number(text)

    @given(st.text(alphabet="0123456789", min_size=12, max_size=18))
    def test_any_luhn_valid_number_of_13_to_19_digits_is_redacted(self, body: str) -> None:
        number = with_check_digit(body)
        assert redact_card_numbers(f"n={number};") == f"n={REDACTED};"
