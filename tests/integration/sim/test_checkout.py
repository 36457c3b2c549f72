"""The sim's public checkout over real HTTP: permalink prefill, the three steps, vault, orders, idempotency."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest

from phantom.captcha.detect import detect_challenge
from phantom.sim import SimServer
from phantom.sim.server import _banner
from tests.integration.sim.checkout_client import (
    CVV,
    PROFILE,
    VISA,
    card_session,
    checkout_to_order,
    cookie_session,
    drop,
    element_text,
    input_value,
    open_checkout,
    orders,
    pay,
    post_step,
    to_payment,
)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with cookie_session() as session:
        yield session


class TestPermalink:
    async def test_prefill_shows_in_the_contact_inputs(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        vid = drop(sim)[0]
        query = {**PROFILE, "attributes[phantom_attempt]": "t-1", "note": "gift"}
        checkout = await open_checkout(http, sim, f"{vid}:2", query)
        async with http.get(checkout) as resp:
            page = await resp.text()
            assert resp.status == 200
        assert 'data-step="contact_information"' in page
        assert input_value(page, "checkout_email") == "ana@example.com"
        for field in ("first_name", "address1", "address2", "city", "province", "zip", "phone"):
            key = f"checkout[shipping_address][{field}]"
            assert input_value(page, f"checkout_shipping_address_{field}") == PROFILE[key], field
        assert input_value(page, "checkout_shipping_address_last_name") == "Díaz"
        assert 'name="checkout[shipping_address][first_name]"' in page
        assert "Phantom Test Runner" in page
        assert f'data-variant-id="{vid}" data-quantity="2"' in page
        assert element_text(page, "checkout-subtotal") == "$360.00"
        [summary] = sim.state.checkout_book("store-0").checkouts.values()
        assert summary.attributes == {"phantom_attempt": "t-1"}
        assert summary.note == "gift"

    async def test_several_lines_and_default_country(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        nine, ten, _ = drop(sim)
        checkout = await open_checkout(http, sim, f"{nine}:1,{ten}:2,{nine}:1")
        async with http.get(checkout) as resp:
            page = await resp.text()
        assert f'data-variant-id="{nine}" data-quantity="2"' in page
        assert f'data-variant-id="{ten}" data-quantity="2"' in page
        assert input_value(page, "checkout_shipping_address_country") == "United States"
        assert input_value(page, "checkout_email") == ""

    async def test_unknown_variant_is_a_404_cart_error(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        for items in ("123:1", "abc:1"):
            async with http.get(f"{sim.shop_url('store-0')}/cart/{items}", allow_redirects=False) as resp:
                assert resp.status == 404
                assert resp.content_type == "text/html"
                assert "Cart Error" in await resp.text()
        assert not sim.state.checkout_book("store-0").checkouts

    async def test_sold_out_variant_is_a_422(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        nine, ten, _ = drop(sim)
        handle = sim.state.shops["store-0"].products[0].handle
        sim.state.shop_sold_out("store-0", handle, ["10"])
        async with http.get(
            f"{sim.shop_url('store-0')}/cart/{nine}:1,{ten}:1", allow_redirects=False
        ) as resp:
            text = await resp.text()
            assert resp.status == 422
        assert "Phantom Test Runner - 10&#x27; is already sold out" in text
        assert not sim.state.checkout_book("store-0").checkouts

    async def test_password_gated_store_redirects(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        vid = drop(sim)[0]
        sim.state.shop_password("store-0", True)
        async with http.get(f"{sim.shop_url('store-0')}/cart/{vid}:1", allow_redirects=False) as resp:
            assert resp.status == 302
            assert resp.headers["Location"] == "/shop/store-0/password"


class TestFullFlow:
    async def test_http_flow_places_one_order_with_attributes(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        vid = drop(sim)[1]
        checkout = await open_checkout(
            http, sim, f"{vid}:1", {**PROFILE, "attributes[phantom_attempt]": "x-42"}
        )
        await to_payment(http, checkout, rate="shopify-Express-25.00")
        async with http.get(checkout + "?step=payment_method") as resp:
            page = await resp.text()
        assert element_text(page, "checkout-total") == "$205.00"
        iframe = re.search(r'<iframe[^>]*src="([^"]+)"', page)
        assert iframe is not None
        assert iframe.group(1).startswith(sim.vault_url + "/card-fields?")
        session = await card_session(http, sim, checkout=checkout.rsplit("/", 1)[1])
        paid = await pay(http, checkout, session)
        assert paid.status == 302
        async with http.get(sim.base_url + paid.headers["Location"]) as resp:
            thanks = await resp.text()
        assert "Thank you, Ana!" in thanks
        assert element_text(thanks, "order-name") == "#1001"
        [order] = await orders(http, sim)
        assert order["name"] == "#1001"
        assert order["number"] == 1001
        assert order["checkout_token"] == checkout.rsplit("/", 1)[1]
        assert order["attributes"] == {"phantom_attempt": "x-42"}
        assert order["email"] == "ana@example.com"
        assert order["line_items"] == [
            {"variant_id": vid, "title": "Phantom Test Runner - 10", "quantity": 1, "price": "180.00"}
        ]
        assert order["total_price"] == "205.00"
        assert order["card"] == {"brand": "visa", "last4": "4242"}
        assert order["created_at"]

    async def test_contact_errors_render_the_step_again(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        checkout = await open_checkout(http, sim, f"{drop(sim)[0]}:1")
        resp = await post_step(
            http,
            checkout,
            {
                "previous_step": "contact_information",
                "checkout[email]": "not-an-email",
                "checkout[shipping_address][city]": "X",
            },
        )
        page = resp.text
        assert resp.status == 200
        assert element_text(page, "error-for-email") == "Enter a valid email"
        assert element_text(page, "error-for-last_name") == "Enter a last name"
        assert "error-for-city" not in page
        assert input_value(page, "checkout_shipping_address_city") == "X"

    async def test_later_steps_redirect_to_the_first_missing_one(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        bare = await open_checkout(http, sim, f"{drop(sim)[0]}:1")
        async with http.get(bare + "?step=payment_method", allow_redirects=False) as resp:
            assert resp.headers["Location"].endswith("?step=contact_information")
        prefilled = await open_checkout(http, sim, f"{drop(sim, 'store-1')[0]}:1", PROFILE, store="store-1")
        async with http.get(prefilled + "?step=payment_method", allow_redirects=False) as resp:
            assert resp.headers["Location"].endswith("?step=shipping_method")
        early = await pay(http, prefilled, await card_session(http, sim))
        assert early.status == 302
        assert early.headers["Location"].endswith("?step=shipping_method")
        assert await orders(http, sim, "store-1") == []

    async def test_unknown_rate_and_unknown_session_are_refused(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        checkout = await open_checkout(http, sim, f"{drop(sim)[0]}:1", PROFILE)
        bad_rate = await post_step(
            http, checkout, {"previous_step": "shipping_method", "checkout[shipping_rate][id]": "free-lunch"}
        )
        assert bad_rate.status == 200
        assert "error-for-shipping_rate" in bad_rate.text
        await to_payment(http, checkout)
        refused = await pay(http, checkout, "east-forged")
        assert refused.status == 200
        assert "couldn&#x27;t be verified" in refused.text
        assert await orders(http, sim) == []

    async def test_a_session_pays_for_one_checkout_only(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        vid = drop(sim)[0]
        first = await open_checkout(http, sim, f"{vid}:1", PROFILE)
        second = await open_checkout(http, sim, f"{vid}:1", PROFILE)
        await to_payment(http, first)
        await to_payment(http, second)
        session = await card_session(http, sim)
        assert (await pay(http, first, session)).status == 302
        assert (await pay(http, second, session)).status == 200
        bound = await card_session(http, sim, checkout=first.rsplit("/", 1)[1])
        assert (await pay(http, second, bound)).status == 200
        assert len(await orders(http, sim)) == 1


class TestIdempotency:
    async def test_second_payment_post_makes_no_second_order(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        checkout = await checkout_to_order(http, sim, drop(sim)[0])
        again = await pay(http, checkout, await card_session(http, sim))
        assert again.status == 302
        assert again.headers["Location"].endswith("/thank_you")
        assert [o["name"] for o in await orders(http, sim)] == ["#1001"]

    async def test_concurrent_payment_posts_make_one_order(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        checkout = await open_checkout(http, sim, f"{drop(sim)[0]}:1", PROFILE)
        await to_payment(http, checkout)
        sessions = [await card_session(http, sim) for _ in range(5)]
        replies = await asyncio.gather(*(pay(http, checkout, s) for s in sessions))
        assert {r.headers["Location"] for r in replies} == {
            checkout.removeprefix(sim.base_url) + "/thank_you"
        }
        assert len(await orders(http, sim)) == 1

    async def test_completed_checkout_redirects_to_thank_you(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        checkout = await checkout_to_order(http, sim, drop(sim)[0])
        for suffix in ("", "?step=contact_information", "?step=payment_method"):
            async with http.get(checkout + suffix, allow_redirects=False) as resp:
                assert resp.status == 302
                assert resp.headers["Location"] == checkout.removeprefix(sim.base_url) + "/thank_you"
        contact = await post_step(http, checkout, {"previous_step": "contact_information"})
        assert contact.headers["Location"].endswith("/thank_you")
        async with http.get(checkout) as followed:
            assert element_text(await followed.text(), "order-name") == "#1001"

    async def test_same_attempt_attribute_on_two_checkouts_makes_two_orders(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        vid = drop(sim)[0]
        first = await checkout_to_order(http, sim, vid, attempt="same")
        second = await checkout_to_order(http, sim, vid, attempt="same")
        placed = await orders(http, sim)
        assert [o["name"] for o in placed] == ["#1001", "#1002"]
        assert [o["checkout_token"] for o in placed] == [first.rsplit("/", 1)[1], second.rsplit("/", 1)[1]]
        assert {o["attributes"]["phantom_attempt"] for o in placed} == {"same"}

    async def test_thank_you_before_payment_goes_back_to_the_checkout(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        checkout = await open_checkout(http, sim, f"{drop(sim)[0]}:1")
        async with http.get(checkout + "/thank_you", allow_redirects=False) as resp:
            assert resp.status == 302
            assert resp.headers["Location"] == checkout.removeprefix(sim.base_url)
        async with http.get(
            sim.shop_url("store-0") + "/checkouts/" + "0" * 32, allow_redirects=False
        ) as gone:
            assert gone.status == 404


class TestOrdersControl:
    async def test_delete_clears_and_numbers_keep_counting(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        vid = drop(sim)[0]
        await checkout_to_order(http, sim, vid)
        async with http.delete(sim.control_url("/shops/store-0/orders")) as resp:
            assert resp.status == 200
            assert (await resp.json())["cleared"] == 1
        assert await orders(http, sim) == []
        await checkout_to_order(http, sim, vid)
        assert [o["name"] for o in await orders(http, sim)] == ["#1002"]
        assert await orders(http, sim, "store-1") == []

    async def test_unknown_shop_is_404_and_reset_forgets_orders(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        async with http.get(sim.control_url("/shops/nope/orders")) as resp:
            assert resp.status == 404
        await checkout_to_order(http, sim, drop(sim)[0])
        async with http.get(sim.control_url("/shops/store-0/checkouts")) as resp:
            [listed] = await resp.json()
        assert listed["step"] == "thank_you"
        assert listed["order"] == "#1001"
        sim.state.reset()
        assert await orders(http, sim) == []
        assert sim.state.vault.sessions == {}


class TestVault:
    async def test_vault_keeps_no_full_number_or_cvv(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        await checkout_to_order(http, sim, drop(sim)[0])
        digits = VISA.replace(" ", "")
        [session] = sim.state.vault.sessions.values()
        kept = repr(session) + repr(session.as_dict()) + repr(sim.state.vault.__dict__)
        assert digits not in kept
        assert digits[:12] not in kept
        assert CVV not in kept
        assert (session.brand, session.last4, session.month, session.year) == ("visa", "4242", 12, 2040)
        async with http.get(sim.control_url("/vault/sessions")) as resp:
            listed = await resp.text()
        assert digits not in listed
        assert '"used_by"' in listed

    @pytest.mark.parametrize(
        ("card", "field"),
        [
            ({"number": "4242 4242 4242 4241"}, "number"),  # Luhn digit wrong
            ({"verification_value": "12"}, "verification_value"),
            ({"month": 1, "year": 2001}, "expiry"),
            ({"name": ""}, "name"),
        ],
    )
    async def test_invalid_cards_are_refused_without_echo(
        self, sim: SimServer, http: aiohttp.ClientSession, card: dict[str, object], field: str
    ) -> None:
        body = {"number": VISA, "name": "Ana", "month": 12, "year": 40, "verification_value": CVV, **card}
        async with http.post(sim.vault_url + "/sessions", json={"credit_card": body}) as resp:
            text = await resp.text()
            assert resp.status == 422
        assert field in text
        assert "4242" not in text
        assert sim.state.vault.sessions == {}

    async def test_vault_is_another_origin_serving_the_card_fields(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        assert sim.vault_url != sim.base_url
        assert sim.vault_url.rsplit(":", 1)[0] == sim.base_url.rsplit(":", 1)[0]
        async with http.get(
            sim.vault_url + "/card-fields", params={"checkout": "t", "origin": sim.base_url}
        ) as resp:
            page = await resp.text()
            assert resp.status == 200
        for field in ("number", "name", "expiry", "verification_value"):
            assert f'id="{field}" name="{field}"' in page
        assert 'placeholder="MM / YY"' in page
        assert f'"{sim.base_url}"' in page  # the only origin it posts the session to
        async with http.get(sim.vault_url + "/card-fields", params={"origin": "javascript:alert(1)"}) as bad:
            assert bad.status == 400
        async with http.get(sim.base_url + "/sessions") as not_here:
            assert not_here.status == 404


class TestChallengeDetection:
    async def test_normal_checkout_pages_are_not_challenges(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        checkout = await checkout_to_order(http, sim, drop(sim)[0])
        other = await open_checkout(http, sim, f"{drop(sim)[0]}:1", PROFILE)
        await to_payment(http, other)
        urls = [
            checkout + "/thank_you",
            other,
            other + "?step=shipping_method",
            other + "?step=payment_method",
            sim.shop_url("store-0") + "/cart",
        ]
        for url in urls:
            async with http.get(url) as resp:
                assert detect_challenge(resp.status, resp.content_type, await resp.read()) is None, url


async def test_banner_names_checkout_and_vault(sim: SimServer) -> None:
    banner = _banner(sim)
    assert f"{sim.shop_url('store-0')}/cart/" in banner
    assert f"{sim.vault_url}/sessions" in banner
    assert "/_control/shops/<name>/orders" in banner
