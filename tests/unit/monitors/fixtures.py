"""Recorded store responses (tests/fixtures/<site>/) and helpers to derive variants of them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import orjson

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ATMOS_AF1 = "shopify/shopify_products_atmosusa_af1_instock.json"
KITH_WALLABEE = "shopify/shopify_products_kith-cdn_wallabee_mixed.json"
PRODUCT_JS = "shopify/shopify_product_js_ajax_example.json"
FOOTSITES_LEGACY = "footsites/footsites_pdp_legacy_TRIMMED_excerpt.json"


def raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def loaded(name: str) -> Any:
    return orjson.loads(raw(name))


def big_page(count: int = 250) -> list[dict[str, Any]]:
    """`count` products made by repeating the Shopify fixture products with distinct product/variant ids."""
    base = loaded(ATMOS_AF1)["products"] + loaded(KITH_WALLABEE)["products"]
    products = []
    for i in range(count):
        product = copy.deepcopy(base[i % len(base)])
        product["id"] = 10**12 + i
        product["handle"] = f"{product['handle']}-{i}"
        for j, variant in enumerate(product["variants"]):
            variant["id"] = 10**13 + i * 100 + j
        products.append(product)
    return products


def dumps(value: Any) -> bytes:
    """JSON bytes; stdlib json, because tests need integers beyond 64 bits."""
    return json.dumps(value).encode()


def page_bytes(products: list[dict[str, Any]]) -> bytes:
    return dumps({"products": products})
