"""Payment cards: the full card (only ever held on the way to a checkout), its masked summary, and the pure
rules about card numbers — Luhn, brand from the IIN, CVV length, expiry — plus spotting card numbers in free
text so logs and error messages can redact them.

Problems are reported as (field, reason) pairs that never quote the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

Problems = list[tuple[str, str]]

MIN_DIGITS = 12  # Maestro goes down to 12
MAX_DIGITS = 19
MAX_YEARS_AHEAD = 20


class CardBrand(StrEnum):
    VISA = "visa"
    MASTERCARD = "mastercard"
    AMEX = "amex"
    DISCOVER = "discover"
    JCB = "jcb"
    DINERS = "diners"
    UNIONPAY = "unionpay"
    MAESTRO = "maestro"


# (brand, first digits from, to (inclusive), how many leading digits they cover). First match wins, so the
# Discover/UnionPay co-branded range sits before UnionPay's broad "62".
_IIN_RANGES: tuple[tuple[CardBrand, int, int, int], ...] = (
    (CardBrand.AMEX, 34, 34, 2),
    (CardBrand.AMEX, 37, 37, 2),
    (CardBrand.DINERS, 300, 305, 3),
    (CardBrand.DINERS, 3095, 3095, 4),
    (CardBrand.DINERS, 36, 36, 2),
    (CardBrand.DINERS, 38, 39, 2),
    (CardBrand.JCB, 3528, 3589, 4),
    (CardBrand.VISA, 4, 4, 1),
    (CardBrand.MASTERCARD, 51, 55, 2),
    (CardBrand.MASTERCARD, 2221, 2720, 4),
    (CardBrand.MAESTRO, 5018, 5018, 4),
    (CardBrand.MAESTRO, 5020, 5020, 4),
    (CardBrand.MAESTRO, 5038, 5038, 4),
    (CardBrand.MAESTRO, 5893, 5893, 4),
    (CardBrand.MAESTRO, 6304, 6304, 4),
    (CardBrand.MAESTRO, 6759, 6759, 4),
    (CardBrand.MAESTRO, 6761, 6763, 4),
    (CardBrand.DISCOVER, 6011, 6011, 4),
    (CardBrand.DISCOVER, 622126, 622925, 6),
    (CardBrand.DISCOVER, 644, 649, 3),
    (CardBrand.DISCOVER, 65, 65, 2),
    (CardBrand.UNIONPAY, 62, 62, 2),
    (CardBrand.UNIONPAY, 81, 81, 2),
)

_LENGTHS: dict[CardBrand, frozenset[int]] = {
    CardBrand.VISA: frozenset({13, 16, 19}),
    CardBrand.MASTERCARD: frozenset({16}),
    CardBrand.AMEX: frozenset({15}),
    CardBrand.DISCOVER: frozenset(range(16, 20)),
    CardBrand.JCB: frozenset(range(16, 20)),
    CardBrand.DINERS: frozenset(range(14, 20)),
    CardBrand.UNIONPAY: frozenset(range(16, 20)),
    CardBrand.MAESTRO: frozenset(range(12, 20)),
}


@dataclass(frozen=True, slots=True, repr=False)
class Card:
    """A full card. Lives only between the encrypted column and a checkout; repr/str mask it."""

    holder: str
    number: str
    exp_month: int
    exp_year: int
    cvv: str

    def __repr__(self) -> str:
        return f"Card(holder={self.holder!r}, number=<redacted>, exp={self.exp_month}/{self.exp_year}, cvv=<redacted>)"

    def __str__(self) -> str:
        return self.__repr__()


@dataclass(frozen=True, slots=True)
class CardSummary:
    """What may be shown and stored in clear: brand, last four digits, expiry, holder."""

    brand: CardBrand
    last4: str
    exp_month: int
    exp_year: int
    holder: str


def digits_of(number: str) -> str:
    """A card number as typed ("4111 1111-1111 1111") without its spaces and dashes."""
    return number.replace(" ", "").replace("-", "")


def normalize_card(card: Card) -> Card:
    """Trim the fields, drop separators from the number, read a two-digit year as 20YY."""
    year = card.exp_year + 2000 if 0 <= card.exp_year < 100 else card.exp_year
    return Card(
        holder=card.holder.strip(),
        number=digits_of(card.number.strip()),
        exp_month=card.exp_month,
        exp_year=year,
        cvv=card.cvv.strip(),
    )


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit() or not digits.isascii():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def brand_of(digits: str) -> CardBrand | None:
    """The brand a card number's issuer identification number (its first digits) belongs to."""
    if not digits.isdigit() or not digits.isascii():
        return None
    for brand, low, high, width in _IIN_RANGES:
        if len(digits) >= width and low <= int(digits[:width]) <= high:
            return brand
    return None


