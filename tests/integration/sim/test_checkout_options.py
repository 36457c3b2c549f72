"""Per-shop checkout options through the control API: challenge (checkpoint), stock problems, decline, delay."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from phantom.captcha.detect import detect_challenge
from phantom.sim import SimServer
from tests.integration.sim.checkout_client import (
    PROFILE,
    Reply,
    card_session,
    cookie_session,
    drop,
    fetch,
    open_checkout,
    orders,
    pay,
    post_step,
    set_options,
    to_payment,
)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with cookie_session() as session:
        yield session


async def assert_checkpoint(http: aiohttp.ClientSession, sim: SimServer, resp: Reply) -> str:
    """`resp` is a 302 to the checkpoint, which detection classifies as a CAPTCHA; returns its return_to."""
    assert resp.status == 302
    assert resp.location.startswith("/shop/store-0/checkpoint?return_to=")
    assert detect_challenge(resp.status, resp.content_type, resp.body) == "captcha"  # the 302 body too
    page = await fetch(http, "GET", sim.base_url + resp.location)
    assert page.status == 200
    assert detect_challenge(page.status, page.content_type, page.body) == "captcha"
    assert 'class="h-captcha"' in page.text
    assert "Please verify you are a human" in page.text
    return parse_qs(urlsplit(resp.location).query)["return_to"][0]


class TestChallenge:
    async def test_cart_challenge_stops_the_permalink(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        vid = drop(sim)[0]
        assert (await set_options(http, sim, challenge="cart"))[0] == 200
        permalink = f"/shop/store-0/cart/{vid}:1?checkout%5Bemail%5D=ana%40example.com"
        return_to = await assert_checkpoint(http, sim, await fetch(http, "GET", sim.base_url + permalink))
        assert urlsplit(return_to).path == f"/shop/store-0/cart/{vid}:1"
        assert parse_qs(urlsplit(return_to).query) == {"checkout[email]": ["ana@example.com"]}
        assert not sim.state.checkout_book("store-0").checkouts
        # Nothing solves it: posting the checkpoint only goes back, and the cart is still challenged.
        async with http.post(
            sim.base_url + "/shop/store-0/checkpoint", data={"return_to": return_to}
        ) as again:
            assert detect_challenge(again.status, again.content_type, await again.read()) == "captcha"
        await set_options(http, sim, challenge=None)
        async with http.post(
            sim.base_url + "/shop/store-0/checkpoint", data={"return_to": return_to}
        ) as passed:
            assert passed.status == 200
            assert 'data-step="contact_information"' in await passed.text()
        [checkout] = sim.state.checkout_book("store-0").checkouts.values()
        assert checkout.email == "ana@example.com"

    async def test_cart_challenge_stops_the_ajax_checkout(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        vid = drop(sim)[0]
        async with http.post(
            sim.shop_url("store-0") + "/cart/add.js", json={"id": vid, "quantity": 1}
        ) as resp:
            assert resp.status == 200
        await set_options(http, sim, challenge="cart")
        resp = await fetch(http, "POST", sim.shop_url("store-0") + "/checkout")
        assert await assert_checkpoint(http, sim, resp) == "/shop/store-0/checkout"
        assert not sim.state.checkout_book("store-0").checkouts

    @pytest.mark.parametrize(
        ("challenge", "step"),
        [("contact", "contact_information"), ("shipping", "shipping_method"), ("payment", "payment_method")],
    )
    async def test_a_challenged_step_answers_the_checkpoint(
        self, sim: SimServer, http: aiohttp.ClientSession, challenge: str, step: str
    ) -> None:
        checkout = await open_checkout(http, sim, f"{drop(sim)[0]}:1", PROFILE)
        path = checkout.removeprefix(sim.base_url)
        if step == "payment_method":
            await to_payment(http, checkout)
        elif step == "shipping_method":
            await post_step(http, checkout, {"previous_step": "contact_information"})
        await set_options(http, sim, challenge=challenge)
        resp = await fetch(http, "GET", f"{checkout}?step={step}")
        assert await assert_checkpoint(http, sim, resp) == f"{path}?step={step}"
        form = {"previous_step": step, "checkout[shipping_rate][id]": "shopify-Standard-10.00"}
        if step == "payment_method":
            form["s"] = await card_session(http, sim)
        posted = await post_step(http, checkout, form)
        assert await assert_checkpoint(http, sim, posted) == f"{path}?step={step}"
        assert await orders(http, sim) == []
        assert sim.state.checkout_book("store-0").checkout(path.rsplit("/", 1)[1]).order is None

    async def test_other_steps_are_not_challenged(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        await set_options(http, sim, challenge="payment")
        checkout = await open_checkout(http, sim, f"{drop(sim)[0]}:1", PROFILE)
        await to_payment(http, checkout)  # contact and shipping pass
        refused = await pay(http, checkout, await card_session(http, sim))
        assert refused.location.startswith("/shop/store-0/checkpoint")
        await set_options(http, sim, challenge=None)
        assert (
            (await pay(http, checkout, await card_session(http, sim)))
            .headers["Location"]
            .endswith("/thank_you")
        )


class TestStockProblems:
    async def test_oos_at_payment_places_no_order(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        await set_options(http, sim, oos_at_payment=True)
        checkout = await open_checkout(http, sim, f"{drop(sim)[0]}:1", PROFILE)
        await to_payment(http, checkout)
        resp = await pay(http, checkout, await card_session(http, sim))
        assert resp.status == 302
        assert resp.headers["Location"] == checkout.removeprefix(sim.base_url) + "/stock_problems"
        async with http.get(sim.base_url + resp.headers["Location"]) as page:
            text = await page.text()
        assert "Some items are no longer available" in text
        assert "Phantom Test Runner - 9 is sold out" in text
        assert detect_challenge(page.status, page.content_type, text.encode()) is None
        assert await orders(http, sim) == []

    async def test_a_size_sold_out_during_checkout(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        nine, ten, _ = drop(sim)
        checkout = await open_checkout(http, sim, f"{nine}:1,{ten}:1", PROFILE)
        await to_payment(http, checkout)
        sim.state.shop_sold_out("store-0", sim.state.shops["store-0"].products[0].handle, ["10"])
        resp = await pay(http, checkout, await card_session(http, sim))
        assert resp.headers["Location"].endswith("/stock_problems")
        async with http.get(sim.base_url + resp.headers["Location"]) as page:
            text = await page.text()
        assert "Phantom Test Runner - 10 is sold out" in text
        assert "Phantom Test Runner - 9 is sold out" not in text
        assert await orders(http, sim) == []


class TestDeclineAndOptions:
    async def test_decline_renders_the_payment_error(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        status, options = await set_options(http, sim, decline=True)
        assert status == 200
        assert options["decline"] is True
        checkout = await open_checkout(http, sim, f"{drop(sim)[0]}:1", PROFILE)
        await to_payment(http, checkout)
        resp = await pay(http, checkout, await card_session(http, sim))
        assert resp.status == 200
        assert "Your card was declined" in resp.text
        assert await orders(http, sim) == []

    async def test_put_merges_and_validates(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        await set_options(http, sim, challenge="contact", step_delay_ms=5)
        status, merged = await set_options(http, sim, oos_at_payment=True)
        assert status == 200
        assert (merged["challenge"], merged["step_delay_ms"], merged["oos_at_payment"]) == (
            "contact",
            5,
            True,
        )
        async with http.get(sim.control_url("/shops/store-0/checkout")) as resp:
            assert (await resp.json())["challenge"] == "contact"
        for bad in ({"challenge": "everywhere"}, {"step_delay_ms": -1}, {"colour": "red"}):
            assert (await set_options(http, sim, **bad))[0] == 400, bad
        assert (await set_options(http, sim, store="nope", challenge=None))[0] == 404
        async with http.get(sim.control_url("/shops/store-1/checkout")) as other:
            assert (await other.json())["challenge"] is None

    async def test_options_can_be_scheduled(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        actions = [{"at": 0.0, "op": "checkout", "store": "store-0", "challenge": "payment"}]
        async with http.post(sim.control_url("/schedule"), json={"actions": actions}) as resp:
            assert resp.status == 200
        for _ in range(100):
            if sim.state.checkout_book("store-0").options.challenge == "payment":
                break
            await asyncio.sleep(0.01)
        assert sim.state.checkout_book("store-0").options.challenge == "payment"


class TestStepDelay:
    async def test_each_step_answers_after_the_delay(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        vid = drop(sim)[0]
        await set_options(http, sim, step_delay_ms=300)
        started = time.monotonic()
        checkout = await open_checkout(http, sim, f"{vid}:1", PROFILE)
        assert time.monotonic() - started >= 0.3
        started = time.monotonic()
        async with http.get(checkout) as resp:
            assert resp.status == 200
        assert time.monotonic() - started >= 0.3

    async def test_a_client_gone_mid_payment_finds_the_order_landed(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        checkout = await open_checkout(http, sim, f"{drop(sim)[0]}:1", PROFILE)
        await to_payment(http, checkout)
        session = await card_session(http, sim)
        await set_options(http, sim, step_delay_ms=2_000)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(pay(http, checkout, session), timeout=0.3)  # the client dies mid-step
        await set_options(http, sim, step_delay_ms=0)
        async with http.get(checkout, allow_redirects=False) as resp:
            assert resp.status == 302
            assert resp.headers["Location"].endswith("/thank_you")  # reconciled: it landed
        assert len(await orders(http, sim)) == 1
