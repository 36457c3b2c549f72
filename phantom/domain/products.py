"""The product read model: every product Phantom has seen, as it is now, and its price and stock over time.

Kept current by the monitoring use case in the same transaction as the events (a baseline writes every
product, a change only the products its events touch). Pure: times are passed in, nothing is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from phantom.domain.errors import InvalidProductQuery
from phantom.domain.events import EventKind, ProductEvent
from phantom.domain.filters import KeywordFilter
from phantom.domain.models import Product, Variant, normalize_size

BASELINE = "baseline"  # the kind of a point written by a store's first snapshot

# When several events touch one product in one snapshot, its single point is labelled by the first of
# these kinds among them (a restock that also changed the price is a restock on the chart).
_POINT_KIND_ORDER = (
    EventKind.NEW_PRODUCT,
    EventKind.RESTOCK,
    EventKind.SOLD_OUT,
    EventKind.NEW_VARIANT,
    EventKind.PRICE_CHANGE,
)
# Points that put a product (back) in stock: where a sell-out spell starts.
_STOCKING_KINDS = frozenset(
    {EventKind.NEW_PRODUCT.value, EventKind.RESTOCK.value, EventKind.NEW_VARIANT.value}
)


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """One product of one store as last seen. `price` is the lowest variant price (minor units);
    `sizes_in_stock` the in-stock size labels as the store writes them, in the store's order."""

    store_id: str
    product_id: str
    handle: str
    title: str
    vendor: str
    style_code: str | None
    image: str | None
    url: str
    price: int | None
    available: bool
    sizes_in_stock: tuple[str, ...]
    variants: tuple[Variant, ...]
    first_seen_at: datetime
    updated_at: datetime

    @property
    def in_stock_count(self) -> int:
        return len(self.sizes_in_stock)


@dataclass(frozen=True, slots=True)
class ProductPoint:
    """The product's price and in-stock sizes at one moment; `kind` is the event kind that caused the
    point (see _POINT_KIND_ORDER) or "baseline"."""

    store_id: str
    product_id: str
    at: datetime
    price: int | None
    sizes_in_stock: tuple[str, ...]
    in_stock_count: int
    kind: str


@dataclass(frozen=True, slots=True)
class ProductHistory:
    points: tuple[ProductPoint, ...]  # oldest first
    sell_out_seconds: float | None


def product_url(store_url: str, product: Product) -> str:
    """Absolute product page: the platform's own URL when it gives one (Footsites), else Shopify's."""
    return product.url or f"{store_url}/products/{product.handle}"


def record_of(store_id: str, store_url: str, product: Product, at: datetime) -> ProductRecord:
    """The read-model row of `product` seen at `at`. `first_seen_at` is `at`: storage keeps the first one."""
    return ProductRecord(
        store_id=store_id,
        product_id=product.id,
        handle=product.handle,
        title=product.title,
        vendor=product.vendor,
        style_code=product.style_code,
        image=product.image,
        url=product_url(store_url, product),
        price=product.price,
        available=product.available,
        sizes_in_stock=tuple(v.size for v in product.variants if v.available),
        variants=product.variants,
        first_seen_at=at,
        updated_at=at,
    )


def removed(product: Product) -> Product:
    """A product that left the catalogue: kept, with every variant sold out."""
    variants = tuple(
        Variant(id=v.id, size=v.size, price=v.price, available=False, sku=v.sku) for v in product.variants
    )
    return Product(
        id=product.id,
        handle=product.handle,
        title=product.title,
        variants=variants,
        vendor=product.vendor,
        image=product.image,
        url=product.url,
        style_code=product.style_code,
    )


def point_of(record: ProductRecord, kind: str) -> ProductPoint:
    return ProductPoint(
        store_id=record.store_id,
        product_id=record.product_id,
        at=record.updated_at,
        price=record.price,
        sizes_in_stock=record.sizes_in_stock,
        in_stock_count=record.in_stock_count,
        kind=kind,
    )


def baseline_changes(
    store_id: str, store_url: str, products: Iterable[Product], at: datetime
) -> tuple[list[ProductRecord], list[ProductPoint]]:
    """Every product of a store's first snapshot, with one "baseline" point each."""
    records = [record_of(store_id, store_url, p, at) for p in products]
    return records, [point_of(r, BASELINE) for r in records]


