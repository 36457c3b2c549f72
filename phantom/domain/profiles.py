"""Checkout profiles: contact, shipping and billing addresses, and a card kept masked (CardSummary).

The full card (phantom.domain.cards.Card) is stored encrypted and handed out only to a checkout. Validation
is pure: problems are (field, reason) pairs that never quote the value; `today` and `now` are passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime

from phantom.domain.cards import Card, CardSummary, Problems, card_problems, normalize_card, summarize
from phantom.domain.errors import InvalidProfile

MAX_TEXT = 255
MAX_EMAIL = 320
MAX_PHONE = 64
MAX_ZIP = 32
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_PHONE = re.compile(r"[0-9+()\-. ]*")
_COUNTRY = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True, slots=True)
class Address:
    first_name: str
    last_name: str
    address1: str
    city: str
    zip: str
    country_code: str  # ISO 3166-1 alpha-2, upper case
    address2: str = ""
    province: str = ""  # state / province / region, as the store expects it
    phone: str = ""


ADDRESS_FIELDS = tuple(f.name for f in fields(Address))
REQUIRED_ADDRESS_FIELDS = ("first_name", "last_name", "address1", "city", "zip", "country_code")


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    name: str  # unique
    email: str
    phone: str
    shipping: Address
    billing: Address | None  # None: same as shipping
    card: CardSummary
    group: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def billing_address(self) -> Address:
        return self.billing if self.billing is not None else self.shipping


@dataclass(frozen=True, slots=True)
class ProfileDraft:
    """Everything of a profile a person edits, except the card."""

    name: str
    email: str
    phone: str
    shipping: Address
    billing: Address | None = None
    group: str | None = None

    @classmethod
    def of(cls, profile: Profile) -> ProfileDraft:
        p = profile
        return cls(p.name, p.email, p.phone, p.shipping, p.billing, p.group)


def normalize_address(a: Address) -> Address:
    return Address(
        first_name=a.first_name.strip(),
        last_name=a.last_name.strip(),
        address1=a.address1.strip(),
        address2=a.address2.strip(),
        city=a.city.strip(),
        province=a.province.strip(),
        zip=a.zip.strip(),
        country_code=a.country_code.strip().upper(),
        phone=a.phone.strip(),
    )


def normalize_draft(d: ProfileDraft) -> ProfileDraft:
    group = (d.group or "").strip() or None
    billing = normalize_address(d.billing) if d.billing is not None else None
    return ProfileDraft(
        name=d.name.strip(),
        email=d.email.strip(),
        phone=d.phone.strip(),
        shipping=normalize_address(d.shipping),
        billing=billing,
        group=group,
    )


def address_problems(a: Address, prefix: str) -> Problems:
    problems: Problems = []
    for name in REQUIRED_ADDRESS_FIELDS:
        if not getattr(a, name):
            problems.append((f"{prefix}.{name}", "required"))
    for name in ("first_name", "last_name", "address1", "address2", "city", "province"):
        if len(getattr(a, name)) > MAX_TEXT:
            problems.append((f"{prefix}.{name}", f"at most {MAX_TEXT} characters"))
    if len(a.zip) > MAX_ZIP:
        problems.append((f"{prefix}.zip", f"at most {MAX_ZIP} characters"))
    if a.country_code and not _COUNTRY.fullmatch(a.country_code):
        problems.append((f"{prefix}.country_code", "must be a two-letter ISO 3166 code such as US"))
    problems += phone_problems(a.phone, f"{prefix}.phone")
    return problems


def email_problems(email: str, field: str = "email") -> Problems:
    if not email:
        return [(field, "required")]
    if len(email) > MAX_EMAIL or not _EMAIL.fullmatch(email):
        return [(field, "not an email address")]
    return []


def phone_problems(phone: str, field: str = "phone") -> Problems:
    if len(phone) > MAX_PHONE or not _PHONE.fullmatch(phone):
        return [(field, f"digits, spaces and + ( ) - . only, at most {MAX_PHONE} characters")]
    return []


def draft_problems(d: ProfileDraft) -> Problems:
    """Everything wrong with a normalized draft; empty when it can be saved."""
    problems: Problems = []
    if not d.name:
        problems.append(("name", "required"))
    elif len(d.name) > MAX_TEXT:
        problems.append(("name", f"at most {MAX_TEXT} characters"))
    problems += email_problems(d.email)
    problems += phone_problems(d.phone)
    problems += address_problems(d.shipping, "shipping")
    if d.billing is not None:
        problems += address_problems(d.billing, "billing")
    if d.group is not None and len(d.group) > MAX_TEXT:
        problems.append(("group", f"at most {MAX_TEXT} characters"))
    return problems


def checked_draft(draft: ProfileDraft) -> ProfileDraft:
    """The normalized draft; raises InvalidProfile naming every bad field."""
    d = normalize_draft(draft)
    if problems := draft_problems(d):
        raise InvalidProfile(problems)
    return d


def checked_card(card: Card, today: date) -> Card:
    """The normalized card; raises InvalidProfile naming every bad field (never the number or CVV)."""
    c = normalize_card(card)
    if problems := card_problems(c, today):
        raise InvalidProfile(problems)
    return c


def new_profile(
    draft: ProfileDraft, card: Card, *, profile_id: str, now: datetime, created_at: datetime | None = None
) -> Profile:
    """A profile from a checked draft and a checked card."""
    return with_draft(draft, summarize(card), profile_id=profile_id, now=now, created_at=created_at or now)


def with_draft(
    draft: ProfileDraft, card: CardSummary, *, profile_id: str, now: datetime, created_at: datetime
) -> Profile:
    return Profile(
        id=profile_id,
        name=draft.name,
        email=draft.email,
        phone=draft.phone,
        shipping=draft.shipping,
        billing=draft.billing,
        card=card,
        group=draft.group,
        created_at=created_at,
        updated_at=now,
    )
