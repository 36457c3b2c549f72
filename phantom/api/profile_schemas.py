"""Request and response schemas of the profile routes. A card goes in whole and comes out as brand, last
four digits, expiry and holder only; no response ever carries a card number or CVV."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from phantom.api.errors import ErrorBody
from phantom.domain.cards import Card, CardBrand, CardSummary
from phantom.domain.profiles import Address, Profile, ProfileDraft
from phantom.services.profile_exchange import ExchangeFormat
from phantom.services.profiles import ProfileChanges, ProfileGroup

MAX_IMPORT_CHARS = 5_000_000


def _whole(value: Any) -> Any:
    # JSON Schema's "integer" is any number without a fraction (7.0 included), never "7" or true.
    if isinstance(value, bool | str):
        raise ValueError("must be an integer")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Month = Annotated[int, Field(ge=1, le=12), BeforeValidator(_whole)]
Year = Annotated[
    int, Field(ge=0, le=9999, description="four digits (two are read as 20YY)"), BeforeValidator(_whole)
]
Text = Annotated[str, Field(max_length=255)]


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first_name: Text
    last_name: Text
    address1: Text
    address2: Text = ""
    city: Text
    province: Text = Field("", description="state / province / region")
    zip: str = Field(max_length=32)
    country_code: str = Field(max_length=2, description="ISO 3166-1 alpha-2, e.g. US")
    phone: str = Field("", max_length=64)

    def address(self) -> Address:
        return Address(**self.model_dump())


class AddressRead(BaseModel):
    first_name: str
    last_name: str
    address1: str
    address2: str
    city: str
    province: str
    zip: str
    country_code: str
    phone: str

    @classmethod
    def of(cls, a: Address) -> AddressRead:
        return cls(**{name: getattr(a, name) for name in cls.model_fields})


class CardIn(BaseModel):
    """Validated by Phantom (Luhn, brand, CVV length, expiry): a bad card is a 400 naming the field."""

    model_config = ConfigDict(extra="forbid")
    holder: Text
    number: str = Field(max_length=32, description="12-19 digits; spaces and dashes are ignored")
    exp_month: Month
    exp_year: Year
    cvv: str = Field(max_length=4)

    def card(self) -> Card:
        return Card(
            holder=self.holder,
            number=self.number,
            exp_month=self.exp_month,
            exp_year=self.exp_year,
            cvv=self.cvv,
        )


class CardRead(BaseModel):
    brand: CardBrand
    last4: str
    exp_month: int
    exp_year: int
    holder: str

    @classmethod
    def of(cls, c: CardSummary) -> CardRead:
        return cls(brand=c.brand, last4=c.last4, exp_month=c.exp_month, exp_year=c.exp_year, holder=c.holder)


class ProfileCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text
    email: str = Field(max_length=320)
    phone: str = Field("", max_length=64)
    shipping: AddressIn
    billing: AddressIn | None = Field(None, description="null: same as shipping")
    card: CardIn
    group: str | None = Field(None, max_length=255)

    def draft(self) -> ProfileDraft:
        return ProfileDraft(
            name=self.name,
            email=self.email,
            phone=self.phone,
            shipping=self.shipping.address(),
            billing=self.billing.address() if self.billing is not None else None,
            group=self.group,
        )


class ProfileUpdate(BaseModel):
    """Only the fields sent change. `billing: null` makes billing the shipping address; `group: null`
    takes the profile out of its group; a `card` replaces the stored card."""

    model_config = ConfigDict(extra="forbid")
    name: Text | None = None
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=64)
    shipping: AddressIn | None = None
    billing: AddressIn | None = None
    card: CardIn | None = None
    group: str | None = Field(None, max_length=255)

    def changes(self) -> ProfileChanges:
        sent = self.model_fields_set
        return ProfileChanges(
            name=self.name,
            email=self.email,
            phone=self.phone,
            shipping=self.shipping.address() if self.shipping is not None else None,
            billing=self.billing.address() if self.billing is not None else None,
            billing_same_as_shipping="billing" in sent and self.billing is None,
            card=self.card.card() if self.card is not None else None,
            group=self.group,
            clear_group="group" in sent and self.group is None,
        )


class ProfileRead(BaseModel):
    id: str
    name: str
    email: str
    phone: str
    shipping: AddressRead
    billing: AddressRead | None = Field(description="null: same as shipping")
    card: CardRead
    group: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, p: Profile) -> ProfileRead:
        return cls(
            id=p.id,
            name=p.name,
            email=p.email,
            phone=p.phone,
            shipping=AddressRead.of(p.shipping),
            billing=AddressRead.of(p.billing) if p.billing is not None else None,
            card=CardRead.of(p.card),
            group=p.group,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )


class GroupRead(BaseModel):
    name: str
    profiles: int

    @classmethod
    def of(cls, g: ProfileGroup) -> GroupRead:
        return cls(name=g.name, profiles=g.profiles)


class GroupRename(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=255, description="the group to rename")
    new_name: str = Field(max_length=255, description="may be an existing group: the two merge")


class ProfilesMove(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=1000)
    group: str | None = Field(None, max_length=255, description="null: no group")


class ProfileCount(BaseModel):
    profiles: int


class ImportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: ExchangeFormat
    content: str = Field(max_length=MAX_IMPORT_CHARS, description="the CSV or JSON file's text")


class ImportResult(BaseModel):
    imported: int


class ImportProblem(BaseModel):
    row: int = Field(description="counted from 1; 0 is the file as a whole")
    field: str
    reason: str


class ImportErrorBody(ErrorBody):
    """Nothing was imported; every problem found (never a value). A body that could not be read at all
    gets the plain error body (no `problems`)."""

    problems: list[ImportProblem] = Field(default_factory=list)
