"""Card numbers and CVVs never leave storage in clear: the real app on a real SQLite file, every profile
route (good and bad requests, import, export), then a scan of every response, the captured logs and the
database and WAL bytes for the numbers (plain, spaced, dashed) and the CVVs.

The secrets occur nowhere else; ids and times are deterministic (sequential ids, whole seconds), so a
3-digit CVV found anywhere is a leak and not a coincidence.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import structlog

from phantom.adapters.clock import SystemClock
from phantom.core.engine import Engine
from phantom.services import profiles as profile_service
from phantom.services.context import ServiceContext
from phantom.services.profile_exchange import CSV_COLUMNS
from tests.e2e.secrets_scan import (
    ResponseLog,
    Secret,
    assert_no_leaks,
    capture_logs,
    find_leaks,
    sqlite_files,
)
from tests.e2e.served import Served, offline_settings, serve
from tests.fakes import SequentialIds

pytestmark = pytest.mark.asyncio

VISA = "4929381356270144"  # Luhn-valid, used by no other test
VISA_CVV = "846"
AMEX = "374938135627015"
AMEX_CVV = "5297"
SECRETS = [
    Secret.card_number(VISA, "visa number"),
    Secret.card_number(AMEX, "amex number"),
    Secret.exact(VISA_CVV, "visa cvv"),
    Secret.exact(AMEX_CVV, "amex cvv"),
]


class WholeSeconds(SystemClock):
    def now(self) -> datetime:
        return super().now().replace(microsecond=0)


class DeterministicEngine(Engine):
    """The real engine without polling, with sequential ids and whole-second times for profile routes."""

    async def start(self, *, migrate: bool = True, monitor: bool = True) -> ServiceContext:
        del monitor
        services = await super().start(migrate=migrate, monitor=False)
        self.services = dataclasses.replace(services, ids=SequentialIds("pr"), clock=WholeSeconds())
        return self.services


def address(city: str) -> dict[str, str]:
    return {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "address1": "Analytical Way",
        "city": city,
        "province": "NY",
        "zip": "10001",
        "country_code": "US",
        "phone": "+1 555 0100",
    }


def card(number: str, cvv: str, **changes: Any) -> dict[str, Any]:
    return {
        "holder": "Ada Lovelace",
        "number": number,
        "exp_month": 7,
        "exp_year": 2031,
        "cvv": cvv,
    } | changes


def profile(name: str, number: str, cvv: str, **changes: Any) -> dict[str, Any]:
    body = {
        "name": name,
        "email": "ada@example.com",
        "shipping": address("New York"),
        "card": card(number, cvv),
    }
    return body | changes


def spaced(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


class Client:
    def __init__(self, http: aiohttp.ClientSession, served: Served, log: ResponseLog) -> None:
        self.http, self.served, self.log = http, served, log

    async def __call__(self, method: str, path: str, expect: int, **kwargs: Any) -> Any:
        headers = {**self.served.bearer, **kwargs.pop("headers", {})}
        r = await self.log.request(self.http, method, self.served.url + path, headers=headers, **kwargs)
        assert r.status == expect, f"{method} {path}: {r.status} {r.body[:300]!r}"
        if r.headers.get("Content-Type", "").startswith("application/json") and r.body:
            return r.json()
        return r.body.decode()


async def exercise_every_route(api: Client) -> str:
    """Good and bad calls to every profile route; the id of a profile that still holds the Visa card."""
    visa = await api("POST", "/api/profiles", 201, json=profile("Main", spaced(VISA), VISA_CVV, group="EU"))
    amex = await api(
        "POST",
        "/api/profiles",
        201,
        json=profile("Amex", "-".join((AMEX[:4], AMEX[4:10], AMEX[10:])), AMEX_CVV),
    )
    assert visa["card"] == {
        "brand": "visa",
        "last4": VISA[-4:],
        "exp_month": 7,
        "exp_year": 2031,
        "holder": "Ada Lovelace",
    }
    assert set(amex["card"]) == {"brand", "last4", "exp_month", "exp_year", "holder"}
    await api("GET", "/api/profiles", 200)
    await api("GET", "/api/profiles?group=EU", 200)
    await api("GET", f"/api/profiles/{visa['id']}", 200)
    await api("GET", "/api/profiles/groups", 200)
    await api(
        "PATCH",
        f"/api/profiles/{amex['id']}",
        200,
        json={"email": "grace@example.com", "billing": address("Boston")},
    )
    await api(
        "PATCH",
        f"/api/profiles/{visa['id']}",
        200,
        json={"card": card("-".join(spaced(VISA).split()), VISA_CVV)},
    )
    await api("POST", "/api/profiles/groups/rename", 200, json={"name": "EU", "new_name": "Europe"})
    await api("POST", "/api/profiles/move", 200, json={"ids": [amex["id"]], "group": "Europe"})

    # bad requests: 422 (schema) and 400/404/409 (domain), each carrying a secret that must not come back
    bad = profile("Bad", VISA, VISA_CVV)
    cases: list[tuple[int, Any]] = [
        (422, bad | {"card": card(VISA + "0" * 20, VISA_CVV)}),  # number too long
        (422, bad | {"card": card(VISA, VISA_CVV + "12")}),  # cvv too long
        (422, bad | {"card": card(int(VISA), VISA_CVV)}),  # number not a string
        (422, bad | {"card": card(VISA, int(VISA_CVV))}),  # cvv not a string
        (422, bad | {"card": card(VISA, VISA_CVV) | {VISA: VISA_CVV}}),  # unknown key named like the card
        (422, bad | {"shipping": {**address("x"), "zip": VISA * 3}}),
        (400, bad | {"card": card(VISA, VISA_CVV, exp_year=2020)}),  # expired
        (400, bad | {"card": card(VISA, AMEX_CVV)}),  # 4-digit cvv on a visa
        (400, bad | {"card": card(VISA[:-1] + "5", VISA_CVV)}),  # checksum
        (409, bad | {"name": "Main"}),
    ]
    for status, body in cases:
        await api("POST", "/api/profiles", status, json=body)
    await api(
        "POST", "/api/profiles", 422, data=json.dumps(bad)[:-20], headers={"Content-Type": "application/json"}
    )
    await api("PATCH", f"/api/profiles/{visa['id']}", 422, json={"card": card(VISA, VISA_CVV + "9999")})
    await api("PATCH", "/api/profiles/ghost", 404, json={"card": card(VISA, VISA_CVV)})

    # import: a rejected file (every row reported, none imported), then good CSV and bot-shaped JSON
    rejected_rows = [
        profile("Imp1", VISA, VISA_CVV),
        profile("Imp2", VISA, "1"),
        profile("Imp3", AMEX, VISA_CVV),
    ]
    report = await api(
        "POST", "/api/profiles/import", 400, json={"format": "json", "content": json.dumps(rejected_rows)}
    )
    assert [(p["row"], p["field"]) for p in report["problems"]] == [(2, "card.cvv"), (3, "card.cvv")]
    row = dict.fromkeys(CSV_COLUMNS, "") | {
        "name": "Csv",
        "email": "ada@example.com",
        **{f"shipping_{k}": v for k, v in address("Albany").items()},
        "card_holder": "Ada Lovelace",
        "card_number": spaced(VISA),
        "card_exp_month": "7",
        "card_exp_year": "2031",
        "card_cvv": VISA_CVV,
        "group": "Imported",
    }
    csv_content = ",".join(CSV_COLUMNS) + "\n" + ",".join(row[c] for c in CSV_COLUMNS) + "\n"
    assert await api("POST", "/api/profiles/import", 200, json={"format": "csv", "content": csv_content}) == {
        "imported": 1
    }
    bot = {
        "name": "Bot",
        "email": "bot@example.com",
        "phone": "",
        "shipping": {
            "firstName": "Ada",
            "lastName": "L",
            "address1": "Main St",
            "city": "Albany",
            "state": "NY",
            "zip": "12207",
            "country": "US",
        },
        "billingAsShipping": True,
        "payment": {
            "cardHolder": "Ada L",
            "cardNumber": AMEX,
            "cardExpMonth": "07",
            "cardExpYear": "2031",
            "cardCvv": AMEX_CVV,
        },
    }
    assert await api(
        "POST", "/api/profiles/import", 200, json={"format": "json", "content": json.dumps([bot])}
    ) == {"imported": 1}
    await api("POST", "/api/profiles/import", 422, json={"format": "xml", "content": VISA})

    # export in both formats, then delete one profile
    exported = await api("GET", "/api/profiles/export?format=csv", 200)
    assert "Csv" in exported and VISA[-4:] in exported
    assert len(await api("GET", "/api/profiles/export?format=json", 200)) == 4
    await api("DELETE", f"/api/profiles/{amex['id']}", 204)
    await api("DELETE", f"/api/profiles/{amex['id']}", 404)
    return str(visa["id"])


async def test_no_card_number_or_cvv_anywhere(tmp_path: Path) -> None:
    settings = offline_settings(tmp_path / "secrets.db")
    db = tmp_path / "secrets.db"
    with capture_logs() as logs:
        async with (
            serve(settings, engine=DeterministicEngine(settings)) as served,
            aiohttp.ClientSession() as http,
        ):
            api = Client(http, served, ResponseLog())
            visa_id = await exercise_every_route(api)
            # Stored and usable, but only through the checkout's door, in process.
            assert served.engine.services is not None
            stored = await profile_service.card_for_checkout(
                visa_id, uow_factory=served.engine.services.uow_factory
            )
            assert (stored.number, stored.cvv) == (VISA, VISA_CVV)
            # A card number that does reach a log call is redacted by the pipeline (the capture is the real one).
            structlog.get_logger().warning("probe", detail=f"pasted {spaced(VISA)} by mistake")
            while_running = sqlite_files(db)
    after_stop = sqlite_files(db)

    assert "secrets.db-wal" in while_running, "WAL mode: recent writes sit in the -wal file"
    assert b"Main" in while_running["secrets.db"] + while_running["secrets.db-wal"], "the right database"
    assert len(api.log.responses) >= 30
    events = logs.events()
    assert any(e.get("event") == "engine_started" for e in events), "the log capture saw the app"
    assert any(e.get("event") == "probe" and "[redacted card]" in e["detail"] for e in events)
    for secret in SECRETS:  # the scanner is not vacuous: it finds each secret where it is
        assert find_leaks({"control": b"x" + secret.needles[0] + b"x"}, [secret])
    # The pytest temporary directory (pytest-<n>) shows up in log lines; its digits are not a secret.
    log_sources = {k: v.replace(str(tmp_path), "<tmp>") for k, v in logs.sources().items()}
    assert_no_leaks(
        {
            **api.log.sources(),
            **log_sources,
            **{f"{k} (running)": v for k, v in while_running.items()},
            **{f"{k} (stopped)": v for k, v in after_stop.items()},
        },
        SECRETS,
    )
