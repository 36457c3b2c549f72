"""Steps of the sim's checkout over real HTTP, shared by the checkout tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from phantom.sim import SimServer

VISA = "4242 4242 4242 4242"
CVV = "737"
PROFILE = {
    "checkout[email]": "ana@example.com",
    "checkout[shipping_address][first_name]": "Ana",
    "checkout[shipping_address][last_name]": "Díaz",
    "checkout[shipping_address][address1]": "1 Main St",
    "checkout[shipping_address][address2]": "Apt 4",
    "checkout[shipping_address][city]": "Brooklyn",
    "checkout[shipping_address][province]": "NY",
    "checkout[shipping_address][zip]": "11201",
    "checkout[shipping_address][country]": "United States",
    "checkout[shipping_address][phone]": "+1 555 0100",
}


def cookie_session() -> aiohttp.ClientSession:
    # aiohttp drops cookies from IP hosts unless the jar is "unsafe"; the AJAX cart lives in a cookie.
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=10), cookie_jar=aiohttp.CookieJar(unsafe=True)
    )


def drop(sim: SimServer, store: str = "store-0", sizes: tuple[str, ...] = ("9", "10", "11")) -> list[int]:
    """A fresh, fully available product at 180.00; returns its variant ids in size order."""
    reply = sim.state.shop_drop(store, title="Phantom Test Runner", sizes=list(sizes), price="180.00")
    return [v["id"] for v in reply["product"]["variants"]]


def input_value(page: str, element_id: str) -> str | None:
    found = re.search(rf'<input[^>]*\bid="{re.escape(element_id)}"[^>]*\bvalue="([^"]*)"', page)
    return None if found is None else found.group(1)


def element_text(page: str, element_id: str) -> str | None:
    found = re.search(rf'\bid="{re.escape(element_id)}"[^>]*>([^<]*)<', page)
    return None if found is None else found.group(1)


async def open_checkout(
    http: aiohttp.ClientSession,
    sim: SimServer,
    items: str,
    query: dict[str, str] | None = None,
    store: str = "store-0",
) -> str:
    """Follow a cart permalink; the checkout's URL (without query)."""
    url = f"{sim.shop_url(store)}/cart/{items}"
    if query:
        url += "?" + urlencode(query)
    async with http.get(url, allow_redirects=False) as resp:
        assert resp.status == 302, await resp.text()
        location = resp.headers["Location"]
    assert re.fullmatch(rf"/shop/{store}/checkouts/[0-9a-f]{{32}}", location), location
    return sim.base_url + location


@dataclass(frozen=True)
class Reply:
    """A response read in full (aiohttp may refuse to read a released one)."""

    status: int
    headers: dict[str, str]
    content_type: str
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    @property
    def location(self) -> str:
        return self.headers["Location"]


async def fetch(http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> Reply:
    """One request, redirects not followed."""
    async with http.request(method, url, allow_redirects=False, **kwargs) as resp:
        return Reply(resp.status, dict(resp.headers), resp.content_type, await resp.read())


async def post_step(http: aiohttp.ClientSession, checkout: str, form: dict[str, str]) -> Reply:
    """POST a step without following the redirect."""
    return await fetch(http, "POST", checkout, data=form)


async def card_session(
    http: aiohttp.ClientSession,
    sim: SimServer,
    *,
    number: str = VISA,
    checkout: str | None = None,
    expiry: tuple[int, int] = (12, 2040),
) -> str:
    card = {
        "number": number,
        "name": "Ana Diaz",
        "month": expiry[0],
        "year": expiry[1],
        "verification_value": CVV,
    }
    body: dict[str, Any] = {"credit_card": card}
    if checkout is not None:
        body["checkout"] = checkout
    async with http.post(sim.vault_url + "/sessions", json=body) as resp:
        assert resp.status == 200, await resp.text()
        session: str = (await resp.json())["id"]
    return session


async def to_payment(
    http: aiohttp.ClientSession, checkout: str, rate: str = "shopify-Standard-10.00"
) -> None:
    """Submit contact (keeping the permalink's prefill) and the shipping rate."""
    contact = await post_step(http, checkout, {"previous_step": "contact_information"})
    assert contact.status == 302, contact
    assert contact.headers["Location"].endswith("?step=shipping_method")
    shipping = await post_step(
        http, checkout, {"previous_step": "shipping_method", "checkout[shipping_rate][id]": rate}
    )
    assert shipping.status == 302
    assert shipping.headers["Location"].endswith("?step=payment_method")


async def pay(http: aiohttp.ClientSession, checkout: str, session: str) -> Reply:
    return await post_step(http, checkout, {"previous_step": "payment_method", "s": session})


async def checkout_to_order(
    http: aiohttp.ClientSession, sim: SimServer, vid: int, attempt: str = "a1", store: str = "store-0"
) -> str:
    """Permalink -> contact -> shipping -> vault -> pay; the checkout URL (asserts it reached thank_you)."""
    checkout = await open_checkout(
        http, sim, f"{vid}:1", {**PROFILE, "attributes[phantom_attempt]": attempt}, store
    )
    await to_payment(http, checkout)
    paid = await pay(http, checkout, await card_session(http, sim))
    assert paid.status == 302
    assert paid.headers["Location"] == checkout.removeprefix(sim.base_url) + "/thank_you"
    return checkout


async def orders(http: aiohttp.ClientSession, sim: SimServer, store: str = "store-0") -> list[dict[str, Any]]:
    async with http.get(sim.control_url(f"/shops/{store}/orders")) as resp:
        assert resp.status == 200
        found: list[dict[str, Any]] = await resp.json()
    return found


async def set_options(
    http: aiohttp.ClientSession, sim: SimServer, store: str = "store-0", **options: Any
) -> Any:
    async with http.put(sim.control_url(f"/shops/{store}/checkout"), json=options) as resp:
        return resp.status, await resp.json()
