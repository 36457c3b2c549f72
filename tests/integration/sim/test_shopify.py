import json
from email.utils import formatdate
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from phantom.sim import SimServer
from tests.integration.sim.client import get_json

FIXTURES = Path(__file__).parents[2] / "fixtures" / "shopify"


def sample(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return loaded


class TestProductsJson:
    async def test_pages_are_full_then_short_then_empty(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        base = sim.shop_url("store-0") + "/products.json?limit=20&page="
        sizes = [len((await get_json(http, base + str(page)))[1]["products"]) for page in (1, 2, 3, 4)]
        assert sizes == [20, 20, 5, 0]

    async def test_default_limit_is_30_and_max_250(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        _, default = await get_json(http, sim.shop_url("store-0") + "/products.json")
        _, huge = await get_json(http, sim.shop_url("store-0") + "/products.json?limit=9999")
        assert len(default["products"]) == 30
        assert len(huge["products"]) == 45

    async def test_newest_first(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        _, body = await get_json(http, sim.shop_url("store-0") + "/products.json?limit=250")
        published = [p["published_at"] for p in body["products"]]
        assert published == sorted(published, reverse=True)

    async def test_shape_has_every_key_of_real_samples(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        _, body = await get_json(http, sim.shop_url("store-1") + "/products.json")
        ours = body["products"][0]
        for name in (
            "shopify_products_atmosusa_af1_instock.json",
            "shopify_products_kith-cdn_wallabee_mixed.json",
        ):
            real = sample(name)["products"][0]
            assert set(real) <= set(ours)
            assert set(real["variants"][0]) <= set(ours["variants"][0])
            assert set(real["images"][0]) <= set(ours["images"][0])
        variant = ours["variants"][0]
        assert isinstance(variant["price"], str)
        assert variant["price"].endswith(".00")
        assert 110 <= float(variant["price"]) <= 250 or ours["product_type"] == "Apparel"
        assert ours["options"][0]["name"] == "Size"
        assert ours["options"][0]["values"] == [v["option1"] for v in ours["variants"]]
        assert ours["images"][0]["src"].startswith("https://cdn.shopify.com/")

    async def test_catalogue_is_realistic(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        _, body = await get_json(http, sim.shop_url("store-0") + "/products.json?limit=250")
        products = body["products"]
        footwear = [p for p in products if p["product_type"] == "Footwear"]
        assert footwear
        assert all(8 <= len(p["variants"]) <= 20 for p in footwear)
        assert all(" - " in p["title"] for p in products)
        availability = {v["available"] for p in products for v in p["variants"]}
        assert availability == {True, False}
        assert len({p["handle"] for p in products}) == len(products)

    async def test_same_seed_same_catalogue(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        from phantom.sim import SimConfig

        _, first = await get_json(http, sim.shop_url("store-0") + "/products.json?limit=5")
        async with SimServer(SimConfig(shopify_stores=1, products_per_store=45, seed=7)) as other:
            _, second = await get_json(http, other.shop_url("store-0") + "/products.json?limit=5")
        assert [p["title"] for p in first["products"]] == [p["title"] for p in second["products"]]


class TestConditionalRequests:
    async def test_etag_then_304_with_empty_body(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        url = sim.shop_url("store-0") + "/products.json?limit=50"
        async with http.get(url) as first:
            etag = first.headers["ETag"]
            body = await first.read()
        assert etag.startswith('"')
        assert etag.endswith('"')
        async with http.get(url, headers={"If-None-Match": etag}) as again:
            assert again.status == 304
            assert again.headers["ETag"] == etag
            assert await again.read() == b""
        async with http.get(url, headers={"If-None-Match": '"nope"'}) as other:
            assert other.status == 200
            assert await other.read() == body

    async def test_weak_and_listed_etags_match(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        url = sim.shop_url("store-0") + "/products.json"
        async with http.get(url) as first:
            etag = first.headers["ETag"]
        async with http.get(url, headers={"If-None-Match": f'"x", W/{etag}'}) as again:
            assert again.status == 304

    async def test_change_on_page_changes_its_etag_only(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        page1, page2 = (sim.shop_url("store-0") + f"/products.json?limit=20&page={n}" for n in (1, 2))
        async with http.get(page1) as r1, http.get(page2) as r2:
            tags = (r1.headers["ETag"], r2.headers["ETag"])
        newest = sim.state.shops["store-0"].products[0].handle
        sim.state.shop_sold_out("store-0", newest)
        async with http.get(page1, headers={"If-None-Match": tags[0]}) as r1:
            assert r1.status == 200
        async with http.get(page2, headers={"If-None-Match": tags[1]}) as r2:
            assert r2.status == 304

    async def test_if_modified_since(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        url = sim.shop_url("store-0") + "/products.json"
        async with http.get(url) as first:
            last_modified = first.headers["Last-Modified"]
        async with http.get(url, headers={"If-Modified-Since": last_modified}) as again:
            assert again.status == 304
        sim.state.shop_drop("store-0", title="Air Jordan 4 Retro - Bred")
        async with http.get(url, headers={"If-Modified-Since": last_modified}) as changed:
            assert changed.status == 200
            assert changed.headers["Last-Modified"] != last_modified
        async with http.get(url, headers={"If-Modified-Since": formatdate(0, usegmt=True)}) as old:
            assert old.status == 200


class TestProductJs:
    async def test_ajax_format(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        handle = sim.state.shops["store-0"].products[3].handle
        url = sim.shop_url("store-0") + f"/products/{handle}.js"
        async with http.get(url) as resp:
            assert resp.status == 200
            etag = resp.headers["ETag"]
            js = orjson.loads(await resp.read())
        real = sample("shopify_product_js_ajax_example.json")
        assert set(real) <= set(js)
        assert set(real["variants"][0]) <= set(js["variants"][0])
        assert isinstance(js["price"], int)
        assert js["price"] % 100 == 0
        assert js["available"] == any(v["available"] for v in js["variants"])
        assert js["url"].endswith(f"/products/{handle}")
        assert js["featured_image"].startswith("//cdn.shopify.com/")
        async with http.get(url, headers={"If-None-Match": etag}) as again:
            assert again.status == 304

    async def test_unknown_handle_is_404(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        async with http.get(sim.shop_url("store-0") + "/products/no-such-thing.js") as resp:
            assert resp.status == 404

    async def test_unknown_store_is_404(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        async with http.get(sim.shop_url("nope") + "/products.json") as resp:
            assert resp.status == 404


class TestHtmlPages:
    async def test_product_and_cart_pages(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        product = sim.state.shops["store-0"].products[0]
        async with http.get(sim.shop_url("store-0") + f"/products/{product.handle}") as page:
            assert page.status == 200
            assert product.title in await page.text()
        async with http.get(sim.shop_url("store-0") + f"/cart/{product.variant_ids[0]}:1") as cart:
            assert cart.status == 200
            assert product.title in await cart.text()


class TestPasswordMode:
    async def test_storefront_redirects_to_password_page(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        sim.state.shop_password("store-0", True)
        handle = sim.state.shops["store-0"].products[0].handle
        for path in ("/products.json", f"/products/{handle}.js"):
            async with http.get(sim.shop_url("store-0") + path, allow_redirects=False) as resp:
                assert resp.status == 302
                assert resp.headers["Location"] == "/shop/store-0/password"
        async with http.get(sim.shop_url("store-0") + "/products.json") as followed:
            text = await followed.text()
            assert followed.status == 200
            assert followed.url.path == "/shop/store-0/password"
        assert 'action="/password"' in text
        assert 'type="password" name="password"' in text
        assert "Opening soon" in text
        sim.state.shop_password("store-0", False)
        async with http.get(sim.shop_url("store-0") + "/products.json", allow_redirects=False) as resp:
            assert resp.status == 200
