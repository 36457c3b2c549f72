"""Event → Task → Checkout → Notification end to end: the real app and engine, the sim store with its
Shopify-like checkout, a Discord-like sink, all over 127.0.0.1.

A drop in the sim fires a rule, the rule creates a task, the task's checkout runs (assist: the prefilled
cart permalink; browser: headless Chromium through the sim's checkout) and the result reaches the sink.
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from phantom.core.settings import CheckoutSettings, NotificationConfig
from phantom.sim.server import SimConfig, SimServer
from tests.e2e.secrets_scan import ResponseLog, Secret, capture_logs, sqlite_files
from tests.e2e.served import Served, serve
from tests.e2e.support import embeds, engine_settings, wait_for

pytestmark = pytest.mark.asyncio

CHROMIUM = Path("/usr/bin/chromium")
AMEX = "371449635398431"
AMEX_CVV = "5297"


def profile_body() -> dict[str, Any]:
    return {
        "name": "Main",
        "email": "ana@example.com",
        "phone": "+1 212 555 0100",
        "shipping": {
            "first_name": "Ana",
            "last_name": "Lima",
            "address1": "1 Main St",
            "city": "New York",
            "province": "NY",
            "zip": "10001",
            "country_code": "US",
        },
        "card": {"holder": "Ana Lima", "number": AMEX, "exp_month": 12, "exp_year": 2031, "cvv": AMEX_CVV},
    }


async def _setup(served: Served, http: aiohttp.ClientSession, log: ResponseLog, **rule: Any) -> str:
    """A profile, and a rule on every store; returns the profile id."""
    h = served.bearer
    created = await log.request(http, "POST", f"{served.url}/api/profiles", headers=h, json=profile_body())
    assert created.status == 201, created.body
    profile_id = str(created.json()["id"])
    body = {"name": "dunks", "keywords": "dunk", "sizes": ["9.5", "10"], "profile": profile_id, **rule}
    made = await log.request(http, "POST", f"{served.url}/api/rules", headers=h, json=body)
    assert made.status == 201, made.body
    return profile_id


async def _tasks(served: Served, http: aiohttp.ClientSession) -> list[dict[str, Any]]:
    async with http.get(f"{served.url}/api/tasks", headers=served.bearer) as r:
        assert r.status == 200
        body = await r.json()
    return list(body["items"] if isinstance(body, dict) else body)


async def _wait_task(
    served: Served, http: aiohttp.ClientSession, status: str, timeout: float = 30.0
) -> dict[str, Any]:
    start = time.monotonic()
    while True:
        tasks = await _tasks(served, http)
        found = [t for t in tasks if t["status"] == status]
        if found:
            return found[0]
        if time.monotonic() - start > timeout:
            raise AssertionError(f"no task reached {status}: {tasks}")
        await asyncio.sleep(0.05)


async def _polled(served: Served) -> None:
    scheduler = served.engine.scheduler
    assert scheduler is not None
    await wait_for(lambda: all(m.health.polls >= 2 for m in scheduler.monitors()), what="baseline polls")


def _settings(sim: SimServer, db: Path) -> Any:
    # The person's own channel, opted in to checkout results (they carry the profile's address).
    kinds = ["new_product", "restock", "checkout_link", "checkout_success", "checkout_failed", "needs_action"]
    settings = engine_settings(sim, db, shops=["store-0"], interval=0.5, events=kinds)
    # A shared drop channel left at the default kinds: it must never see a checkout link.
    shared = NotificationConfig.model_validate({"kind": "discord", "url": sim.sink_url("community")})
    return settings.model_copy(
        update={
            "checkout": CheckoutSettings(browser_headless=True, step_timeout=15),
            "notifications": [*settings.notifications, shared],
        }
    )


class TestAssist:
    async def test_drop_fires_rule_and_the_prefilled_link_reaches_the_person(self, tmp_path: Path) -> None:
        async with (
            SimServer(SimConfig(shopify_stores=1, footsites_stores=0, products_per_store=8)) as sim,
            serve(_settings(sim, tmp_path / "a.db")) as served,
            aiohttp.ClientSession() as http,
        ):
            log = ResponseLog()
            await _setup(served, http, log, mode="assist")
            await _polled(served)
            drop = sim.state.shop_drop("store-0", title="Nike Dunk Low - Panda", sizes=["9", "9.5", "10"])
            wanted = next(v for v in drop["product"]["variants"] if v["size"] == "9.5")

            task = await _wait_task(served, http, "needs_action")
            link = task["checkout_url"]
            assert link.startswith(f"{sim.shop_url('store-0')}/cart/{wanted['id']}:1?")
            query = parse_qs(urlsplit(link).query)
            assert query["checkout[email]"] == ["ana@example.com"]
            assert query["checkout[shipping_address][first_name]"] == ["Ana"]
            assert query["checkout[shipping_address][zip]"] == ["10001"]
            assert "card" not in link.lower() and AMEX not in link and AMEX_CVV not in link

            # The link opens the store's checkout with the contact and shipping fields filled in.
            async with http.get(link) as page:
                assert page.status == 200
                assert "/checkouts/" in str(page.url)
                html = await page.text()
            assert 'value="ana@example.com"' in html and 'value="1 Main St"' in html

            # Discord (the sink) got the link; the checkout history has the detection-to-link time.
            await wait_for(lambda: any(e.get("url") == link for e in embeds(sim)), what="checkout link alert")
            await wait_for(
                lambda: any("Nike Dunk Low - Panda" in e["title"] for e in embeds(sim, "community")),
                what="the drop itself on the shared channel",
            )
            community = embeds(sim, "community")
            assert not any(e.get("url") == link or "Checkout" in e["title"] for e in community)
            alert = next(e for e in embeds(sim) if e.get("url") == link)
            assert alert["title"].startswith("Checkout ready: Nike Dunk Low - Panda")
            async with http.get(f"{served.url}/api/checkouts", headers=served.bearer) as r:
                history = (await r.json())["items"]
            assert len(history) == 1
            attempt = history[0]
            assert attempt["status"] == "link_ready" and attempt["size"] == "9.5"
            assert attempt["detection_to_link_ms"] is not None and attempt["detection_to_link_ms"] >= 0
            assert sim.state.shop_orders("store-0") == [], "assist never submits"

    async def test_a_second_event_for_the_same_drop_does_not_start_a_second_checkout(
        self, tmp_path: Path
    ) -> None:
        async with (
            SimServer(SimConfig(shopify_stores=1, footsites_stores=0, products_per_store=8)) as sim,
            serve(_settings(sim, tmp_path / "b.db")) as served,
            aiohttp.ClientSession() as http,
        ):
            await _setup(served, http, ResponseLog(), mode="assist")
            await _polled(served)
            drop = sim.state.shop_drop("store-0", title="Nike Dunk High - Navy", sizes=["9.5", "10"])
            await _wait_task(served, http, "needs_action")
            sim.state.shop_sold_out("store-0", drop["product"]["handle"], ["9.5"])
            sim.state.shop_restock("store-0", drop["product"]["handle"], ["9.5"])
            await wait_for(
                lambda: sum(1 for m in served.engine.scheduler.monitors() if m.health.polls > 8) == 1,  # type: ignore[union-attr]
                what="more polls",
            )
            tasks = await _tasks(served, http)
            assert len(tasks) == 1 and tasks[0]["attempts"] == 1


@pytest.mark.skipif(not CHROMIUM.is_file(), reason="needs /usr/bin/chromium (scripts/ensure-chromium.sh)")
class TestBrowser:
    async def test_headless_checkout_places_one_order_and_no_secret_leaks(self, tmp_path: Path) -> None:
        db = tmp_path / "c.db"
        with capture_logs() as logs:
            async with (
                SimServer(SimConfig(shopify_stores=1, footsites_stores=0, products_per_store=8)) as sim,
                serve(_settings(sim, db)) as served,
                aiohttp.ClientSession() as http,
            ):
                log = ResponseLog()
                await _setup(served, http, log, mode="browser")
                await _polled(served)
                sim.state.shop_drop("store-0", title="Nike Dunk Low - Syracuse", sizes=["10"])
                task = await _wait_task(served, http, "success")
                orders = sim.state.shop_orders("store-0")
                assert len(orders) == 1
                detail = await log.request(
                    http, "GET", f"{served.url}/api/tasks/{task['id']}", headers=served.bearer
                )
                attempts = detail.json()["checkout_attempts"]
                assert len(attempts) == 1 and attempts[0]["status"] == "succeeded"
                assert orders[0]["attributes"]["_phantom_attempt"] == attempts[0]["key"]
                assert orders[0]["card"]["last4"] == AMEX[-4:]
                assert attempts[0]["order_name"] == orders[0]["name"]
                await wait_for(
                    lambda: any("Checkout success" in e.get("title", "") for e in embeds(sim)),
                    what="success alert",
                )
                for path in (
                    "/api/tasks",
                    "/api/checkouts",
                    "/api/checkouts/stats",
                    "/api/profiles",
                    "/api/events",
                ):
                    await log.request(http, "GET", served.url + path, headers=served.bearer)
        sources: dict[str, bytes | str] = {**log.sources(), **logs.sources(), **sqlite_files(db)}
        number = Secret.card_number(AMEX, "card number")
        leaks = [(name, n) for name, data in sources.items() for n in number.needles if n in _bytes(data)]
        assert not leaks, f"card number found in {[name for name, _ in leaks]}"
        # A 4-digit CVV can occur by chance inside longer runs (ids, timestamps, compressed bytes): look
        # for it as a token of its own.
        token = re.compile(rb"(?<![0-9A-Za-z])" + AMEX_CVV.encode() + rb"(?![0-9A-Za-z])")
        cvv_hits = [name for name, data in sources.items() if token.search(_bytes(data))]
        assert not cvv_hits, f"cvv found in {cvv_hits}"

    async def test_a_challenge_hands_the_task_to_the_person_and_submits_nothing(self, tmp_path: Path) -> None:
        async with SimServer(SimConfig(shopify_stores=1, footsites_stores=0, products_per_store=8)) as sim:
            sim.state.shop_checkout("store-0", {"challenge": "payment"})
            async with serve(_settings(sim, tmp_path / "d.db")) as served, aiohttp.ClientSession() as http:
                await _setup(served, http, ResponseLog(), mode="browser")
                await _polled(served)
                sim.state.shop_drop("store-0", title="Nike Dunk Low - Chicago", sizes=["9.5"])
                task = await _wait_task(served, http, "needs_action")
                assert "checkpoint" in (task["checkout_url"] or "")
                assert sim.state.shop_orders("store-0") == []
                await wait_for(
                    lambda: any("Action needed" in e.get("title", "") for e in embeds(sim)),
                    what="needs-action alert",
                )
                alert = next(e for e in embeds(sim) if "Action needed" in e.get("title", ""))
                assert "checkpoint" in alert["url"]
                async with http.get(f"{served.url}/api/tasks/{task['id']}", headers=served.bearer) as r:
                    attempts = (await r.json())["checkout_attempts"]
                assert [a["status"] for a in attempts] == ["needs_action"]
                assert attempts[0]["submitted_at"] is None


def _bytes(data: bytes | str) -> bytes:
    return data if isinstance(data, bytes) else data.encode()
