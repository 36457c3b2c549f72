"""Assist modes against the sim: the link a person gets opens a prefilled checkout carrying the attempt."""

import re
from dataclasses import replace

import aiohttp

from phantom.checkout.footsites_assist import FootsitesAssist
from phantom.checkout.shopify_assist import ShopifyAssist
from phantom.domain.checkout import OutcomeKind, ReconcileVerdict
from phantom.domain.models import Variant
from phantom.domain.tasks import TaskMode
from phantom.sim import SimServer
from tests.integration.checkout.support import (
    PREFILL,
    RecordingGuard,
    attempt,
    checkouts,
    orders,
    request_for,
)


def _value(page: str, input_id: str) -> str:
    found = re.search(rf'id="{input_id}" name="[^"]+" value="([^"]*)"', page)
    assert found is not None, f"no #{input_id} on the page"
    return found.group(1)


class TestShopifyAssist:
    async def test_link_opens_a_prefilled_checkout_with_the_attempt(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        request = request_for(sim, mode=TaskMode.ASSIST, card=None, quantity=2)
        guard = RecordingGuard()

        outcome = await ShopifyAssist().run(request, guard)

        assert outcome.kind is OutcomeKind.LINK_READY
        assert outcome.variant == request.variants[0]
        assert outcome.url is not None
        assert outcome.url.startswith(f"{sim.shop_url('store-0')}/cart/{request.variants[0].id}:2?")
        async with http.get(outcome.url, allow_redirects=False) as first:
            assert first.status == 302
            assert "/checkouts/" in first.headers["Location"]
        async with http.get(outcome.url) as resp:
            page = await resp.text()
            assert resp.status == 200
            assert 'data-step="contact_information"' in page
        assert _value(page, "checkout_email") == PREFILL.email
        assert _value(page, "checkout_shipping_address_last_name") == PREFILL.last_name
        assert _value(page, "checkout_shipping_address_zip") == PREFILL.zip
        opened = await checkouts(http, sim)
        assert [c["attributes"] for c in opened] == [{"_phantom_attempt": request.attempt.key}] * 2
        assert opened[0]["line_items"][0]["quantity"] == 2
        assert guard.calls == []
        assert await orders(http, sim) == []

    async def test_no_variant_fails_without_a_link(self, sim: SimServer) -> None:
        request = request_for(sim, mode=TaskMode.ASSIST, card=None)
        empty = replace(request, variants=())

        outcome = await ShopifyAssist().run(empty, RecordingGuard())

        assert outcome.kind is OutcomeKind.FAILED
        assert outcome.url is None

    async def test_reconcile_is_unknown(self) -> None:
        result = await ShopifyAssist().reconcile(attempt(TaskMode.ASSIST, checkout_url="http://x/cart/1:1"))
        assert result.verdict is ReconcileVerdict.UNKNOWN


class TestFootsitesAssist:
    async def test_link_is_the_product_page_with_the_size(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        store = sim.state.fls["fl-0"]
        sku = store.skus[0]
        product_url = f"{sim.footsites_url('fl-0')}/product/~/{sku}.html"
        request = request_for(sim, mode=TaskMode.ASSIST, card=None)
        request = replace(
            request,
            store_url=sim.footsites_url("fl-0"),
            product_url=product_url,
            variants=(Variant(id=f"{sku}-10", size="10.0", price=12000, available=True),),
        )
        guard = RecordingGuard()

        outcome = await FootsitesAssist().run(request, guard)

        assert outcome.kind is OutcomeKind.LINK_READY
        assert outcome.url == product_url
        assert "size 10.0" in outcome.detail
        async with http.get(product_url) as resp:
            assert resp.status == 200
            assert sku in await resp.text()
        assert guard.calls == []
        assert (await FootsitesAssist().reconcile(request.attempt)).verdict is ReconcileVerdict.UNKNOWN
