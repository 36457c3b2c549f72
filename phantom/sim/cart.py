"""The cart: line items resolved against a shop's catalogue, and the AJAX cart behind the `cart` cookie."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

from phantom.sim.catalog import ShopProduct
from phantom.sim.errors import SimError
from phantom.sim.shopify import ShopStore, cents


def money(amount_cents: int) -> str:
    return f"{amount_cents // 100}.{amount_cents % 100:02d}"


@dataclass(frozen=True, slots=True)
class LineItem:
    variant_id: int
    product_title: str
    size: str
    price: str
    quantity: int
    properties: tuple[tuple[str, str], ...] = ()

    @property
    def title(self) -> str:
        return f"{self.product_title} - {self.size}"

    @property
    def line_cents(self) -> int:
        return cents(self.price) * self.quantity

    def ajax(self) -> dict[str, Any]:
        """The line as `/cart.js` shows it (integer cents, like Shopify's AJAX API)."""
        price = cents(self.price)
        return {
            "id": self.variant_id,
            "variant_id": self.variant_id,
            "key": f"{self.variant_id}:{zlib.crc32(repr(self.properties).encode()):08x}",
            "quantity": self.quantity,
            "title": self.title,
            "product_title": self.product_title,
            "variant_title": self.size,
            "price": price,
            "line_price": price * self.quantity,
            "properties": dict(self.properties),
        }


class CartError(SimError):
    """A line the cart refuses: unknown variant (404) or sold out (422)."""


def find_variant(store: ShopStore, variant_id: int) -> tuple[ShopProduct, int] | None:
    for p in store.products:
        if variant_id in p.variant_ids:
            return p, p.variant_ids.index(variant_id)
    return None


def resolve_line(
    store: ShopStore, variant_id: int, quantity: int, properties: dict[str, str] | None = None
) -> LineItem:
    """A line for `variant_id`; CartError when the store has no such variant or it is sold out."""
    found = find_variant(store, variant_id)
    if found is None:
        raise CartError(404, f"Cannot find variant {variant_id}.")
    p, i = found
    if not p.available[i]:
        raise CartError(422, f"The product '{p.title} - {p.sizes[i]}' is already sold out.")
    props = tuple(sorted((properties or {}).items()))
    return LineItem(variant_id, p.title, p.sizes[i], p.price, max(quantity, 1), props)


def merge_lines(lines: list[LineItem], new: LineItem) -> list[LineItem]:
    """Add `new`, summing quantities with a line of the same variant and properties."""
    for i, old in enumerate(lines):
        if (old.variant_id, old.properties) == (new.variant_id, new.properties):
            lines[i] = LineItem(
                old.variant_id,
                old.product_title,
                old.size,
                old.price,
                old.quantity + new.quantity,
                old.properties,
            )
            return lines
    lines.append(new)
    return lines


def unavailable(store: ShopStore, lines: list[LineItem]) -> list[LineItem]:
    """Lines whose variant is gone or sold out now."""
    out = []
    for line in lines:
        found = find_variant(store, line.variant_id)
        if found is None or not found[0].available[found[1]]:
            out.append(line)
    return out


@dataclass(slots=True)
class Cart:
    """The AJAX cart behind the `cart` cookie."""

    token: str
    items: list[LineItem] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    note: str = ""

    def ajax(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "items": [line.ajax() for line in self.items],
            "item_count": sum(line.quantity for line in self.items),
            "total_price": sum(line.line_cents for line in self.items),
            "attributes": dict(self.attributes),
            "note": self.note,
            "currency": "USD",
        }
