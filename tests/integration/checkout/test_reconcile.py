"""Reconciliation against the sim: one read-only GET of the checkout URL tells whether an order exists."""

import aiohttp
import pytest

from phantom.checkout.reconcile import ShopifyReconciler
from phantom.domain.checkout import ReconcileVerdict, shopify_cart_permalink
from phantom.sim import SimConfig, SimServer
from tests.integration.checkout.support import (
    CARD,
    SHOP,
    attempt,
    orders,
    request_for,
    set_checkout,
    set_fault,
)


async def _open_checkout(sim: SimServer, http: aiohttp.ClientSession) -> str:
    """A prefilled checkout (as the permalink opens it); its URL."""
    request = request_for(sim)
    link = shopify_cart_permalink(
        request.store_url, [(request.variants[0], 1)], request.prefill, request.attributes
    )
    async with http.get(link) as resp:
        assert resp.status == 200
        return str(resp.url)


async def _post(http: aiohttp.ClientSession, url: str, form: dict[str, str]) -> str:
    async with http.post(url, data=form) as resp:
        assert resp.status == 200
        return str(resp.url)


async def _to_payment(sim: SimServer, http: aiohttp.ClientSession) -> str:
    url = await _open_checkout(sim, http)
    await _post(http, url, {"previous_step": "contact_information"})
    return await _post(
        http,
        url,
        {"previous_step": "shipping_method", "checkout[shipping_rate][id]": "shopify-Standard-10.00"},
    )


async def _pay(sim: SimServer, http: aiohttp.ClientSession, url: str) -> str:
    card = {
        "number": CARD.number,
        "name": CARD.holder,
        "month": CARD.exp_month,
        "year": CARD.exp_year,
        "verification_value": CARD.cvv,
    }
    async with http.post(f"{sim.vault_url}/sessions", json={"credit_card": card}) as resp:
        assert resp.status == 200
        session = (await resp.json())["id"]
    return await _post(http, url.split("?")[0], {"previous_step": "payment_method", "s": session})


@pytest.fixture
def reconciler(http: aiohttp.ClientSession) -> ShopifyReconciler:
    return ShopifyReconciler(http, timeout=5)


class TestShopifyReconciler:
    async def test_completed_checkout_is_placed_with_its_name(
        self, sim: SimServer, http: aiohttp.ClientSession, reconciler: ShopifyReconciler
    ) -> None:
        payment_url = await _to_payment(sim, http)
        assert (await _pay(sim, http, payment_url)).endswith("/thank_you")

        result = await reconciler.reconcile(attempt(checkout_url=payment_url))

        assert result.verdict is ReconcileVerdict.ORDER_PLACED
        assert result.order_name == "#1001"
        assert len(await orders(http, sim)) == 1  # reconciling placed nothing more

    async def test_open_checkout_is_not_placed(
        self, sim: SimServer, http: aiohttp.ClientSession, reconciler: ShopifyReconciler
    ) -> None:
        payment_url = await _to_payment(sim, http)

        result = await reconciler.reconcile(attempt(checkout_url=payment_url))

        assert result.verdict is ReconcileVerdict.NOT_PLACED
        assert result.detail == "checkout still open at payment_method"
        assert await orders(http, sim) == []

    async def test_checkout_that_hit_stock_problems_is_not_placed(
        self, sim: SimServer, http: aiohttp.ClientSession, reconciler: ShopifyReconciler
    ) -> None:
        await set_checkout(http, sim, oos_at_payment=True)
        payment_url = await _to_payment(sim, http)
        problems = await _pay(sim, http, payment_url)
        assert problems.endswith("/stock_problems")

        for url in (payment_url, problems):
            result = await reconciler.reconcile(attempt(checkout_url=url))
            assert result.verdict is ReconcileVerdict.NOT_PLACED, url

    async def test_challenge_is_unknown(
        self, sim: SimServer, http: aiohttp.ClientSession, reconciler: ShopifyReconciler
    ) -> None:
        payment_url = await _to_payment(sim, http)
        await set_checkout(http, sim, challenge="payment")

        result = await reconciler.reconcile(attempt(checkout_url=payment_url))

        assert result.verdict is ReconcileVerdict.UNKNOWN
        assert result.detail == "challenge: captcha"

    async def test_server_error_is_unknown(
        self, sim: SimServer, http: aiohttp.ClientSession, reconciler: ShopifyReconciler
    ) -> None:
        payment_url = await _to_payment(sim, http)
        await set_fault(http, sim, "500")

        result = await reconciler.reconcile(attempt(checkout_url=payment_url))

        assert result.verdict is ReconcileVerdict.UNKNOWN
        assert "HTTP 500" in result.detail

    async def test_unknown_checkout_is_unknown(self, sim: SimServer, reconciler: ShopifyReconciler) -> None:
        url = f"{sim.shop_url(SHOP)}/checkouts/{'0' * 32}"

        result = await reconciler.reconcile(attempt(checkout_url=url))

        assert result.verdict is ReconcileVerdict.UNKNOWN

    async def test_unreachable_store_is_unknown(self, http: aiohttp.ClientSession) -> None:
        async with SimServer(SimConfig(shopify_stores=1, footsites_stores=0, products_per_store=1)) as gone:
            url = f"{gone.shop_url(SHOP)}/checkouts/{'0' * 32}"
        result = await ShopifyReconciler(http, timeout=2).reconcile(attempt(checkout_url=url))

        assert result.verdict is ReconcileVerdict.UNKNOWN
        assert result.detail.startswith("store unreachable")

    async def test_no_recorded_url_is_unknown(self, reconciler: ShopifyReconciler) -> None:
        result = await reconciler.reconcile(attempt(checkout_url=None))
        assert result.verdict is ReconcileVerdict.UNKNOWN
