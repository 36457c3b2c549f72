"""Product events: what changed between two snapshots, and the envelope they are stored in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from phantom.domain.models import Product, Variant


class EventKind(StrEnum):
    NEW_PRODUCT = "new_product"
    NEW_VARIANT = "new_variant"
    RESTOCK = "restock"
    SOLD_OUT = "sold_out"
    PRICE_CHANGE = "price_change"
    PASSWORD_UP = "password_up"
    PASSWORD_DOWN = "password_down"
    # What a checkout task did (phantom.domain.tasks): written to the same log, routed and delivered the
    # same way, so a result reaches Discord, the desktop and the dashboard like a drop does.
    CHECKOUT_LINK = "checkout_link"  # assist: the prefilled checkout is ready for the person
    CHECKOUT_SUCCESS = "checkout_success"  # an order was placed (or test mode passed)
    CHECKOUT_FAILED = "checkout_failed"
    NEEDS_ACTION = "needs_action"  # a challenge, queue or unknown outcome: the person takes over


ALL_KINDS: frozenset[EventKind] = frozenset(EventKind)
CHECKOUT_KINDS: frozenset[EventKind] = frozenset(
    {EventKind.CHECKOUT_LINK, EventKind.CHECKOUT_SUCCESS, EventKind.CHECKOUT_FAILED, EventKind.NEEDS_ACTION}
)
STORE_CHANGE_KINDS: frozenset[EventKind] = ALL_KINDS - CHECKOUT_KINDS
# What a channel gets unless it says otherwise (and what the quick start `phantom serve --stores …
# --webhook …` sends): every store change but sold-outs. Checkout results are opt-in per channel: an assist
# link carries the profile's name, email and address, which must not land in a shared drop channel.
DEFAULT_ALERT_KINDS: frozenset[EventKind] = STORE_CHANGE_KINDS - {EventKind.SOLD_OUT}


@dataclass(frozen=True, slots=True)
class ProductEvent:
    """One change. `variants` are the variants the change is about:

    new_product / new_variant: the new variants (with their availability); restock: the variants that came
    back; sold_out: the variants that went (all previously available ones when `removed`); price_change:
    none (see old/new price). Store-level kinds (password_up/down) have no product. Checkout kinds: the
    carted variant, the `link` for the person (checkout page or product page), `detail` (why) and `task_id`.
    """

    kind: EventKind
    product: Product | None = None
    variants: tuple[Variant, ...] = ()
    old_price: int | None = None
    new_price: int | None = None
    removed: bool = False
    link: str | None = None
    detail: str | None = None
    task_id: str | None = None

    @property
    def product_id(self) -> str:
        return self.product.id if self.product else ""

    def relevant_variants(self) -> tuple[Variant, ...]:
        """Variants a size filter should look at: in-stock ones the event offers."""
        if (
            self.kind in (EventKind.NEW_PRODUCT, EventKind.NEW_VARIANT, EventKind.RESTOCK)
            or self.kind in CHECKOUT_KINDS
        ):
            return tuple(v for v in self.variants if v.available)
        if self.kind is EventKind.PRICE_CHANGE and self.product is not None:
            return self.product.available_variants
        return self.variants


def dedup_key(store_id: str, version: int, event: ProductEvent) -> str:
    """Stable identity of one change: the same store, snapshot version, kind and product never repeat."""
    return f"{store_id}:{version}:{event.kind.value}:{event.product_id}"


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """A ProductEvent as persisted and published: with its store, identity and timings."""

    id: str
    store_id: str
    store_name: str
    store_url: str
    dedup_key: str
    detected_at: datetime
    event: ProductEvent
    # When the store says the product changed (Shopify `updated_at`), if it says.
    changed_at: datetime | None = None

    @property
    def kind(self) -> EventKind:
        return self.event.kind

    def product_url(self) -> str | None:
        product = self.event.product
        if product is None:
            return None
        if product.url:
            return product.url
        return f"{self.store_url}/products/{product.handle}"

    def cart_url(self, variant: Variant, quantity: int = 1) -> str | None:
        """Shopify cart permalink; None for platforms that have no such link."""
        product = self.event.product
        if product is None or product.url:
            return None
        return f"{self.store_url}/cart/{variant.id}:{quantity}"