def cvv_length(brand: CardBrand) -> int:
    return 4 if brand is CardBrand.AMEX else 3


def card_problems(card: Card, today: date, prefix: str = "card") -> Problems:
    """Everything wrong with a (normalized) card as of `today`; empty when it can be used."""
    problems: Problems = []
    if not card.holder:
        problems.append((f"{prefix}.holder", "required"))
    elif len(card.holder) > 255:
        problems.append((f"{prefix}.holder", "at most 255 characters"))
    brand = _number_problems(card.number, f"{prefix}.number", problems)
    want = cvv_length(brand) if brand is not None else None
    if not (card.cvv.isascii() and card.cvv.isdigit()) or len(card.cvv) not in (3, 4):
        problems.append((f"{prefix}.cvv", "must be 3 or 4 digits"))
    elif want is not None and len(card.cvv) != want:
        problems.append((f"{prefix}.cvv", f"must be {want} digits for {brand}"))
    problems += expiry_problems(card.exp_month, card.exp_year, today, prefix)
    return problems


def _number_problems(number: str, field: str, problems: Problems) -> CardBrand | None:
    if not (number.isascii() and number.isdigit()) or not MIN_DIGITS <= len(number) <= MAX_DIGITS:
        problems.append((field, f"must be {MIN_DIGITS} to {MAX_DIGITS} digits"))
        return None
    brand = brand_of(number)
    if brand is None:
        problems.append((field, "not a card brand Phantom knows (" + ", ".join(CardBrand) + ")"))
        return None
    if len(number) not in _LENGTHS[brand]:
        problems.append((field, f"wrong length for a {brand} card"))
    elif not luhn_valid(number):
        problems.append((field, "fails the card number checksum (mistyped?)"))
    return brand


def expiry_problems(month: int, year: int, today: date, prefix: str = "card") -> Problems:
    if not 1 <= month <= 12:
        return [(f"{prefix}.exp_month", "must be 1 to 12")]
    if not today.year <= year <= today.year + MAX_YEARS_AHEAD:
        reason = "expired" if year < today.year else f"more than {MAX_YEARS_AHEAD} years ahead"
        return [(f"{prefix}.exp_year", reason)]
    if (year, month) < (today.year, today.month):
        return [(f"{prefix}.exp_month", "expired")]
    return []


def summarize(card: Card) -> CardSummary:
    """The card's clear-text summary. The card must be valid (card_problems empty)."""
    brand = brand_of(card.number)
    if brand is None:
        raise ValueError("summarize() needs a validated card")
    return CardSummary(
        brand=brand,
        last4=card.number[-4:],
        exp_month=card.exp_month,
        exp_year=card.exp_year,
        holder=card.holder,
    )


# ---- spotting card numbers in free text -------------------------------------------------------------

REDACTED = "[redacted card]"
# Runs of digits with single spaces or dashes between them; candidates are then cut at those separators.
_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9])*(?![0-9])")
_REDACT_MIN = 13


def redact_card_numbers(text: str) -> str:
    """Replace every Luhn-valid card number (13-19 digits, optionally grouped by spaces or dashes) with
    `[redacted card]`. A longer run is checked group by group, so a grouped number followed by more digit
    groups is still caught; an ungrouped run longer than 19 digits is some other number and stays."""
    if not any(ch.isdigit() for ch in text):
        return text
    return _DIGIT_RUN.sub(_redact_run, text)


def contains_card_number(text: str) -> bool:
    return redact_card_numbers(text) != text


def _redact_run(match: re.Match[str]) -> str:
    run = match.group(0)
    digits = digits_of(run)
    if len(digits) < _REDACT_MIN:
        return run
    if len(digits) <= MAX_DIGITS and luhn_valid(digits):
        return REDACTED
    groups = re.split(r"([ -])", run)  # digit groups with their separators in between
    return _redact_groups(groups[0::2], groups[1::2])


def _redact_groups(groups: list[str], seps: list[str]) -> str:
    """The longest Luhn-valid span of whole groups (13-19 digits) from each start, left to right."""
    out: list[str] = []
    i = 0
    while i < len(groups):
        end = _card_span(groups, i)
        if end is not None:
            out.append(REDACTED)
            i = end
        else:
            out.append(groups[i])
            i += 1
        if i < len(groups):
            out.append(seps[i - 1])
    return "".join(out)


def _card_span(groups: list[str], start: int) -> int | None:
    best = None
    digits = ""
    for end in range(start, len(groups)):
        digits += groups[end]
        if len(digits) > MAX_DIGITS:
            break
        if len(digits) >= _REDACT_MIN and luhn_valid(digits):
            best = end + 1
    return best
