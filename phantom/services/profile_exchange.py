"""Profile import and export, CSV and JSON.

JSON import takes a list of profiles in our own shape (`{"name", "email", "phone", "group", "shipping": {
first_name, …}, "billing": {…} | null, "card": {"holder", "number", "exp_month", "exp_year", "cvv"}}`) or in
the common bot exchange shape (AYCD style: camelCase addresses, `billingAsShipping`, `payment`), item by item.
CSV has one row per profile (CSV_COLUMNS); empty billing columns mean billing = shipping.

An import validates every row first and reports every problem — (row, field, reason), rows counted from 1,
0 for the file as a whole, never a value — and imports nothing unless all rows are good (one transaction).
Exports carry brand and last four digits only; `export_with_cards` (the CLI's, to a private file) is the
one exception.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

from phantom.domain.cards import Card
from phantom.domain.errors import DuplicateProfile, InvalidProfile, ProfileImportRejected
from phantom.domain.ports import Clock, IdFactory, UnitOfWorkFactory
from phantom.domain.profiles import ADDRESS_FIELDS, Address, Profile, ProfileDraft, new_profile
from phantom.services.profiles import checked

MAX_ROWS = 10_000
RowProblem = tuple[int, str, str]


class ExchangeFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


CARD_COLUMNS = ("card_holder", "card_number", "card_exp_month", "card_exp_year", "card_cvv")
SUMMARY_COLUMNS = ("card_holder", "card_brand", "card_last4", "card_exp_month", "card_exp_year")


def _columns(card: Sequence[str]) -> tuple[str, ...]:
    return (
        "name",
        "email",
        "phone",
        *(f"shipping_{f}" for f in ADDRESS_FIELDS),
        *(f"billing_{f}" for f in ADDRESS_FIELDS),
        *card,
        "group",
    )


CSV_COLUMNS = _columns(CARD_COLUMNS)  # import, and the CLI's export with cards
CSV_EXPORT_COLUMNS = _columns(SUMMARY_COLUMNS)  # the API's export
_IGNORED_COLUMNS = frozenset({"card_brand", "card_last4"})  # an export's, harmless on import

# Names of countries bot exports often write in full, to ISO 3166-1 alpha-2.
COUNTRY_NAMES = {
    "united states": "US",
    "united states of america": "US",
    "usa": "US",
    "canada": "CA",
    "united kingdom": "GB",
    "uk": "GB",
    "great britain": "GB",
    "australia": "AU",
    "germany": "DE",
    "france": "FR",
    "netherlands": "NL",
    "italy": "IT",
    "spain": "ES",
    "japan": "JP",
}


@dataclass(frozen=True, slots=True)
class ImportRow:
    row: int
    draft: ProfileDraft
    card: Card


class _Bad(Exception):
    """One unusable field of one row while reading (before validation)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


# ---- import ----------------------------------------------------------------------------------------


async def import_profiles(
    content: str, fmt: ExchangeFormat, *, uow_factory: UnitOfWorkFactory, ids: IdFactory, clock: Clock
) -> list[Profile]:
    """Import every profile or none. Raises ProfileImportRejected with every problem found."""
    rows, problems = parse_import(content, fmt)
    now = clock.now()
    good: list[tuple[int, ProfileDraft, Card]] = []
    first_row: dict[str, int] = {}
    for r in rows:
        try:
            draft, card = checked(r.draft, r.card, now.date())
        except InvalidProfile as exc:
            problems += [(r.row, field, reason) for field, reason in exc.problems]
            continue
        if (seen := first_row.setdefault(draft.name, r.row)) != r.row:
            problems.append((r.row, "name", f"the same name as row {seen}"))
            continue
        good.append((r.row, draft, card))
    async with uow_factory() as uow:
        existing = {p.name for p in await uow.profiles.list()}
        problems += [
            (row, "name", "a profile with this name exists") for row, d, _ in good if d.name in existing
        ]
        if problems:
            raise ProfileImportRejected(sorted(problems))
        imported = []
        for row, draft, card in good:
            profile = new_profile(draft, card, profile_id=ids(), now=now)
            try:
                await uow.profiles.add(profile, card)
            except DuplicateProfile:  # created meanwhile by someone else
                raise ProfileImportRejected([(row, "name", "a profile with this name exists")]) from None
            imported.append(profile)
        await uow.commit()
    return imported


def parse_import(content: str, fmt: ExchangeFormat) -> tuple[list[ImportRow], list[RowProblem]]:
    """Rows that could be read, and the problems of those that could not (validation comes after)."""
    content = content.removeprefix("\ufeff")
    reader = _csv_records if fmt is ExchangeFormat.CSV else _json_records
    try:
        records = reader(content)
    except _Bad as exc:
        return [], [(0, exc.field, exc.reason)]
    if not records:
        return [], [(0, "content", "no profiles in the file")]
    if len(records) > MAX_ROWS:
        return [], [(0, "content", f"more than {MAX_ROWS} profiles; split the file")]
    rows: list[ImportRow] = []
    problems: list[RowProblem] = []
    for i, read in enumerate(records, start=1):
        try:
            rows.append(read(i))
        except _Bad as exc:
            problems.append((i, exc.field, exc.reason))
    return rows, problems


