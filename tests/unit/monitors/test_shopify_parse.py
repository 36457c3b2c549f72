from dataclasses import replace
from datetime import UTC, datetime

import orjson
import pytest

from phantom.domain.diff import diff
from phantom.domain.events import EventKind
from phantom.domain.models import Product, Snapshot
from phantom.monitors.shopify_parse import decode_product_js, decode_products_page
from tests.unit.monitors.fixtures import (
    ATMOS_AF1,
    KITH_WALLABEE,
    PRODUCT_JS,
    big_page,
    loaded,
    page_bytes,
    raw,
)


def only_product(name: str) -> Product:
    parsed = decode_products_page(raw(name))
    assert len(parsed.products) == 1
    return parsed.products[0]


def all_unavailable(product: Product) -> Product:
    return replace(product, variants=tuple(replace(v, available=False) for v in product.variants))


class TestProductsJsonFixtures:
    def test_atmos_af1_has_13_sizes_all_available_at_145_dollars(self):
        product = only_product(ATMOS_AF1)
        assert product.id == "7154838700084"
        assert product.handle == "air-force-1-07-premium-black"
        assert product.vendor == "NIKE"
        assert len(product.variants) == 13
        assert all(v.available for v in product.variants)
        assert {v.price for v in product.variants} == {14500}
        assert [v.size for v in product.variants][:3] == ["7", "7.5", "8"]
        assert product.variants[0].id == "41317800640564"
        assert product.variants[0].sku == "30233055"
        assert product.image is not None
        assert product.image.startswith("https://cdn.shopify.com/")
        assert product.style_code == "FQ8822-084"

    def test_kith_wallabee_has_only_12_and_13_available(self):
        product = only_product(KITH_WALLABEE)
        assert len(product.variants) == 17
        assert [v.size for v in product.available_variants] == ["12", "13"]
        assert {v.price for v in product.variants} == {13500}

    def test_changed_at_is_the_newest_updated_at(self):
        parsed = decode_products_page(raw(ATMOS_AF1))
        assert parsed.changed_at == datetime(2023, 10, 30, 14, 33, 42, tzinfo=UTC)

    @pytest.mark.parametrize(("fixture", "in_stock"), [(ATMOS_AF1, 13), (KITH_WALLABEE, 2)])
    def test_new_product_event_carries_exactly_the_in_stock_sizes(self, fixture, in_stock):
        product = only_product(fixture)
        events = diff(Snapshot(), Snapshot(products={product.id: product}))
        assert [e.kind for e in events] == [EventKind.NEW_PRODUCT]
        offered = [v.size for v in events[0].relevant_variants()]
        assert offered == [v.size for v in product.variants if v.available]
        assert len(offered) == in_stock

    @pytest.mark.parametrize("fixture", [ATMOS_AF1, KITH_WALLABEE])
    def test_restock_event_from_an_all_sold_out_previous_snapshot(self, fixture):
        product = only_product(fixture)
        previous = Snapshot(products={product.id: all_unavailable(product)})
        events = diff(previous, Snapshot(products={product.id: product}))
        assert [e.kind for e in events] == [EventKind.RESTOCK]
        assert events[0].variants == product.available_variants


class TestProductJs:
    def test_ajax_product_maps_to_cents_and_full_variant_title(self):
        product = decode_product_js(raw(PRODUCT_JS))
        assert product.id == "8348648734994"
        assert product.handle == "sandy-ss-12996"
        (variant,) = product.variants
        assert variant.size == "White / Solid"  # no option named like "size": the title keeps every option
        assert variant.price == 8900
        assert variant.available is True
        assert variant.id == "45309705126162"
        assert (
            product.image
            == "https://cdn.shopify.com/s/files/1/0766/9445/4546/products/0878499013.jpg?v=1685763586"
        )

    def test_size_option_wins_over_the_title(self):
        doc = loaded(PRODUCT_JS)
        doc["options"] = [{"name": "Color", "position": 1}, {"name": "Shoe Size", "position": 2}]
        doc["variants"][0].update(option1="Black", option2="9.5", title="Black / 9.5")
        assert decode_product_js(orjson.dumps(doc)).variants[0].size == "9.5"


class TestMapping:
    def test_size_comes_from_the_option_named_size(self):
        products = big_page(1)
        products[0]["options"] = [{"name": "Colour"}, {"name": "SIZE"}]
        products[0]["variants"][0].update(option1="Black", option2="10", title="Black / 10")
        assert decode_products_page(page_bytes(products)).products[0].variants[0].size == "10"

    @pytest.mark.parametrize(
        ("price", "cents"), [("145.00", 14500), ("99.9", 9990), ("5", 500), (12, 1200), (89.99, 8999)]
    )
    def test_prices_become_cents(self, price, cents):
        products = big_page(1)
        products[0]["variants"][0]["price"] = price
        assert decode_products_page(page_bytes(products)).products[0].variants[0].price == cents

    def test_comma_separated_tags_string_is_accepted(self):
        products = big_page(1)
        products[0]["tags"] = "nike, FQ8822-084, shoe"
        assert decode_products_page(page_bytes(products)).products[0].style_code == "FQ8822-084"

    def test_known_products_are_reused_and_only_changed_ones_decoded(self):
        products = big_page(40)
        first = decode_products_page(page_bytes(products))
        assert first.decoded == 40
        products[5]["variants"][0]["available"] = not products[5]["variants"][0]["available"]
        second = decode_products_page(
            page_bytes(products), dict(zip(first.keys, first.products, strict=True))
        )
        assert second.decoded == 1
        assert second.products[4] is first.products[4]
        assert second.products[5] != first.products[5]
        assert second.products[5].variants[0].available is not first.products[5].variants[0].available

    def test_duplicate_products_within_a_page_are_kept_in_page_order(self):
        products = big_page(2)
        parsed = decode_products_page(page_bytes([products[0], products[1], products[0]]))
        assert [p.id for p in parsed.products] == [str(10**12), str(10**12 + 1), str(10**12)]
