"""Profile import/export on fakes: both JSON shapes and CSV, all-or-nothing with every bad row reported
(never a card value), and exports that carry no card numbers unless the CLI asks for them."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from phantom.domain.cards import Card, CardBrand
from phantom.domain.errors import ProfileImportRejected
from phantom.services import profile_exchange as ex
from phantom.services.profile_exchange import ExchangeFormat
from tests.fakes import FakeDatabase, FrozenClock, SequentialIds

CSV, JSON = ExchangeFormat.CSV, ExchangeFormat.JSON
VISA = "4111111111111111"
AMEX = "378282246310005"


def own(name: str, number: str = VISA, cvv: str = "123", **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": name,
        "email": f"{name.lower()}@example.com",
        "phone": "+1 555 0100",
        "group": "US",
        "shipping": {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "address1": "1 Main St",
            "address2": "",
            "city": "New York",
            "province": "NY",
            "zip": "10001",
            "country_code": "US",
            "phone": "",
        },
        "billing": None,
        "card": {"holder": "Ada Lovelace", "number": number, "exp_month": 12, "exp_year": 2030, "cvv": cvv},
    }
    return item | extra


def aycd(name: str, *, same: bool = True, number: str = AMEX, cvv: str = "4321") -> dict[str, Any]:
    address = {
        "firstName": "Grace",
        "lastName": "Hopper",
        "address1": "2 Navy Rd",
        "address2": "Apt 3",
        "city": "Arlington",
        "state": "VA",
        "zip": "22201",
        "country": "United States",
        "phone": "5550100",
    }
    return {
        "name": name,
        "email": "grace@example.com",
        "phone": "5550100",
        "shipping": address,
        "billing": {**address, "city": "Boston", "state": "MA", "country": "US"},
        "billingAsShipping": same,
        "payment": {
            "cardHolder": "Grace Hopper",
            "cardNumber": number,
            "cardExpMonth": "06",
            "cardExpYear": "29",
            "cardCvv": cvv,
        },
    }


async def run_import(db: FakeDatabase, content: str, fmt: ExchangeFormat) -> int:
    imported = await ex.import_profiles(
        content, fmt, uow_factory=db.uow_factory(), ids=SequentialIds(), clock=FrozenClock()
    )
    return len(imported)


async def rejected(db: FakeDatabase, content: str, fmt: ExchangeFormat) -> list[tuple[int, str, str]]:
    with pytest.raises(ProfileImportRejected) as caught:
        await run_import(db, content, fmt)
    assert db.profiles == {}, "nothing may be imported"
    return list(caught.value.problems)


def cards(db: FakeDatabase) -> dict[str, Card]:
    return {p.name: c for p, c in db.profiles.values()}


class TestJsonImport:
    async def test_our_shape_and_the_bot_shape_in_one_file(self, db: FakeDatabase) -> None:
        content = json.dumps(
            [own("Main"), aycd("Bot"), aycd("Split", same=False, number="5555 5555 5555 4444", cvv="321")]
        )
        assert await run_import(db, content, JSON) == 3
        by_name = {p.name: p for p, _ in db.profiles.values()}
        assert by_name["Main"].group == "US" and by_name["Main"].billing is None
        bot = by_name["Bot"]
        assert (bot.shipping.province, bot.shipping.country_code, bot.billing) == ("VA", "US", None)
        assert (bot.card.brand, bot.card.exp_month, bot.card.exp_year) == (CardBrand.AMEX, 6, 2029)
        split = by_name["Split"]
        assert (
            split.billing is not None
            and split.billing.city == "Boston"
            and split.billing.country_code == "US"
        )
        assert cards(db)["Bot"] == Card("Grace Hopper", AMEX, 6, 2029, "4321")
        assert cards(db)["Split"].number == "5555555555554444"

    async def test_a_wrapped_list_and_numeric_card_numbers_are_accepted(self, db: FakeDatabase) -> None:
        item = own("Main")
        item["card"]["number"] = int(VISA)
        assert await run_import(db, json.dumps({"profiles": [item]}), JSON) == 1
        assert cards(db)["Main"].number == VISA

    async def test_every_bad_row_is_reported_without_values_and_nothing_imported(
        self, db: FakeDatabase
    ) -> None:
        bad_number = own("B", number="4111111111111112")
        bad_cvv = aycd("C", cvv="12")
        bad_shape = own("D")
        bad_shape["card"]["exp_month"] = "June"
        not_object = "just text"
        content = json.dumps([own("A"), bad_number, bad_cvv, bad_shape, not_object, own("A")])
        problems = await rejected(db, content, JSON)
        assert problems == [
            (2, "card.number", "fails the card number checksum (mistyped?)"),
            (3, "card.cvv", "must be 3 or 4 digits"),
            (4, "card.exp_month", "must be a whole number"),
            (5, "profile", "must be a JSON object"),
            (6, "name", "the same name as row 1"),
        ]
        text = repr(problems)
        assert "4111111111111112" not in text and "June" not in text and "'12'" not in text

    async def test_names_that_exist_already_are_row_errors(self, db: FakeDatabase) -> None:
        assert await run_import(db, json.dumps([own("Main")]), JSON) == 1
        with pytest.raises(ProfileImportRejected) as caught:
            await run_import(db, json.dumps([own("New"), own("Main")]), JSON)
        assert caught.value.problems == ((2, "name", "a profile with this name exists"),)
        assert sorted(cards(db)) == ["Main"]

    @pytest.mark.parametrize(
        ("content", "reason"),
        [
            ("{not json", "not valid JSON"),
            ('{"name": "x"}', "must be a JSON list of profiles"),
            ("[]", "no profiles in the file"),
        ],
    )
    async def test_unreadable_files_are_row_zero(self, db: FakeDatabase, content: str, reason: str) -> None:
        assert await rejected(db, content, JSON) == [(0, "content", reason)]


def csv_text(rows: list[dict[str, str]], columns: tuple[str, ...] = ex.CSV_COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def csv_row(name: str, **cells: str) -> dict[str, str]:
    row = dict.fromkeys(ex.CSV_COLUMNS, "")
    row |= {
        "name": name,
        "email": "ada@example.com",
        "shipping_first_name": "Ada",
        "shipping_last_name": "Lovelace",
        "shipping_address1": "1 Main St",
        "shipping_city": "New York",
        "shipping_zip": "10001",
        "shipping_country_code": "us",
        "card_holder": "Ada Lovelace",
        "card_number": "4111-1111-1111-1111",
        "card_exp_month": "12",
        "card_exp_year": "2030",
        "card_cvv": "123",
    }
    return row | cells


class TestCsvImport:
    async def test_rows_with_and_without_billing(self, db: FakeDatabase) -> None:
        billing = {
            "billing_first_name": "Ada",
            "billing_last_name": "L",
            "billing_address1": "9 Side St",
            "billing_city": "Boston",
            "billing_zip": "02101",
            "billing_country_code": "US",
        }
        content = "\ufeff" + csv_text([csv_row("Main", group="VIP"), csv_row("Alt", **billing)])
        assert await run_import(db, content, CSV) == 2
        by_name = {p.name: p for p, _ in db.profiles.values()}
        assert by_name["Main"].billing is None and by_name["Main"].group == "VIP"
        assert by_name["Main"].shipping.country_code == "US"
        assert by_name["Alt"].billing is not None and by_name["Alt"].billing.city == "Boston"
        assert cards(db)["Main"].number == VISA

    async def test_every_bad_row_by_number(self, db: FakeDatabase) -> None:
        content = csv_text(
            [
                csv_row("A"),
                csv_row("B", card_exp_month="xx"),
                csv_row("C", email="", card_cvv="1234"),
                csv_row("A"),
            ]
        )
        problems = await rejected(db, content, CSV)
        assert problems == [
            (2, "card.exp_month", "must be a whole number"),
            (3, "card.cvv", "must be 3 digits for visa"),
            (3, "email", "required"),
            (4, "name", "the same name as row 1"),
        ]

    @pytest.mark.parametrize(
        ("content", "reason"),
        [
            ("", "no header row"),
            (
                csv_text([], tuple(c for c in ex.CSV_COLUMNS if c != "card_cvv")),
                "missing column(s): card_cvv",
            ),
            (csv_text([], (*ex.CSV_COLUMNS, "shipping_state")), "unknown column(s): shipping_state"),
            (csv_text([], ex.CSV_EXPORT_COLUMNS), "an export carries no card numbers"),
            (csv_text([]), "no profiles in the file"),
            (csv_text([csv_row("A")]).rstrip("\n") + ",extra\n", "more cells than columns"),
        ],
    )
    async def test_file_level_problems(self, db: FakeDatabase, content: str, reason: str) -> None:
        problems = await rejected(db, content, CSV)
        assert len(problems) == 1 and problems[0][0] in (0, 1) and reason in problems[0][2]


class TestExport:
    async def test_api_exports_carry_brand_and_last4_only(self, db: FakeDatabase) -> None:
        await run_import(db, json.dumps([own("Main"), aycd("Bot")]), JSON)
        profiles = sorted((p for p, _ in db.profiles.values()), key=lambda p: p.name)
        for fmt in (CSV, JSON):
            text = ex.export_profiles(profiles, fmt)
            assert VISA not in text and AMEX not in text and "4321" not in text
            assert "1111" in text and "0005" in text
        rows = list(csv.DictReader(io.StringIO(ex.export_profiles(profiles, CSV))))
        assert tuple(rows[0]) == ex.CSV_EXPORT_COLUMNS
        assert [(r["name"], r["card_brand"], r["card_last4"]) for r in rows] == [
            ("Bot", "amex", "0005"),
            ("Main", "visa", "1111"),
        ]
        data = json.loads(ex.export_profiles(profiles, JSON))
        assert data[1]["card"] == {
            "brand": "visa",
            "last4": "1111",
            "exp_month": 12,
            "exp_year": 2030,
            "holder": "Ada Lovelace",
        }

    @pytest.mark.parametrize("fmt", [CSV, JSON])
    async def test_an_export_with_cards_imports_back_identically(
        self, db: FakeDatabase, fmt: ExchangeFormat
    ) -> None:
        await run_import(db, json.dumps([own("Main"), aycd("Bot"), aycd("Split", same=False)]), JSON)
        text = ex.export_with_cards(await ex.profiles_with_cards(uow_factory=db.uow_factory()), fmt)
        other = FakeDatabase()
        assert await run_import(other, text, fmt) == 3

        def content(d: FakeDatabase) -> list[tuple[object, ...]]:
            return sorted(
                (p.name, p.email, p.phone, p.shipping, p.billing, p.group, p.card, c)
                for p, c in d.profiles.values()
            )  # type: ignore[misc]

        assert content(other) == content(db)
