"""The sim's AJAX cart (`add.js`, `cart.js`, `update.js`) and the cart -> checkout hand-over."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from phantom.sim import SimServer
from tests.integration.sim.checkout_client import (
    card_session,
    cookie_session,
    drop,
    orders,
    pay,
    post_step,
    to_payment,
)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with cookie_session() as session:
        yield session


async def cart(http: aiohttp.ClientSession, sim: SimServer, store: str = "store-0") -> dict[str, Any]:
    async with http.get(sim.shop_url(store) + "/cart.js") as resp:
        assert resp.status == 200
        body: dict[str, Any] = await resp.json()
    return body


class TestAddJs:
    async def test_json_form_and_items_bodies(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        nine, ten, eleven = drop(sim)
        base = sim.shop_url("store-0")
        async with http.post(
            f"{base}/cart/add.js", json={"id": nine, "quantity": 2, "properties": {"a": "1"}}
        ) as r:
            line = await r.json()
            assert r.status == 200
            assert "cart" in r.cookies
        assert (line["variant_id"], line["quantity"], line["price"], line["line_price"]) == (
            nine,
            2,
            18000,
            36000,
        )
        assert line["properties"] == {"a": "1"}
        async with http.post(f"{base}/cart/add.js", data={"id": str(ten), "quantity": "1"}) as r:
            assert (await r.json())["variant_id"] == ten
        async with http.post(
            f"{base}/cart/add.js", json={"items": [{"id": eleven}, {"id": ten, "quantity": 2}]}
        ) as r:
            assert [i["variant_id"] for i in (await r.json())["items"]] == [eleven, ten]
        body = await cart(http, sim)
        assert [(i["id"], i["quantity"]) for i in body["items"]] == [(nine, 2), (ten, 3), (eleven, 1)]
        assert body["items"][0]["title"] == "Phantom Test Runner - 9"
        assert body["item_count"] == 6
        assert body["total_price"] == 6 * 18000
        assert set(body) >= {"token", "items", "item_count", "total_price", "attributes", "note"}

    async def test_sold_out_and_unknown_variants(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        nine, ten, _ = drop(sim)
        sim.state.shop_sold_out("store-0", sim.state.shops["store-0"].products[0].handle, ["9"])
        base = sim.shop_url("store-0")
        async with http.post(f"{base}/cart/add.js", json={"id": nine, "quantity": 1}) as r:
            assert r.status == 422
            assert await r.json() == {
                "status": 422,
                "message": "Cart Error",
                "description": "The product 'Phantom Test Runner - 9' is already sold out.",
            }
        async with http.post(f"{base}/cart/add.js", json={"items": [{"id": ten}, {"id": 1}]}) as r:
            assert r.status == 404
            assert (await r.json())["message"] == "Cart Error"
        assert (await cart(http, sim))["items"] == []  # a refused batch adds nothing

    async def test_carts_are_per_client_and_per_shop(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        vid = drop(sim)[0]
        async with http.post(sim.shop_url("store-0") + "/cart/add.js", json={"id": vid}) as r:
            assert r.status == 200
        assert (await cart(http, sim))["item_count"] == 1
        assert (await cart(http, sim, "store-1"))["item_count"] == 0
        async with cookie_session() as stranger:
            assert (await cart(stranger, sim))["item_count"] == 0


class TestUpdateJs:
    async def test_attributes_note_and_quantities(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        nine, ten, _ = drop(sim)
        base = sim.shop_url("store-0")
        async with http.post(f"{base}/cart/add.js", json={"items": [{"id": nine}, {"id": ten}]}) as r:
            assert r.status == 200
        update = {"attributes": {"phantom_attempt": "c-1", "gift": "yes"}, "note": "leave at door"}
        async with http.post(f"{base}/cart/update.js", json=update) as r:
            body = await r.json()
        assert body["attributes"] == {"phantom_attempt": "c-1", "gift": "yes"}
        assert body["note"] == "leave at door"
        payload = {"attributes": {"gift": ""}, "updates": {str(nine): 0, str(ten): 3}}
        async with http.post(f"{base}/cart/update.js", json=payload) as r:
            body = await r.json()
        assert body["attributes"] == {"phantom_attempt": "c-1"}
        assert [(i["id"], i["quantity"]) for i in body["items"]] == [(ten, 3)]
        async with http.post(f"{base}/cart/update.js", json={"updates": {"x": 1}}) as r:
            assert r.status == 400


class TestCartToCheckout:
    async def test_checkout_carries_items_and_attributes_and_empties_the_cart(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        vid = drop(sim)[0]
        base = sim.shop_url("store-0")
        async with http.post(f"{base}/cart/add.js", json={"id": vid, "quantity": 1}) as r:
            assert r.status == 200
        async with http.post(
            f"{base}/cart/update.js", json={"attributes": {"phantom_attempt": "ajax-1"}}
        ) as r:
            assert r.status == 200
        async with http.get(f"{base}/checkout", allow_redirects=False) as r:
            assert r.status == 302
            checkout = sim.base_url + r.headers["Location"]
        token = checkout.rsplit("/", 1)[1]
        assert sim.state.checkout_book("store-0").checkout(token).attributes == {"phantom_attempt": "ajax-1"}
        contact = {
            "previous_step": "contact_information",
            "checkout[email]": "bo@example.com",
            "checkout[shipping_address][first_name]": "Bo",
            "checkout[shipping_address][last_name]": "Li",
            "checkout[shipping_address][address1]": "2 Side St",
            "checkout[shipping_address][city]": "Austin",
            "checkout[shipping_address][zip]": "73301",
        }
        assert (
            (await post_step(http, checkout, contact)).headers["Location"].endswith("?step=shipping_method")
        )
        await to_payment(http, checkout)
        assert (
            (await pay(http, checkout, await card_session(http, sim)))
            .headers["Location"]
            .endswith("/thank_you")
        )
        [order] = await orders(http, sim)
        assert order["attributes"] == {"phantom_attempt": "ajax-1"}
        assert order["email"] == "bo@example.com"
        assert order["shipping_address"]["country"] == "United States"
        assert (await cart(http, sim))["items"] == []

    async def test_empty_cart_goes_to_the_cart_page(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        async with http.post(sim.shop_url("store-0") + "/checkout", allow_redirects=False) as r:
            assert r.status == 302
            assert r.headers["Location"] == "/shop/store-0/cart"
        async with http.get(sim.shop_url("store-0") + "/cart") as page:
            assert "Your cart is empty" in await page.text()
        assert not sim.state.checkout_book("store-0").checkouts

    async def test_product_page_form_and_cart_page_checkout(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        vid = drop(sim)[0]
        base = sim.shop_url("store-0")
        async with http.get(f"{base}/products/{sim.state.shops['store-0'].products[0].handle}") as page:
            assert 'action="/shop/store-0/cart/add"' in await page.text()
        async with http.post(f"{base}/cart/add", data={"id": str(vid), "quantity": "1"}) as r:
            assert r.url.path == "/shop/store-0/cart"
            assert "Phantom Test Runner" in await r.text()
        async with http.post(f"{base}/cart", data={"checkout": "", "note": "hi"}, allow_redirects=False) as r:
            assert r.status == 302
            token = r.headers["Location"].rsplit("/", 1)[1]
        assert sim.state.checkout_book("store-0").checkout(token).note == "hi"