def event_changes(
    store_id: str, store_url: str, events: Iterable[ProductEvent], current: dict[str, Product], at: datetime
) -> tuple[list[ProductRecord], list[ProductPoint]]:
    """The products `events` touch, as they are in `current` (removed ones: sold out), one point each.

    Store-level events (password page) touch no product. Invariant: one record and one point per product,
    however many of its events the snapshot produced.
    """
    kinds: dict[str, set[EventKind]] = {}
    latest: dict[str, Product] = {}
    for event in events:
        product = event.product
        if product is None:
            continue
        kinds.setdefault(product.id, set()).add(event.kind)
        now = current.get(product.id)
        latest[product.id] = now if now is not None else removed(product)
    records: list[ProductRecord] = []
    points: list[ProductPoint] = []
    for pid, product in latest.items():
        record = record_of(store_id, store_url, product, at)
        kind = next(k for k in _POINT_KIND_ORDER if k in kinds[pid])
        records.append(record)
        points.append(point_of(record, kind.value))
    return records, points


def sell_out_seconds(points: Sequence[ProductPoint]) -> float | None:
    """How fast the product's latest drop sold out, in seconds; None when it has not (yet) sold out.

    A spell starts at a point that put the product in stock from nothing (a new product, a restock or a
    new variant after a point with no size in stock, or as the first point) and ends at the next point with
    no size in stock. A product in stock since the baseline never started a spell Phantom saw, so it has
    no figure. The most recent completed spell counts. `points` must be oldest first.
    """
    start: datetime | None = None
    result: float | None = None
    in_stock = False
    for point in points:
        if point.in_stock_count > 0:
            if not in_stock and point.kind in _STOCKING_KINDS:
                start = point.at
            in_stock = True
        else:
            if in_stock and start is not None:
                result = (point.at - start).total_seconds()
            start = None
            in_stock = False
    return result


# ---- search ----------------------------------------------------------------------------------------

MAX_PRODUCT_PAGE = 200


@dataclass(frozen=True, slots=True)
class ProductCursor:
    """Position in the newest-updated-first order: the last item of the previous page."""

    updated_at: datetime
    store_id: str
    product_id: str

    def encode(self) -> str:
        return f"{self.updated_at.isoformat()}|{self.store_id}|{self.product_id}"

    @classmethod
    def decode(cls, text: str) -> ProductCursor:
        """Raises InvalidProductQuery for anything `encode` did not produce."""
        parts = text.split("|", 2)
        if len(parts) != 3 or not parts[1] or not parts[2]:
            raise InvalidProductQuery("cursor: not a product cursor")
        try:
            at = datetime.fromisoformat(parts[0])
        except ValueError:
            raise InvalidProductQuery("cursor: not a product cursor") from None
        if at.tzinfo is None or at.utcoffset() is None:
            raise InvalidProductQuery("cursor: not a product cursor")
        return cls(at, parts[1], parts[2])

    @classmethod
    def after(cls, record: ProductRecord) -> ProductCursor:
        return cls(record.updated_at, record.store_id, record.product_id)


@dataclass(frozen=True, slots=True)
class ProductSearch:
    """What the product repository filters in storage, newest updated first, strictly after `after`.

    `title_terms` is a necessary condition for a keyword match (see `title_prefilter`): OR over groups,
    AND within a group of lower-case substrings; empty = no title condition. Store, style code and
    availability select the rows a search walks through (indexed); size and title terms are checked on
    them. `window` bounds that walk: at most that many rows are examined, whatever matches, so a search
    that matches little costs the same as one that matches a lot.
    """

    store_id: str | None = None
    style_code: str | None = None  # compared case-insensitively
    size: str | None = None  # normalized; in stock
    available: bool | None = None
    title_terms: tuple[tuple[str, ...], ...] = ()
    after: ProductCursor | None = None
    limit: int = 50
    window: int = 1_000

    @property
    def checks_rows(self) -> bool:
        """True when some filter is checked row by row (the walk may examine more rows than it returns)."""
        return self.size is not None or bool(self.title_terms)


@dataclass(frozen=True, slots=True)
class ProductSlice:
    """A search's matches (at most `limit`, without their variants: a list shows sizes in stock) and where
    to go on from: the last match when `limit` were found, else the last row the walk examined; None when
    the walk reached the end."""

    items: list[ProductRecord]
    next: ProductCursor | None


def title_prefilter(keywords: KeywordFilter) -> tuple[tuple[str, ...], ...]:
    """Substrings a title must contain to possibly match `keywords`: for each group, the words of its
    required terms (each word of a matching title's word list is a substring of the lower-cased title).

    Empty when nothing can be required: no groups, or a group with only excluded terms (which matches
    titles without any of the words). Storage filters with these, then `keywords.matches` decides.
    """
    groups: list[tuple[str, ...]] = []
    for group in keywords.groups:
        words = tuple(dict.fromkeys(w for term in group.required for w in term.split()))
        if not words:
            return ()
        groups.append(words)
    return tuple(groups)


def size_key(size: str) -> str:
    """The normalized size a search compares (so "US 9", "09.0" and "9" find the same product)."""
    return normalize_size(size)


def style_key(style_code: str) -> str:
    return style_code.strip().lower()
