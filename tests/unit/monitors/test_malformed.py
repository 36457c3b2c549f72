"""Whatever a store sends, the decoders raise StoreUnavailable — never another exception."""

import contextlib
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom.domain.errors import StoreUnavailable
from phantom.monitors.footsites import decode_core, decode_legacy
from phantom.monitors.shopify_parse import decode_product_js, decode_products_page
from tests.unit.monitors.fixtures import FOOTSITES_LEGACY, PRODUCT_JS, big_page, dumps, loaded, page_bytes


def shopify_page(data: bytes) -> object:
    return decode_products_page(data)


def legacy(data: bytes) -> object:
    return decode_legacy(data, "53558130", "https://fl.example")


def core(data: bytes) -> object:
    return decode_core(data, "53558130", "https://fl.example")


DECODERS = [shopify_page, decode_product_js, legacy, core]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)


def decodes_or_unavailable(decoder: Callable[[bytes], object], data: bytes) -> None:
    with contextlib.suppress(StoreUnavailable):
        decoder(data)


@pytest.mark.parametrize("decoder", DECODERS)
@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=400))
def test_random_bytes(decoder, data):
    decodes_or_unavailable(decoder, data)


@pytest.mark.parametrize("decoder", DECODERS)
@settings(max_examples=150, deadline=None)
@given(value=json_values)
def test_random_json(decoder, value):
    decodes_or_unavailable(decoder, dumps(value))


PRODUCT_KEYS = ["id", "title", "handle", "variants", "vendor", "updated_at", "tags", "images", "options"]
VARIANT_KEYS = ["id", "available", "price", "title", "option1", "option2", "option3", "sku"]


@settings(max_examples=200, deadline=None)
@given(key=st.sampled_from(PRODUCT_KEYS), value=json_values)
def test_shopify_product_field_replaced_by_anything(key, value):
    products = big_page(2)
    products[1][key] = value
    decodes_or_unavailable(decode_products_page, page_bytes(products))


@settings(max_examples=200, deadline=None)
@given(key=st.sampled_from(VARIANT_KEYS), value=json_values)
def test_shopify_variant_field_replaced_by_anything(key, value):
    products = big_page(1)
    products[0]["variants"][3][key] = value
    decodes_or_unavailable(decode_products_page, page_bytes(products))


@settings(max_examples=200, deadline=None)
@given(
    path=st.sampled_from(["name", "sellableUnits", "variantAttributes", "images", "brand"]), value=json_values
)
def test_footsites_legacy_field_replaced_by_anything(path, value):
    doc = loaded(FOOTSITES_LEGACY)
    doc[path] = value
    decodes_or_unavailable(legacy, dumps(doc))


@pytest.mark.parametrize(
    ("decoder", "data"),
    [
        (shopify_page, b""),
        (shopify_page, b"<html>Nope</html>"),
        (shopify_page, b'{"products": null}'),
        (shopify_page, b'{"products": [{"id": 1}]}'),
        (shopify_page, b'{"products":[{"id":7000000000001,"title":"Nike Dunk Low" "variants":[}]]<html>'),
        (shopify_page, b'{"products":"unavailable","errors":{"shop":["is temporarily unavailable"]}}'),
        (
            decode_product_js,
            b'{"id": 1, "title": "x", "handle": "x", "variants": [{"id": 2, "available": true}]}',
        ),
        (legacy, b'{"sellableUnits":"none","variantAttributes":{"code":null},"sizes":"n/a","price":"free"}'),
        (core, b'{"sellableUnits":"none","variantAttributes":{"code":null},"sizes":"n/a","price":"free"}'),
    ],
)
def test_known_garbage_is_unavailable(decoder, data):
    with pytest.raises(StoreUnavailable, match="malformed"):
        decoder(data)


@pytest.mark.parametrize(
    "price",
    ["1e400", "-5.00", "NaN", "Infinity", "12,50", "9" * 5000, "1e999999999", "", "²", 1e300, -1, True],
)
def test_absurd_prices_are_malformed_not_crashes(price):
    products = big_page(1)
    products[0]["variants"][0]["price"] = price
    with pytest.raises(StoreUnavailable, match=r"malformed products\.json"):
        decode_products_page(page_bytes(products))


def test_huge_ids_and_nulls_do_not_escape():
    products = big_page(1)
    products[0]["id"] = 10**40
    products[0]["vendor"] = None
    products[0]["images"] = []
    products[0]["variants"][0]["sku"] = None
    parsed = decode_products_page(page_bytes(products))
    assert parsed.products[0].id == str(10**40)
    assert parsed.products[0].image is None


def test_product_js_prices_must_be_sane_cents():
    doc = loaded(PRODUCT_JS)
    doc["variants"][0]["price"] = 10**20
    with pytest.raises(StoreUnavailable, match=r"malformed product\.js"):
        decode_product_js(dumps(doc))
