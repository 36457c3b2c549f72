import json
from pathlib import Path
from typing import Any

import aiohttp

from phantom.sim import SimServer
from tests.integration.sim.client import get_json, post_json

FIXTURE = Path(__file__).parents[2] / "fixtures" / "footsites" / "footsites_pdp_legacy_TRIMMED_excerpt.json"


def sizes_of(pdp: dict[str, Any], sku: str) -> dict[str, str]:
    code = next(a["code"] for a in pdp["variantAttributes"] if a["sku"] == sku)
    out = {}
    for unit in pdp["sellableUnits"]:
        attrs = {a["type"]: a for a in unit["attributes"]}
        if attrs["style"]["id"] == code:
            out[attrs["size"]["value"]] = unit["stockLevelStatus"]
    return out


class TestLegacyPdp:
    async def test_shape_matches_the_real_excerpt(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        sku = sim.state.fls["fl-0"].skus[0]
        status, pdp = await get_json(http, sim.footsites_url("fl-0") + f"/api/products/pdp/{sku}")
        real = json.loads(FIXTURE.read_text())
        assert status == 200
        assert set(real) - {"dropShip", "freeShipping", "giftCosts"} <= set(pdp)
        assert set(real["sellableUnits"][0]) <= set(pdp["sellableUnits"][0])
        assert {"code", "sku", "stockLevelStatus", "price", "width"} <= set(pdp["variantAttributes"][0])
        assert pdp["images"][0]["variations"][0]["url"].startswith("https://images.footlocker.com/")
        sizes = sizes_of(pdp, sku)
        assert 8 <= len(sizes) <= 16
        assert all(len(v) == 4 and v[2] == "." for v in sizes)  # "09.0", "10.5"
        assert set(sizes.values()) <= {"inStock", "outOfStock"}

    async def test_unknown_sku_is_404_json(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        status, body = await get_json(http, sim.footsites_url("fl-0") + "/api/products/pdp/00000000")
        assert status == 404
        assert "errors" in body

    async def test_restock_and_sold_out_by_size(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        sku = sim.state.fls["fl-0"].skus[1]
        url = sim.footsites_url("fl-0") + f"/api/products/pdp/{sku}"
        control = sim.control_url("/fl/fl-0")
        await post_json(http, f"{control}/sold_out", {"sku": sku})
        _, pdp = await get_json(http, url)
        assert set(sizes_of(pdp, sku).values()) == {"outOfStock"}
        first = next(iter(sizes_of(pdp, sku)))
        status, change = await post_json(http, f"{control}/restock", {"sku": sku, "sizes": [first]})
        assert status == 200
        assert change["sizes"] == [f"{float(first):.1f}"]
        assert change["visible_at"] > 0
        _, pdp = await get_json(http, url)
        stock = sizes_of(pdp, sku)
        assert stock[first] == "inStock"
        assert [s for s, v in stock.items() if v == "inStock"] == [first]
        va = next(a for a in pdp["variantAttributes"] if a["sku"] == sku)
        assert va["stockLevelStatus"] == "inStock"

    async def test_price_change(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        sku = sim.state.fls["fl-0"].skus[0]
        await post_json(http, sim.control_url("/fl/fl-0/price"), {"sku": sku, "price": "199.99"})
        _, pdp = await get_json(http, sim.footsites_url("fl-0") + f"/api/products/pdp/{sku}")
        va = next(a for a in pdp["variantAttributes"] if a["sku"] == sku)
        assert va["price"]["value"] == 199.99
        assert va["price"]["formattedValue"] == "$199.99"


class TestProductCore:
    async def test_shape(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        sku = sim.state.fls["fl-0"].skus[0]
        status, core = await get_json(http, sim.footsites_url("fl-0") + f"/zgw/product-core/v1/pdp/sku/{sku}")
        assert status == 200
        assert core["sku"] == sku
        assert {"name", "brand", "model", "style", "price", "images", "sizes"} <= set(core)
        assert core["price"]["currency"] == "USD"
        assert isinstance(core["price"]["value"], float)
        size = core["sizes"][0]
        assert isinstance(size["inventory"]["inventoryAvailable"], bool)
        assert size["productNumber"] == size["code"]
        assert "." in size["size"]
        assert not size["size"].startswith("0")

    async def test_added_product_is_watchable_and_consistent(
        self, sim: SimServer, http: aiohttp.ClientSession
    ) -> None:
        status, change = await post_json(
            http,
            sim.control_url("/fl/fl-0/product"),
            {"sku": "DD1391100", "name": "Nike Dunk Low - Men's", "sizes": ["9", "9.5", "10"]},
        )
        assert status == 200
        assert change["sizes"] == ["9.0", "9.5", "10.0"]
        _, core = await get_json(http, sim.footsites_url("fl-0") + "/zgw/product-core/v1/pdp/sku/DD1391100")
        assert [s["size"] for s in core["sizes"]] == ["9.0", "9.5", "10.0"]
        assert all(s["inventory"]["inventoryAvailable"] for s in core["sizes"])
        _, pdp = await get_json(http, sim.footsites_url("fl-0") + "/api/products/pdp/DD1391100")
        assert pdp["name"] == "Nike Dunk Low - Men's"
        assert sizes_of(pdp, "DD1391100") == {"09.0": "inStock", "09.5": "inStock", "10.0": "inStock"}
        status, _ = await post_json(http, sim.control_url("/fl/fl-0/product"), {"sku": "DD1391100"})
        assert status == 409

    async def test_etag_and_product_page(self, sim: SimServer, http: aiohttp.ClientSession) -> None:
        sku = sim.state.fls["fl-0"].skus[0]
        url = sim.footsites_url("fl-0") + f"/zgw/product-core/v1/pdp/sku/{sku}"
        async with http.get(url) as first:
            etag = first.headers["ETag"]
        async with http.get(url, headers={"If-None-Match": etag}) as again:
            assert again.status == 304
        sim.state.fl_sold_out("fl-0", sku)
        async with http.get(url, headers={"If-None-Match": etag}) as changed:
            assert changed.status == 200
        async with http.get(sim.footsites_url("fl-0") + f"/product/~/{sku}.html") as page:
            assert page.status == 200
            assert sku in await page.text()
