"""ShopifySource against the simulated store over 127.0.0.1."""

import aiohttp
import pytest

from phantom.domain.diff import diff
from phantom.domain.errors import StoreBlocked, StoreRateLimited, StoreUnavailable
from phantom.domain.events import EventKind
from phantom.domain.models import Platform
from phantom.domain.ports import SourceCache
from phantom.domain.stores import Store
from phantom.monitors.shopify import ShopifySource
from phantom.sim import SimServer
from tests.integration.monitors.conftest import control

PAGE = 25  # 60 products per store -> pages of 25, 25 and a short 10


def shop(sim: SimServer, name: str = "store-0", **changes: object) -> Store:
    store = Store(id=name, url=sim.shop_url(name), platform=Platform.SHOPIFY)
    return store.updated(**changes) if changes else store


@pytest.fixture
def source(session: aiohttp.ClientSession) -> ShopifySource:
    return ShopifySource(session, max_body_bytes=4 * 1024 * 1024, timeout=5.0, page_size=PAGE)


async def fault(session: aiohttp.ClientSession, sim: SimServer, **body: object) -> None:
    await control(session, sim, "/shop/store-0/fault", body)


class TestCatalogue:
    async def test_pages_until_the_short_one(self, sim, session, source):
        result = await source.fetch(shop(sim), SourceCache())
        listing = (await control(session, sim, "/shop/store-0"))["catalogue"]
        assert result.requests == 3
        assert result.snapshot is not None
        assert set(result.snapshot.products) == {str(p["id"]) for p in listing}
        first = listing[0]
        product = result.snapshot.products[str(first["id"])]
        assert product.handle == first["handle"]
        assert [(v.size, v.available) for v in product.variants] == [
            (v["size"], v["available"]) for v in first["variants"]
        ]
        assert product.price == round(float(first["price"]) * 100)
        assert result.changed_at is not None

    async def test_second_poll_is_all_304(self, sim, session, source):
        cache = SourceCache()
        await source.fetch(shop(sim), cache)
        again = await source.fetch(shop(sim), cache)
        assert again.snapshot is None
        assert again.not_modified
        assert not again.hash_skip
        assert again.requests == 3
        requests = await control(session, sim, "/requests?store=store-0")
        assert [r["status"] for r in requests[-3:]] == [304, 304, 304]

    async def test_a_drop_appears_as_a_new_product(self, sim, session, source):
        cache = SourceCache()
        before = (await source.fetch(shop(sim), cache)).snapshot
        dropped = await control(
            session, sim, "/shop/store-0/drop", {"title": "Air Jordan 4 Retro - Bred", "sizes": ["9", "10"]}
        )
        after = await source.fetch(shop(sim), cache)
        assert after.snapshot is not None
        new_id = str(dropped["product"]["id"])
        assert new_id in after.snapshot.products
        assert before is not None
        events = diff(before, after.snapshot)
        assert [(e.kind, e.product_id) for e in events] == [(EventKind.NEW_PRODUCT, new_id)]
        assert [v.size for v in events[0].relevant_variants()] == ["9", "10"]
        # Products that only moved between pages are reused, not re-decoded: identical objects.
        unchanged = next(pid for pid in before.products if pid in after.snapshot.products)
        assert after.snapshot.products[unchanged] is before.products[unchanged]

    async def test_restock_of_one_size(self, sim, session, source):
        cache = SourceCache()
        before = (await source.fetch(shop(sim), cache)).snapshot
        assert before is not None
        listing = (await control(session, sim, "/shop/store-0"))["catalogue"]
        target = next(p for p in listing if any(not v["available"] for v in p["variants"]))
        size = next(v["size"] for v in target["variants"] if not v["available"])
        await control(session, sim, "/shop/store-0/restock", {"handle": target["handle"], "sizes": [size]})
        after = await source.fetch(shop(sim), cache)
        assert after.snapshot is not None
        events = diff(before, after.snapshot)
        assert [e.kind for e in events] == [EventKind.RESTOCK]
        assert [v.size for v in events[0].variants] == [size]

    async def test_page_cap(self, sim, source):
        result = await source.fetch(shop(sim, max_pages=2), SourceCache())
        assert result.requests == 2
        assert result.snapshot is not None
        assert len(result.snapshot.products) == 2 * PAGE

    async def test_pages_beyond_the_catalogue_are_dropped_from_the_cache(self, sim, session, source):
        cache = SourceCache()
        await source.fetch(shop(sim), cache)
        assert len(cache.pages) == 3
        listing = (await control(session, sim, "/shop/store-0"))["catalogue"]
        for product in listing[:15]:  # 60 -> 45 products: two pages
            await control(session, sim, "/shop/store-0/remove", {"handle": product["handle"]})
        result = await source.fetch(shop(sim), cache)
        assert result.snapshot is not None
        assert len(result.snapshot.products) == 45
        assert len(cache.pages) == 2


class TestPasswordPage:
    async def test_redirect_to_password_is_a_locked_snapshot(self, sim, session, source):
        await control(session, sim, "/shop/store-0/password", {"enabled": True})
        result = await source.fetch(shop(sim), SourceCache())
        assert result.snapshot is not None
        assert result.snapshot.password_locked
        assert result.snapshot.products == {}
        assert result.requests == 1  # the redirect is not followed

    async def test_reopening_is_fetched_in_full_even_when_bytes_did_not_change(self, sim, session, source):
        cache = SourceCache()
        await source.fetch(shop(sim), cache)
        await control(session, sim, "/shop/store-0/password", {"enabled": True})
        locked = await source.fetch(shop(sim), cache)
        assert locked.snapshot is not None
        assert locked.snapshot.password_locked
        await control(session, sim, "/shop/store-0/password", {"enabled": False})
        reopened = await source.fetch(shop(sim), cache)
        assert reopened.snapshot is not None
        assert not reopened.snapshot.password_locked
        assert len(reopened.snapshot.products) == 60


