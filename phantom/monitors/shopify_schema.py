"""Shopify storefront JSON, as msgspec Structs declaring ONLY the fields Phantom reads.

Unknown fields are skipped by the decoder without building Python objects, which is what makes a
250-product `products.json` page cheap to decode. Decoders are created once (no I/O at import).
"""

from __future__ import annotations

import msgspec


class Image(msgspec.Struct):
    src: str | None = None


class Option(msgspec.Struct):
    name: str = ""


class Variant(msgspec.Struct):
    id: int
    available: bool
    price: str | int | float  # products.json: "145.00" (major units, as text)
    title: str = ""
    option1: str | None = None
    option2: str | None = None
    option3: str | None = None
    sku: str | None = None


class Product(msgspec.Struct):
    id: int
    title: str
    handle: str
    variants: list[Variant]
    vendor: str | None = None
    updated_at: str | None = None
    tags: list[str] | str = []  # a list; some old feeds send one comma-separated string
    images: list[Image] = []
    options: list[Option] = []


class RawProductsPage(msgspec.Struct):
    """`products.json` split into per-product raw JSON (syntax-checked, not decoded)."""

    products: list[msgspec.Raw]


class JsVariant(msgspec.Struct):
    id: int
    available: bool
    price: int  # `.js`: integer cents
    title: str = ""
    option1: str | None = None
    option2: str | None = None
    option3: str | None = None
    sku: str | None = None


class JsProduct(msgspec.Struct):
    """`/products/<handle>.js` (the AJAX API): prices in cents, images as URL strings."""

    id: int
    title: str
    handle: str
    variants: list[JsVariant]
    vendor: str | None = None
    tags: list[str] | str = []  # a list; some old feeds send one comma-separated string
    featured_image: str | None = None
    images: list[str] = []
    options: list[Option | str] = []


RAW_PAGE_DECODER = msgspec.json.Decoder(RawProductsPage)
PRODUCT_DECODER = msgspec.json.Decoder(Product)
PRODUCT_JS_DECODER = msgspec.json.Decoder(JsProduct)