Record = Callable[[int], ImportRow]


def _csv_records(content: str) -> list[Record]:
    reader = csv.DictReader(io.StringIO(content, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        _check_header([h.strip() for h in header])
        records = list(reader)
    except csv.Error:
        raise _Bad("content", f"not readable as CSV (line {reader.line_num})") from None
    return [partial(_csv_row, rec=rec) for rec in records]


def _check_header(header: list[str]) -> None:
    if not header:
        raise _Bad("content", "no header row (" + ",".join(CSV_COLUMNS[:3]) + ",…)")
    missing = [c for c in CSV_COLUMNS if c not in header]
    unknown = [h for h in header if h not in CSV_COLUMNS and h not in _IGNORED_COLUMNS]
    if len(set(header)) != len(header):
        raise _Bad("content", "a column appears twice in the header")
    if missing:
        hint = (
            " (an export carries no card numbers: it cannot be imported)" if "card_number" in missing else ""
        )
        raise _Bad("content", "missing column(s): " + ", ".join(missing) + hint)
    if unknown:
        raise _Bad("content", "unknown column(s): " + ", ".join(unknown))


def _csv_row(row: int, rec: dict[str | Any, str | Any]) -> ImportRow:
    if None in rec:  # more cells than header columns
        raise _Bad("content", "more cells than columns")
    cells = {k.strip(): (v or "") for k, v in rec.items()}

    def address(prefix: str) -> dict[str, str]:
        return {f: cells[f"{prefix}_{f}"] for f in ADDRESS_FIELDS}

    billing = address("billing")
    return ImportRow(
        row=row,
        draft=ProfileDraft(
            name=cells["name"],
            email=cells["email"],
            phone=cells["phone"],
            shipping=Address(**address("shipping")),
            billing=Address(**billing) if any(v.strip() for v in billing.values()) else None,
            group=cells["group"] or None,
        ),
        card=Card(
            holder=cells["card_holder"],
            number=cells["card_number"],
            exp_month=_int(cells["card_exp_month"], "card.exp_month"),
            exp_year=_int(cells["card_exp_year"], "card.exp_year"),
            cvv=cells["card_cvv"],
        ),
    )


def _json_records(content: str) -> list[Record]:
    try:
        data = json.loads(content)
    except (ValueError, RecursionError):
        raise _Bad("content", "not valid JSON") from None
    if isinstance(data, dict) and isinstance(data.get("profiles"), list):
        data = data["profiles"]
    if not isinstance(data, list):
        raise _Bad("content", "must be a JSON list of profiles")
    return [partial(_json_row, item=item) for item in data]


def _json_row(row: int, item: object) -> ImportRow:
    if not isinstance(item, dict):
        raise _Bad("profile", "must be a JSON object")
    if _is_bot_shape(item):
        return _bot_row(row, item)
    return _own_row(row, item)


def _is_bot_shape(item: dict[str, Any]) -> bool:
    shipping = item.get("shipping")
    return (
        "payment" in item
        or "billingAsShipping" in item
        or (isinstance(shipping, dict) and "firstName" in shipping)
    )


def _own_row(row: int, item: dict[str, Any]) -> ImportRow:
    card = _obj(item, "card", "card")
    billing = item.get("billing")
    return ImportRow(
        row=row,
        draft=ProfileDraft(
            name=_text(item, "name", "name"),
            email=_text(item, "email", "email"),
            phone=_text(item, "phone", "phone"),
            shipping=_own_address(_obj(item, "shipping", "shipping"), "shipping"),
            billing=None if billing is None else _own_address(_obj(item, "billing", "billing"), "billing"),
            group=_text(item, "group", "group") or None,
        ),
        card=Card(
            holder=_text(card, "holder", "card.holder"),
            number=_number(card, "number", "card.number"),
            exp_month=_int(card.get("exp_month"), "card.exp_month"),
            exp_year=_int(card.get("exp_year"), "card.exp_year"),
            cvv=_text(card, "cvv", "card.cvv"),
        ),
    )


def _own_address(data: dict[str, Any], prefix: str) -> Address:
    return Address(**{f: _text(data, f, f"{prefix}.{f}") for f in ADDRESS_FIELDS})


_BOT_ADDRESS = {
    "first_name": "firstName",
    "last_name": "lastName",
    "address1": "address1",
    "address2": "address2",
    "city": "city",
    "province": "state",
    "zip": "zip",
    "phone": "phone",
}


def _bot_row(row: int, item: dict[str, Any]) -> ImportRow:
    payment = _obj(item, "payment", "card")
    same = item.get("billingAsShipping", False)
    if not isinstance(same, bool):
        raise _Bad("billing", "billingAsShipping must be true or false")
    return ImportRow(
        row=row,
        draft=ProfileDraft(
            name=_text(item, "name", "name"),
            email=_text(item, "email", "email"),
            phone=_text(item, "phone", "phone"),
            shipping=_bot_address(_obj(item, "shipping", "shipping"), "shipping"),
            billing=None if same else _bot_address(_obj(item, "billing", "billing"), "billing"),
            group=_text(item, "group", "group") or None,
        ),
        card=Card(
            holder=_text(payment, "cardHolder", "card.holder"),
            number=_number(payment, "cardNumber", "card.number"),
            exp_month=_int(payment.get("cardExpMonth"), "card.exp_month"),
            exp_year=_int(payment.get("cardExpYear"), "card.exp_year"),
            cvv=_text(payment, "cardCvv", "card.cvv"),
        ),
    )


def _bot_address(data: dict[str, Any], prefix: str) -> Address:
    values = {ours: _text(data, theirs, f"{prefix}.{ours}") for ours, theirs in _BOT_ADDRESS.items()}
    country = _text(data, "country", f"{prefix}.country_code").strip()
    return Address(**values, country_code=COUNTRY_NAMES.get(country.lower(), country))


def _obj(data: dict[str, Any], key: str, field: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise _Bad(field, "required (a JSON object)")
    return value


def _text(data: dict[str, Any], key: str, field: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Bad(field, "must be a string")
    return value


def _number(data: dict[str, Any], key: str, field: str) -> str:
    value = data.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _text(data, key, field)


def _int(value: object, field: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if text.isascii() and text.isdigit() and len(text) <= 9:  # int() of thousands of digits raises
        return int(text)
    raise _Bad(field, "must be a whole number")


# ---- export ----------------------------------------------------------------------------------------


def export_profiles(profiles: Sequence[Profile], fmt: ExchangeFormat) -> str:
    """Profiles with their card summaries (brand, last4, expiry, holder) only: safe to hand out."""
    if fmt is ExchangeFormat.JSON:
        return _dump([_profile_json(p, _summary_json(p)) for p in profiles])
    return _csv(CSV_EXPORT_COLUMNS, (_profile_cells(p) | _summary_cells(p) for p in profiles))


def export_with_cards(items: Sequence[tuple[Profile, Card]], fmt: ExchangeFormat) -> str:
    """Full card numbers and CVVs, in the import format (CLI only: written to a new 0600 file)."""
    if fmt is ExchangeFormat.JSON:
        return _dump([_profile_json(p, _card_json(c)) for p, c in items])
    return _csv(CSV_COLUMNS, (_profile_cells(p) | _card_cells(c) for p, c in items))


async def profiles_with_cards(*, uow_factory: UnitOfWorkFactory) -> list[tuple[Profile, Card]]:
    """Every profile with its decrypted card (for `export_with_cards`). Raises CardUnreadable."""
    async with uow_factory() as uow:
        out = []
        for profile in await uow.profiles.list():
            card = await uow.profiles.card(profile.id)
            if card is not None:
                out.append((profile, card))
    return out


def _dump(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _address_json(a: Address | None) -> dict[str, str] | None:
    return None if a is None else {f: getattr(a, f) for f in ADDRESS_FIELDS}


def _profile_json(p: Profile, card: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": p.name,
        "email": p.email,
        "phone": p.phone,
        "group": p.group,
        "shipping": _address_json(p.shipping),
        "billing": _address_json(p.billing),
        "card": card,
    }


def _summary_json(p: Profile) -> dict[str, Any]:
    c = p.card
    return {
        "brand": c.brand.value,
        "last4": c.last4,
        "exp_month": c.exp_month,
        "exp_year": c.exp_year,
        "holder": c.holder,
    }


def _card_json(c: Card) -> dict[str, Any]:
    return {
        "holder": c.holder,
        "number": c.number,
        "exp_month": c.exp_month,
        "exp_year": c.exp_year,
        "cvv": c.cvv,
    }


def _profile_cells(p: Profile) -> dict[str, str]:
    cells = {"name": p.name, "email": p.email, "phone": p.phone, "group": p.group or ""}
    for f in ADDRESS_FIELDS:
        cells[f"shipping_{f}"] = getattr(p.shipping, f)
        cells[f"billing_{f}"] = getattr(p.billing, f) if p.billing is not None else ""
    return cells


def _summary_cells(p: Profile) -> dict[str, str]:
    c = p.card
    return {
        "card_holder": c.holder,
        "card_brand": c.brand.value,
        "card_last4": c.last4,
        "card_exp_month": str(c.exp_month),
        "card_exp_year": str(c.exp_year),
    }


def _card_cells(c: Card) -> dict[str, str]:
    return {
        "card_holder": c.holder,
        "card_number": c.number,
        "card_exp_month": str(c.exp_month),
        "card_exp_year": str(c.exp_year),
        "card_cvv": c.cvv,
    }


def _csv(columns: Sequence[str], rows: Iterable[dict[str, str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