class TestFaults:
    async def test_429_honours_retry_after(self, sim, session, source):
        await fault(session, sim, mode="429", retry_after=5)
        with pytest.raises(StoreRateLimited) as info:
            await source.fetch(shop(sim), SourceCache())
        assert info.value.retry_after == 5.0

    async def test_429_without_retry_after_defaults_to_a_minute(self, sim, session, source):
        await fault(session, sim, mode="429")
        with pytest.raises(StoreRateLimited) as info:
            await source.fetch(shop(sim), SourceCache())
        assert info.value.retry_after == 60.0

    async def test_default_for_a_missing_retry_after_is_configurable(self, sim, session):
        await fault(session, sim, mode="429")
        source = ShopifySource(
            session, max_body_bytes=1 << 20, timeout=5.0, page_size=PAGE, default_retry_after=2.0
        )
        with pytest.raises(StoreRateLimited) as info:
            await source.fetch(shop(sim), SourceCache())
        assert info.value.retry_after == 2.0

    async def test_500_is_unavailable(self, sim, session, source):
        await fault(session, sim, mode="500")
        with pytest.raises(StoreUnavailable, match="server error"):
            await source.fetch(shop(sim), SourceCache())

    async def test_403_is_blocked(self, sim, session, source):
        await fault(session, sim, mode="403")
        with pytest.raises(StoreBlocked, match="access denied"):
            await source.fetch(shop(sim), SourceCache())

    @pytest.mark.parametrize(("mode", "reason"), [("captcha", "captcha"), ("queue", "queue")])
    async def test_challenge_pages_are_blocked(self, sim, session, source, mode, reason):
        await fault(session, sim, mode=mode)
        with pytest.raises(StoreBlocked) as info:
            await source.fetch(shop(sim), SourceCache())
        assert info.value.reason == reason

    async def test_garbage_is_malformed_both_ways(self, sim, session, source):
        await fault(session, sim, mode="garbage")
        for _ in range(2):  # invalid JSON, then valid JSON of the wrong shape
            with pytest.raises(StoreUnavailable, match=r"malformed products\.json"):
                await source.fetch(shop(sim), SourceCache())

    async def test_truncated_bodies_are_unavailable_both_ways(self, sim, session, source):
        await fault(session, sim, mode="truncated")
        reasons = []
        for _ in range(2):  # connection closed early, then an honest but cut JSON body
            with pytest.raises(StoreUnavailable) as info:
                await source.fetch(shop(sim), SourceCache())
            reasons.append(str(info.value))
        assert reasons[0] in ("truncated body", "server disconnected")
        assert reasons[1].startswith("malformed products.json")

    async def test_slow_store_times_out(self, sim, session):
        await fault(session, sim, mode="slow", delay=1.0, count=1)
        source = ShopifySource(session, max_body_bytes=4 * 1024 * 1024, timeout=0.2, page_size=PAGE)
        with pytest.raises(StoreUnavailable, match="timeout"):
            await source.fetch(shop(sim), SourceCache())

    async def test_body_cap(self, sim, session):
        source = ShopifySource(session, max_body_bytes=2048, timeout=5.0, page_size=PAGE)
        with pytest.raises(StoreUnavailable, match="body larger than 2048 bytes"):
            await source.fetch(shop(sim), SourceCache())

    async def test_unknown_store_is_not_shopify(self, sim, source):
        with pytest.raises(StoreUnavailable, match=r"not a Shopify store \(404\)"):
            await source.fetch(shop(sim, url=sim.shop_url("no-such-store")), SourceCache())

    async def test_failure_leaves_the_cache_as_it_was_and_recovery_is_a_full_poll(self, sim, session, source):
        cache = SourceCache()
        await source.fetch(shop(sim), cache)
        saved = dict(cache.pages)
        await control(session, sim, "/shop/store-0/drop", {"title": "Nike Dunk Low - Panda"})
        await fault(session, sim, mode="500", count=1)
        with pytest.raises(StoreUnavailable):
            await source.fetch(shop(sim), cache)
        assert cache.pages == saved
        recovered = await source.fetch(shop(sim), cache)
        assert recovered.snapshot is not None
        assert len(recovered.snapshot.products) == 61


class TestProductJs:
    async def test_watched_product_then_304_then_restock(self, sim, session, source):
        listing = (await control(session, sim, "/shop/store-0"))["catalogue"]
        target = next(p for p in listing if any(not v["available"] for v in p["variants"]))
        cache = SourceCache()
        product = await source.fetch_product(shop(sim), target["handle"], cache)
        assert product is not None
        assert product.id == str(target["id"])
        assert product.price == round(float(target["price"]) * 100)
        assert await source.fetch_product(shop(sim), target["handle"], cache) is None
        await control(session, sim, "/shop/store-0/restock", {"handle": target["handle"]})
        restocked = await source.fetch_product(shop(sim), target["handle"], cache)
        assert restocked is not None
        assert all(v.available for v in restocked.variants)

    async def test_unknown_handle(self, sim, source):
        with pytest.raises(StoreUnavailable, match="product not found"):
            await source.fetch_product(shop(sim), "no-such-product", SourceCache())

    async def test_locked_store_reports_nothing_new(self, sim, session, source):
        listing = (await control(session, sim, "/shop/store-0"))["catalogue"]
        await control(session, sim, "/shop/store-0/password", {"enabled": True})
        assert await source.fetch_product(shop(sim), listing[0]["handle"], SourceCache()) is None
