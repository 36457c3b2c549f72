"""Product queries: search the read model, one product's detail, and its price and stock history."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from phantom.domain.errors import ProductNotFound
from phantom.domain.filters import KeywordFilter
from phantom.domain.ports import UnitOfWorkFactory
from phantom.domain.products import (
    MAX_PRODUCT_PAGE,
    ProductCursor,
    ProductHistory,
    ProductRecord,
    ProductSearch,
    sell_out_seconds,
    title_prefilter,
)

# A search examines at most about this many rows per request (in windows of WINDOW), then hands back a
# cursor to go on from there.
MAX_SCANNED = 2_000
WINDOW = 1_000
MAX_POINTS = 2_000


@dataclass(frozen=True, slots=True)
class ProductQuery:
    """`q` uses the keyword-filter syntax of notification channels (`"+dunk -kids, jordan 1"`) on titles;
    `size` is any label (normalized before comparing) that must be in stock; `cursor` is a page's
    `next_cursor`."""

    q: str | None = None
    store_id: str | None = None
    style_code: str | None = None
    size: str | None = None
    available: bool | None = None
    cursor: str | None = None
    limit: int = 50


@dataclass(frozen=True, slots=True)
class ProductPage:
    items: list[ProductRecord]
    next_cursor: str | None  # None: nothing after this page


async def list_products(
    query: ProductQuery, *, uow_factory: UnitOfWorkFactory, max_scanned: int = MAX_SCANNED
) -> ProductPage:
    """Newest updated first. Raises InvalidProductQuery for a malformed cursor.

    Storage narrows the rows (store, style code, availability, size and the keywords' required words) and
    the keyword filter decides on what is left. A page can hold fewer than `limit` items and still have a
    `next_cursor`: one request examines at most about `max_scanned` rows, so it stays fast on any catalogue
    however little matches.
    """
    limit = max(1, min(query.limit, MAX_PRODUCT_PAGE))
    keywords = KeywordFilter.parse(query.q)
    search = ProductSearch(
        store_id=query.store_id,
        style_code=query.style_code or None,
        size=query.size or None,
        available=query.available,
        title_terms=title_prefilter(keywords),
        # Over-fetch when Python may still reject rows, so one round usually fills the page.
        limit=min(2 * limit, MAX_PRODUCT_PAGE) if keywords.groups else limit,
    )
    items: list[ProductRecord] = []
    position = ProductCursor.decode(query.cursor) if query.cursor else None
    scanned = 0
    async with uow_factory() as uow:
        while len(items) < limit and scanned < max_scanned:
            window = min(WINDOW, max_scanned - scanned)
            found = await uow.products.search(replace(search, after=position, window=window))
            scanned += window if search.checks_rows else len(found.items)
            position = found.next
            for record in found.items:
                if keywords.matches(record.title):
                    items.append(record)
                    if len(items) == limit:
                        position = ProductCursor.after(record)
                        break
            if position is None:
                break
    return ProductPage(items, position.encode() if position is not None else None)


async def get_product(store_id: str, product_id: str, *, uow_factory: UnitOfWorkFactory) -> ProductRecord:
    async with uow_factory() as uow:
        record = await uow.products.get(store_id, product_id)
    if record is None:
        raise ProductNotFound(f"no product {product_id} in store {store_id}")
    return record


async def product_history(
    store_id: str, product_id: str, *, since: datetime | None = None, uow_factory: UnitOfWorkFactory
) -> ProductHistory:
    """The product's points at or after `since` (the newest MAX_POINTS of them), oldest first, and how fast
    its latest drop sold out within them (see domain.products.sell_out_seconds)."""
    async with uow_factory() as uow:
        if await uow.products.get(store_id, product_id) is None:
            raise ProductNotFound(f"no product {product_id} in store {store_id}")
        points = await uow.products.history(store_id, product_id, since=since, limit=MAX_POINTS)
    return ProductHistory(tuple(points), sell_out_seconds(points))
