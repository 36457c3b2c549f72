"""Catalogue value objects: what a store sells, as Phantom sees it at one moment."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Platform(StrEnum):
    SHOPIFY = "shopify"
    FOOTSITES = "footsites"


@dataclass(frozen=True, slots=True)
class Variant:
    """One buyable unit, usually a size. Prices are in minor units (cents)."""

    id: str
    size: str
    price: int
    available: bool
    sku: str | None = None


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    handle: str
    title: str
    variants: tuple[Variant, ...]
    vendor: str = ""
    image: str | None = None
    # Absolute product page URL when the platform does not derive it from the handle (Footsites).
    url: str | None = None
    style_code: str | None = None

    @property
    def price(self) -> int | None:
        """The lowest variant price: what a storefront shows as 'from'."""
        return min((v.price for v in self.variants), default=None)

    @property
    def available_variants(self) -> tuple[Variant, ...]:
        return tuple(v for v in self.variants if v.available)

    @property
    def available(self) -> bool:
        return any(v.available for v in self.variants)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything a store showed on one successful poll.

    `version` counts the snapshots that produced events; together with the store id it makes event
    dedup keys stable across restarts. A locked (password page) snapshot carries the last known products
    forward so that reopening the store announces only what changed while it was locked.
    """

    products: dict[str, Product] = field(default_factory=dict)
    password_locked: bool = False
    version: int = 0

    def with_products(self, products: dict[str, Product]) -> Snapshot:
        return Snapshot(products=products, password_locked=self.password_locked, version=self.version)


def normalize_size(size: str) -> str:
    """Canonical size label so "09.0", "US 9" and "9" compare equal."""
    s = size.strip().lower()
    for prefix in ("us ", "us", "size "):
        if s.startswith(prefix) and len(s) > len(prefix):
            s = s[len(prefix) :].strip()
            break
    if s.replace(".", "", 1).isdigit():
        whole, _, frac = s.partition(".")
        whole = whole.lstrip("0") or "0"
        frac = frac.rstrip("0")
        return f"{whole}.{frac}" if frac else whole
    return s
