"""FootsitesSource against the simulated store (legacy PDP) and a stub (product-core, JSON 429)."""

from typing import Any

import aiohttp
import pytest

from phantom.domain.diff import diff
from phantom.domain.errors import StoreBlocked, StoreRateLimited, StoreUnavailable
from phantom.domain.events import EventKind
from phantom.domain.models import Platform, normalize_size
from phantom.domain.ports import SourceCache
from phantom.domain.stores import Store
from phantom.monitors.footsites import FootsitesSource
from phantom.sim import SimServer
from tests.integration.monitors.conftest import Stub, control, html_reply, json_reply

CORE_DOC = {
    "sku": "11111111",
    "name": "Nike Air Max 1 - Men's",
    "brand": "Nike",
    "style": {"code": "22400001", "color": "White/Red"},
    "price": {"value": 140.0},
    "images": [{"url": "https://images.footlocker.com/pi/11111111/zoom/11111111.jpeg"}],
    "updatedAt": "2024-05-01T10:00:00-04:00",
    "sizes": [
        {"size": "9.0", "code": "22400002", "inventory": {"inventoryAvailable": True}},
        {"size": "9.5", "code": "22400003", "inventory": {"inventoryAvailable": False}},
    ],
}


@pytest.fixture
def source(session: aiohttp.ClientSession) -> FootsitesSource:
    return FootsitesSource(session, max_body_bytes=1024 * 1024, timeout=5.0)


async def fl_store(session: aiohttp.ClientSession, sim: SimServer) -> tuple[Store, list[dict[str, Any]]]:
    listing = (await control(session, sim, "/fl/fl-0"))["catalogue"]
    skus = tuple(item["sku"] for item in listing)
    return Store(id="fl-0", url=sim.footsites_url("fl-0"), platform=Platform.FOOTSITES, skus=skus), listing


def stub_store(stub: Stub, *skus: str) -> Store:
    return Store(id="stub", url=stub.url, platform=Platform.FOOTSITES, skus=skus)


class TestLegacyAgainstTheSim:
    async def test_every_sku_with_its_sizes(self, sim, session, source):
        store, listing = await fl_store(session, sim)
        result = await source.fetch(store, SourceCache())
        assert result.snapshot is not None
        assert result.requests == len(listing)
        assert set(result.snapshot.products) == {item["sku"] for item in listing}
        for item in listing:
            product = result.snapshot.products[item["sku"]]
            got = [(normalize_size(v.size), v.available) for v in product.variants]
            assert got == [(normalize_size(s["size"]), s["available"]) for s in item["sizes"]]
            assert product.price == round(item["price"] * 100)
            assert product.url == f"{store.url}/product/~/{item['sku']}.html"

    async def test_second_poll_is_not_modified(self, sim, session, source):
        store, _ = await fl_store(session, sim)
        cache = SourceCache()
        await source.fetch(store, cache)
        again = await source.fetch(store, cache)
        assert again.snapshot is None
        assert again.not_modified

    async def test_restock_is_seen(self, sim, session, source):
        store, listing = await fl_store(session, sim)
        cache = SourceCache()
        before = (await source.fetch(store, cache)).snapshot
        item = next(i for i in listing if any(not s["available"] for s in i["sizes"]))
        size = next(s["size"] for s in item["sizes"] if not s["available"])
        await control(session, sim, "/fl/fl-0/restock", {"sku": item["sku"], "sizes": [size]})
        after = await source.fetch(store, cache)
        assert before is not None
        assert after.snapshot is not None
        events = diff(before, after.snapshot)
        assert [(e.kind, e.product_id) for e in events] == [(EventKind.RESTOCK, item["sku"])]
        assert [normalize_size(v.size) for v in events[0].variants] == [normalize_size(size)]

    @pytest.mark.parametrize(
        ("mode", "reason"),
        [
            ("captcha", "datadome"),
            ("queue", "queue"),
            ("403", "access denied (403)"),
            ("429", "rate limit page (429)"),
        ],
    )
    async def test_challenges_block_the_poll(self, sim, session, source, mode, reason):
        store, _ = await fl_store(session, sim)
        await control(session, sim, "/fl/fl-0/fault", {"mode": mode})
        with pytest.raises(StoreBlocked) as info:
            await source.fetch(store, SourceCache())
        assert info.value.reason == reason

    async def test_html_429_with_retry_after_is_honoured(self, sim, session, source):
        store, _ = await fl_store(session, sim)
        await control(session, sim, "/fl/fl-0/fault", {"mode": "429", "retry_after": 5})
        with pytest.raises(StoreRateLimited) as info:
            await source.fetch(store, SourceCache())
        assert info.value.retry_after == 5.0

    @pytest.mark.parametrize(("mode", "match"), [("500", "server error"), ("garbage", "malformed")])
    async def test_broken_answers_are_unavailable(self, sim, session, source, mode, match):
        store, _ = await fl_store(session, sim)
        await control(session, sim, "/fl/fl-0/fault", {"mode": mode})
        with pytest.raises(StoreUnavailable, match=match):
            await source.fetch(store, SourceCache())

    async def test_one_failing_sku_fails_the_poll_and_keeps_the_cache(self, sim, session, source):
        store, _ = await fl_store(session, sim)
        cache = SourceCache()
        await source.fetch(store, cache)
        saved = dict(cache.pages)
        broken = store.updated(skus=(*store.skus, "00000000"))
        with pytest.raises(StoreUnavailable, match="sku 00000000 not found"):
            await source.fetch(broken, cache)
        assert cache.pages == saved


