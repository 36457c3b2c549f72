"""Shopify JSON bytes -> domain Products. Pure: no I/O; raises only StoreUnavailable.

A changed `products.json` page usually differs from the last one in a product or two. The page is first
split into raw per-product JSON (cheap: msgspec only checks the syntax), each product is fingerprinted,
and only products whose bytes are new are decoded and mapped; the rest are reused from `known`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import msgspec

from phantom.domain.errors import StoreUnavailable
from phantom.domain.models import Product, Variant
from phantom.monitors import shopify_schema as schema
from phantom.monitors.common import (
    cents_from_number,
    cents_from_text,
    check_cents,
    newest,
    parse_timestamp,
    short_error,
)

_ERRORS = (msgspec.MsgspecError, ValueError, TypeError, OverflowError)
_STYLE_CODE = re.compile(r"[A-Z0-9]{6}-[0-9]{3}")  # Nike / Jordan style codes: FQ8822-084
_SIZE_WORDS = (
    "size",
    "talla",
    "taille",
    "größe",
    "grösse",
    "groesse",
    "taglia",
    "maat",
    "tamanho",
    "storlek",
)
_OptionLike = schema.Option | str


@dataclass(frozen=True, slots=True)
class ParsedPage:
    products: tuple[Product, ...]  # page order, duplicates included
    keys: tuple[int, ...]  # fingerprint of each product's raw JSON, aligned with `products`
    changed_at: datetime | None  # newest `updated_at` among the products decoded this time
    decoded: int  # products decoded (the others were reused)


def fingerprint(raw: bytes) -> int:
    """Per-process fingerprint of one product's JSON (64-bit SipHash; the key of reuse across polls)."""
    return hash(raw)


def decode_products_page(data: bytes, known: Mapping[int, Product] | None = None) -> ParsedPage:
    """A `products.json` page -> its products. `known` maps fingerprints of earlier polls to their Product.

    Raises StoreUnavailable("malformed products.json: ...") for anything else, never another exception.
    """
    try:
        raw_page = schema.RAW_PAGE_DECODER.decode(data)
        prices: dict[str, int] = {}  # variants usually share a handful of price texts
        products: list[Product] = []
        keys: list[int] = []
        changed_at: datetime | None = None
        decoded = 0
        for raw in raw_page.products:
            blob = bytes(raw)
            key = fingerprint(blob)
            product = known.get(key) if known else None
            if product is None:
                struct = schema.PRODUCT_DECODER.decode(blob)
                product = map_product(struct, prices)
                changed_at = newest(changed_at, parse_timestamp(struct.updated_at))
                decoded += 1
            products.append(product)
            keys.append(key)
    except _ERRORS as exc:
        raise StoreUnavailable(f"malformed products.json: {short_error(exc)}") from None
    return ParsedPage(tuple(products), tuple(keys), changed_at, decoded)


def map_product(p: schema.Product, prices: dict[str, int]) -> Product:
    """One decoded product -> domain Product (the hot loop of a cold decode: kept flat on purpose)."""
    size_at = _size_index(p.options)
    variants: list[Variant] = []
    append = variants.append
    for v in p.variants:
        if size_at is None:
            size = v.title or v.option1 or ""
        else:
            value = v.option1 if size_at == 0 else v.option2 if size_at == 1 else v.option3
            size = value or v.title or v.option1 or ""
        price = v.price
        cents = prices.get(price) if isinstance(price, str) else None
        if cents is None:
            cents = _price(price, prices)
        append(Variant(str(v.id), size, cents, v.available, v.sku or None))
    return Product(
        id=str(p.id),
        handle=p.handle,
        title=p.title,
        variants=tuple(variants),
        vendor=p.vendor or "",
        image=_absolute_image(p.images[0].src) if p.images else None,
        style_code=_style_code(p.tags),
    )


def decode_product_js(data: bytes) -> Product:
    """`/products/<handle>.js` -> Product (prices are already cents there)."""
    try:
        p = schema.PRODUCT_JS_DECODER.decode(data)
        size_at = _size_index(p.options)
        variants = tuple(
            Variant(
                str(v.id),
                _size(v.option1, v.option2, v.option3, v.title, size_at),
                check_cents(v.price),
                v.available,
                v.sku or None,
            )
            for v in p.variants
        )
        image = p.featured_image or (p.images[0] if p.images else None)
        return Product(
            id=str(p.id),
            handle=p.handle,
            title=p.title,
            variants=variants,
            vendor=p.vendor or "",
            image=_absolute_image(image),
            style_code=_style_code(p.tags),
        )
    except _ERRORS as exc:
        raise StoreUnavailable(f"malformed product.js: {short_error(exc)}") from None


def _price(value: str | int | float, memo: dict[str, int]) -> int:
    if isinstance(value, str):
        cents = memo.get(value)
        if cents is None:
            cents = memo[value] = cents_from_text(value)
        return cents
    return cents_from_number(value)


def _size_index(options: Sequence[_OptionLike]) -> int | None:
    """Which option (0..2) is the size: the first whose name says so (case-insensitive, a few languages)."""
    for i, option in enumerate(options[:3]):
        name = (option if isinstance(option, str) else option.name).lower()
        if any(word in name for word in _SIZE_WORDS):
            return i
    return None


def _size(o1: str | None, o2: str | None, o3: str | None, title: str, size_at: int | None) -> str:
    """The size option's value; without one, the variant title ("White / Solid" keeps every option)."""
    if size_at is not None:
        value = o1 if size_at == 0 else o2 if size_at == 1 else o3
        if value:
            return value
    return title or o1 or ""


def _style_code(tags: list[str] | str) -> str | None:
    """A manufacturer style code among the tags (cheap: tags are already decoded; no HTML scanning)."""
    items = [t.strip() for t in tags.split(",")] if isinstance(tags, str) else tags
    for tag in items:
        if len(tag) == 10 and tag[6] == "-" and _STYLE_CODE.fullmatch(tag):
            return tag
    return None


def _absolute_image(src: str | None) -> str | None:
    if not src:
        return None
    return "https:" + src if src.startswith("//") else src
