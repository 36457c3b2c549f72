from dataclasses import replace
from datetime import UTC, datetime

import pytest

from phantom.domain.diff import diff
from phantom.domain.errors import StoreUnavailable
from phantom.domain.events import EventKind
from phantom.domain.models import Product, Snapshot
from phantom.monitors.footsites import decode_core, decode_legacy
from tests.unit.monitors.fixtures import FOOTSITES_LEGACY, dumps, raw

STORE = "https://www.footlocker.com"
CORE = {
    "sku": "53558130",
    "name": "Jordan AJ 1 Low - Men's",
    "brand": "Jordan",
    "style": {"code": "22402236", "color": "White/White/White"},
    "price": {"value": 90.0, "currency": "USD"},
    "images": [{"url": "https://images.footlocker.com/pi/53558130/zoom/53558130.jpeg", "format": "zoom"}],
    "inventory": {"inventoryAvailable": True},
    "updatedAt": "2024-05-01T10:00:00-04:00",
    "sizes": [
        {
            "size": "9.0",
            "code": "22403185",
            "inventory": {"inventoryAvailable": True},
            "price": {"value": 90.0},
        },
        {"size": "10.0", "productNumber": "22403186", "inventory": {"inventoryAvailable": False}},
    ],
}


def legacy(sku: str) -> Product:
    product, changed_at = decode_legacy(raw(FOOTSITES_LEGACY), sku, STORE)
    assert changed_at is None
    return product


class TestLegacyPdp:
    def test_watched_style_has_sizes_07_5_and_09_0_in_stock(self):
        product = legacy("53558130")
        assert [(v.size, v.available) for v in product.variants] == [("07.5", True), ("09.0", True)]
        assert [v.id for v in product.variants] == ["22402026", "22403185"]
        assert {v.price for v in product.variants} == {9000}

    def test_sibling_style_has_nothing_in_stock(self):
        product = legacy("53558301")
        assert [v.size for v in product.variants] == ["07.5", "09.0"]
        assert product.available_variants == ()

    def test_identity_title_and_url(self):
        product = legacy("53558130")
        assert (product.id, product.handle) == ("53558130", "53558130")
        assert product.title == "Jordan AJ 1 Low - Men's (White/White/White)"
        assert product.vendor == "Jordan"
        assert product.url == f"{STORE}/product/~/53558130.html"
        assert product.image == "https://images.footlocker.com/pi/53558611/zoom/53558611.jpeg"

    def test_sku_missing_from_the_product_is_malformed(self):
        with pytest.raises(StoreUnavailable, match="not a style"):
            decode_legacy(raw(FOOTSITES_LEGACY), "99999999", STORE)

    def test_new_product_event_offers_the_in_stock_sizes(self):
        product = legacy("53558130")
        (event,) = diff(Snapshot(), Snapshot(products={product.id: product}))
        assert event.kind is EventKind.NEW_PRODUCT
        assert [v.size for v in event.relevant_variants()] == ["07.5", "09.0"]

    def test_sold_out_sibling_yields_a_new_product_with_nothing_to_buy(self):
        product = legacy("53558301")
        (event,) = diff(Snapshot(), Snapshot(products={product.id: product}))
        assert event.kind is EventKind.NEW_PRODUCT
        assert event.relevant_variants() == ()

    def test_restock_from_all_sold_out(self):
        product = legacy("53558130")
        sold_out = replace(product, variants=tuple(replace(v, available=False) for v in product.variants))
        (event,) = diff(Snapshot(products={product.id: sold_out}), Snapshot(products={product.id: product}))
        assert event.kind is EventKind.RESTOCK
        assert [v.size for v in event.variants] == ["07.5", "09.0"]


class TestProductCore:
    def test_sizes_availability_and_prices(self):
        product, changed_at = decode_core(dumps(CORE), "53558130", STORE)
        assert [(v.id, v.size, v.available, v.price) for v in product.variants] == [
            ("22403185", "9.0", True, 9000),
            ("22403186", "10.0", False, 9000),  # no size price: the style price
        ]
        assert product.title == "Jordan AJ 1 Low - Men's (White/White/White)"
        assert product.image == "https://images.footlocker.com/pi/53558130/zoom/53558130.jpeg"
        assert product.url == f"{STORE}/product/~/53558130.html"
        assert changed_at == datetime(2024, 5, 1, 14, 0, tzinfo=UTC)

    def test_answer_for_another_sku_is_malformed(self):
        with pytest.raises(StoreUnavailable, match="not 11111111"):
            decode_core(dumps(CORE), "11111111", STORE)

    def test_size_without_any_price_is_malformed(self):
        doc = {**CORE, "price": None}
        with pytest.raises(StoreUnavailable, match="malformed"):
            decode_core(dumps(doc), "53558130", STORE)
