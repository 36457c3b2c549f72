"""Footsites (Foot Locker family) product JSON, as msgspec Structs declaring only the fields Phantom reads.

Two shapes: the legacy PDP (`/api/products/pdp/<sku>`: the whole product model, every style of it) and
product-core (`/zgw/product-core/v1/pdp/sku/<sku>`: one style). The store's field names are camelCase (`rename="camel"`). Decoders are created once (no I/O).
"""

from __future__ import annotations

import msgspec


class Price(msgspec.Struct):
    value: float


class Attribute(msgspec.Struct):
    type: str
    id: str | None = None
    value: str | None = None


class SellableUnit(msgspec.Struct, rename="camel"):
    code: str
    attributes: list[Attribute]
    stock_level_status: str | None = None
    price: Price | None = None


class VariantAttribute(msgspec.Struct):
    code: str
    sku: str
    price: Price | None = None


class ImageVariation(msgspec.Struct):
    url: str | None = None
    format: str | None = None


class LegacyImage(msgspec.Struct):
    code: str | None = None
    variations: list[ImageVariation] = []


class LegacyPdp(msgspec.Struct, rename="camel"):
    name: str
    sellable_units: list[SellableUnit]
    variant_attributes: list[VariantAttribute]
    brand: str | None = None
    images: list[LegacyImage] = []


class Inventory(msgspec.Struct, rename="camel"):
    inventory_available: bool = False


class CoreSize(msgspec.Struct, rename="camel"):
    size: str
    code: str | None = None
    product_number: str | None = None
    inventory: Inventory | None = None
    price: Price | None = None


class CoreStyle(msgspec.Struct):
    color: str | None = None


class CoreImage(msgspec.Struct):
    url: str | None = None


class ProductCore(msgspec.Struct, rename="camel"):
    sku: str
    name: str
    sizes: list[CoreSize]
    brand: str | None = None
    style: CoreStyle | None = None
    price: Price | None = None
    images: list[CoreImage] = []
    updated_at: str | None = None


LEGACY_DECODER = msgspec.json.Decoder(LegacyPdp)
CORE_DECODER = msgspec.json.Decoder(ProductCore)