class TestProductCoreFallback:
    async def test_legacy_404_falls_back_and_is_remembered(self, stub, source):
        stub.routes["/zgw/product-core/v1/pdp/sku/11111111"] = json_reply(CORE_DOC, headers={"ETag": '"c1"'})
        store = stub_store(stub, "11111111")
        cache = SourceCache()
        first = await source.fetch(store, cache)
        assert first.snapshot is not None
        assert first.requests == 2
        product = first.snapshot.products["11111111"]
        assert product.title == "Nike Air Max 1 - Men's (White/Red)"
        assert [(v.size, v.available, v.price) for v in product.variants] == [
            ("9.0", True, 14000),
            ("9.5", False, 14000),
        ]
        assert first.changed_at is not None
        second = await source.fetch(store, cache)
        assert second.requests == 1  # straight to product-core
        assert second.snapshot is None
        assert second.hash_skip  # the stub ignores If-None-Match: identical bytes are skipped unparsed
        assert stub.paths() == [
            "/api/products/pdp/11111111",
            "/zgw/product-core/v1/pdp/sku/11111111",
            "/zgw/product-core/v1/pdp/sku/11111111",
        ]
        assert stub.log[-1][1]["If-None-Match"] == '"c1"'

    async def test_unknown_on_both_endpoints(self, stub, source):
        with pytest.raises(StoreUnavailable, match="sku 22222222 not found"):
            await source.fetch(stub_store(stub, "22222222"), SourceCache())

    async def test_plain_json_429_is_a_rate_limit(self, stub, source):
        stub.routes["/api/products/pdp/11111111"] = json_reply(
            {"errors": "slow down"}, 429, {"Retry-After": "7"}
        )
        with pytest.raises(StoreRateLimited) as info:
            await source.fetch(stub_store(stub, "11111111"), SourceCache())
        assert info.value.retry_after == 7.0

    async def test_challenge_page_with_status_200_is_blocked(self, stub, source):
        stub.routes["/api/products/pdp/11111111"] = html_reply('<div id="px-captcha"></div>')
        with pytest.raises(StoreBlocked, match="perimeterx"):
            await source.fetch(stub_store(stub, "11111111"), SourceCache())
