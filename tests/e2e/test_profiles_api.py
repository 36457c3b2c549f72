"""The profiles API over real HTTP against the running app: CRUD, groups, import and export, the error
statuses, and cards shown only as brand and last four digits."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.e2e.served import Served, offline_settings, serve

pytestmark = pytest.mark.asyncio

VISA = "4111111111111111"


def address(city: str = "New York") -> dict[str, str]:
    return {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "address1": "1 Main St",
        "city": city,
        "province": "NY",
        "zip": "10001",
        "country_code": "us",
    }


def new_profile(name: str, **changes: Any) -> dict[str, Any]:
    body = {
        "name": name,
        "email": "ada@example.com",
        "phone": "+1 555 0100",
        "shipping": address(),
        "card": {
            "holder": "Ada Lovelace",
            "number": "4111 1111 1111 1111",
            "exp_month": 7,
            "exp_year": 2031,
            "cvv": "123",
        },
    }
    return body | changes


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[tuple[Served, aiohttp.ClientSession]]:
    async with serve(offline_settings(tmp_path / "profiles.db")) as served, served.client() as http:
        yield served, http


async def call(
    api: tuple[Served, aiohttp.ClientSession], method: str, path: str, **kwargs: Any
) -> tuple[int, Any]:
    served, http = api
    async with http.request(method, served.url + path, **kwargs) as r:
        text = await r.text()
        is_json = r.headers.get("Content-Type", "").startswith("application/json")
        return r.status, json.loads(text) if is_json and text else text


class TestCrud:
    async def test_create_read_update_delete(self, api: tuple[Served, aiohttp.ClientSession]) -> None:
        status, created = await call(api, "POST", "/api/profiles", json=new_profile("Main", group="EU"))
        assert status == 201
        assert created["card"] == {
            "brand": "visa",
            "last4": "1111",
            "exp_month": 7,
            "exp_year": 2031,
            "holder": "Ada Lovelace",
        }
        assert (
            created["shipping"]["country_code"] == "US"
            and created["billing"] is None
            and created["group"] == "EU"
        )
        pid = created["id"]
        assert await call(api, "GET", f"/api/profiles/{pid}") == (200, created)
        assert await call(api, "GET", "/api/profiles") == (200, [created])

        status, changed = await call(
            api,
            "PATCH",
            f"/api/profiles/{pid}",
            json={"billing": address("Boston"), "group": None, "phone": ""},
        )
        assert status == 200
        assert changed["billing"]["city"] == "Boston" and changed["group"] is None and changed["phone"] == ""
        assert changed["card"] == created["card"] and changed["created_at"] == created["created_at"]
        amex = {"holder": "G H", "number": "378282246310005", "exp_month": 1, "exp_year": 2030, "cvv": "1234"}
        status, changed = await call(
            api, "PATCH", f"/api/profiles/{pid}", json={"card": amex, "billing": None}
        )
        assert status == 200 and changed["billing"] is None
        assert changed["card"] == {
            "brand": "amex",
            "last4": "0005",
            "exp_month": 1,
            "exp_year": 2030,
            "holder": "G H",
        }

        assert (await call(api, "DELETE", f"/api/profiles/{pid}"))[0] == 204
        assert (await call(api, "GET", f"/api/profiles/{pid}"))[0] == 404
        assert (await call(api, "DELETE", f"/api/profiles/{pid}"))[0] == 404
        assert (await call(api, "DELETE", "/api/profiles/export"))[0] == 405  # not a profile id
        assert await call(api, "GET", "/api/profiles") == (200, [])

    async def test_errors_name_fields_and_use_the_shared_body(
        self, api: tuple[Served, aiohttp.ClientSession]
    ) -> None:
        bad_card = new_profile(
            "Bad",
            card={
                "holder": "A",
                "number": "4111111111111112",
                "exp_month": 7,
                "exp_year": 2020,
                "cvv": "1234",
            },
        )
        status, body = await call(api, "POST", "/api/profiles", json=bad_card | {"email": "nope"})
        assert status == 400 and body["error"] == "InvalidProfile"
        assert body["detail"] == (
            "email: not an email address; card.number: fails the card number checksum (mistyped?); "
            "card.cvv: must be 3 digits for visa; card.exp_year: expired"
        )
        assert (await call(api, "POST", "/api/profiles", json=new_profile("Main")))[0] == 201
        status, body = await call(api, "POST", "/api/profiles", json=new_profile("Main"))
        assert status == 409 and body["error"] == "DuplicateProfile"
        status, body = await call(api, "PATCH", "/api/profiles/ghost", json={"name": "x"})
        assert status == 404 and body["error"] == "ProfileNotFound"
        status, body = await call(api, "POST", "/api/profiles", json=new_profile("X") | {"unknown": 1})
        assert status == 422 and body["error"] == "ValidationError" and "unknown" in body["detail"]

    async def test_validation_errors_never_echo_the_card(
        self, api: tuple[Served, aiohttp.ClientSession]
    ) -> None:
        long_number = new_profile(
            "X", card={"holder": "A", "number": VISA * 3, "exp_month": 7, "exp_year": 2031, "cvv": "12345"}
        )
        status, body = await call(api, "POST", "/api/profiles", json=long_number)
        assert status == 422 and "card.number" in body["detail"] and "card.cvv" in body["detail"]
        assert VISA not in json.dumps(body) and "12345" not in json.dumps(body)
        keyed = new_profile("X", card=new_profile("X")["card"] | {VISA: "x"})
        status, body = await call(api, "POST", "/api/profiles", json=keyed)
        assert status == 422 and "[redacted card]" in body["detail"] and VISA not in json.dumps(body)


class TestGroups:
    async def test_list_rename_and_move(self, api: tuple[Served, aiohttp.ClientSession]) -> None:
        ids = []
        for name, group in (("A", "EU"), ("B", "EU"), ("C", "US"), ("D", None)):
            status, created = await call(api, "POST", "/api/profiles", json=new_profile(name, group=group))
            assert status == 201
            ids.append(created["id"])
        assert await call(api, "GET", "/api/profiles/groups") == (
            200,
            [{"name": "EU", "profiles": 2}, {"name": "US", "profiles": 1}],
        )
        assert await call(
            api, "POST", "/api/profiles/groups/rename", json={"name": "US", "new_name": "EU"}
        ) == (200, {"profiles": 1})
        assert await call(
            api, "POST", "/api/profiles/move", json={"ids": [ids[3], ids[0]], "group": "VIP"}
        ) == (200, {"profiles": 2})
        status, eu = await call(api, "GET", "/api/profiles", params={"group": "EU"})
        assert status == 200 and [p["name"] for p in eu] == ["B", "C"]
        assert await call(api, "GET", "/api/profiles/groups") == (
            200,
            [{"name": "EU", "profiles": 2}, {"name": "VIP", "profiles": 2}],
        )
        status, body = await call(
            api, "POST", "/api/profiles/move", json={"ids": [ids[1], "ghost"], "group": None}
        )
        assert status == 404 and body["error"] == "ProfileNotFound"
        assert (await call(api, "POST", "/api/profiles/groups/rename", json={"name": "EU", "new_name": " "}))[
            0
        ] == 400


class TestImportExport:
    async def test_import_all_or_nothing_then_export_without_cards(
        self, api: tuple[Served, aiohttp.ClientSession]
    ) -> None:
        good = [new_profile("One"), new_profile("Two", group="EU")]
        bad = [*good, new_profile("Three", email=""), new_profile("One")]
        status, body = await call(
            api, "POST", "/api/profiles/import", json={"format": "json", "content": json.dumps(bad)}
        )
        assert status == 400 and body["error"] == "ProfileImportRejected"
        assert body["problems"] == [
            {"row": 3, "field": "email", "reason": "required"},
            {"row": 4, "field": "name", "reason": "the same name as row 1"},
        ]
        assert await call(api, "GET", "/api/profiles") == (200, [])
        assert await call(
            api, "POST", "/api/profiles/import", json={"format": "json", "content": json.dumps(good)}
        ) == (200, {"imported": 2})
        status, body = await call(
            api, "POST", "/api/profiles/import", json={"format": "csv", "content": "name\nx\n"}
        )
        assert status == 400 and body["problems"][0]["row"] == 0

        served, http = api
        async with http.get(f"{served.url}/api/profiles/export", params={"format": "csv"}) as r:
            assert r.status == 200 and r.headers["Content-Type"].startswith("text/csv")
            assert r.headers["Content-Disposition"] == 'attachment; filename="phantom-profiles.csv"'
            rows = list(csv.DictReader(io.StringIO(await r.text())))
        assert [(row["name"], row["card_brand"], row["card_last4"], row["group"]) for row in rows] == [
            ("One", "visa", "1111", ""),
            ("Two", "visa", "1111", "EU"),
        ]
        assert "card_number" not in rows[0] and "card_cvv" not in rows[0]
        status, exported = await call(api, "GET", "/api/profiles/export", params={"format": "json"})
        assert status == 200 and [p["card"]["last4"] for p in exported] == ["1111", "1111"]
        assert VISA not in json.dumps(exported) and "cvv" not in json.dumps(exported)
        assert (await call(api, "GET", "/api/profiles/export", params={"format": "xml"}))[0] == 422
