"""SQL repository of the product read model (phantom.domain.products): bulk upserts, search, history.

Writes are one executemany each (INSERT … ON CONFLICT DO UPDATE for products), so keeping the read model
costs the monitoring transaction two statements however many products a snapshot touches.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Insert, Row, Select, Table, and_, insert, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from phantom.adapters.db.session import DbSession
from phantom.adapters.db.tables import TITLE_KEY_LENGTH, Base, ProductPointRow, ProductRow
from phantom.domain.models import Variant
from phantom.domain.products import (
    ProductCursor,
    ProductPoint,
    ProductRecord,
    ProductSearch,
    ProductSlice,
    size_key,
    style_key,
)

# Every product column an upsert replaces; `first_seen_at` is kept from the first insert.
_REPLACED = (
    "handle",
    "title",
    "vendor",
    "style_code",
    "style_key",
    "image",
    "url",
    "price",
    "available",
    "sizes_in_stock",
    "size_keys",
    "title_key",
    "variants",
    "updated_at",
)


def title_key(title: str) -> str:
    """Lower-cased and bounded, so it fits in an index on every backend (PostgreSQL caps a key at ~2.7 KB)."""
    return title.lower()[:TITLE_KEY_LENGTH]


def size_keys(sizes: Sequence[str]) -> str:
    """`("US 9", "9.5")` -> `"|9|9.5|"`: one LIKE '%|9|%' finds a size on SQLite and PostgreSQL alike."""
    return "|" + "".join(f"{size_key(s)}|" for s in sizes) if sizes else ""


def _product_values(r: ProductRecord) -> dict[str, Any]:
    return {
        "store_id": r.store_id,
        "product_id": r.product_id,
        "handle": r.handle,
        "title": r.title,
        "vendor": r.vendor,
        "style_code": r.style_code,
        "style_key": style_key(r.style_code) if r.style_code else None,
        "image": r.image,
        "url": r.url,
        "price": r.price,
        "available": r.available,
        "sizes_in_stock": list(r.sizes_in_stock),
        "size_keys": size_keys(r.sizes_in_stock),
        "title_key": title_key(r.title),
        "variants": [
            {"id": v.id, "size": v.size, "price": v.price, "available": v.available, "sku": v.sku}
            for v in r.variants
        ],
        "first_seen_at": r.first_seen_at,
        "updated_at": r.updated_at,
    }


def _record(row: ProductRow) -> ProductRecord:
    return ProductRecord(
        store_id=row.store_id,
        product_id=row.product_id,
        handle=row.handle,
        title=row.title,
        vendor=row.vendor,
        style_code=row.style_code,
        image=row.image,
        url=row.url,
        price=row.price,
        available=row.available,
        sizes_in_stock=tuple(row.sizes_in_stock),
        variants=tuple(
            Variant(id=v["id"], size=v["size"], price=v["price"], available=v["available"], sku=v.get("sku"))
            for v in row.variants
        ),
        first_seen_at=row.first_seen_at,
        updated_at=row.updated_at,
    )


def _point(row: ProductPointRow) -> ProductPoint:
    return ProductPoint(
        store_id=row.store_id,
        product_id=row.product_id,
        at=row.at,
        price=row.price,
        sizes_in_stock=tuple(row.sizes_in_stock),
        in_stock_count=row.in_stock_count,
        kind=row.kind,
    )


def _table(row: type[Base]) -> Table:
    # Core statements on the Table, not the mapped class: the ORM's bulk-insert path costs more per call.
    table = row.__table__
    assert isinstance(table, Table)
    return table


@functools.cache
def _upsert_statement(dialect: str) -> Insert:
    """Built once per dialect: building `set_` from `excluded` costs more than executing it for 5 rows."""
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_table(ProductRow))
    return stmt.on_conflict_do_update(
        index_elements=[ProductRow.store_id, ProductRow.product_id],
        set_={name: stmt.excluded[name] for name in _REPLACED},
    )


_ORDER = (ProductRow.updated_at.desc(), ProductRow.store_id.desc(), ProductRow.product_id.desc())


def _walk(query: ProductSearch) -> list[ColumnElement[bool]]:
    """The conditions that pick the rows a search walks through, in order: all served by an index."""
    conditions: list[ColumnElement[bool]] = []
    if query.store_id is not None:
        conditions.append(ProductRow.store_id == query.store_id)
    if query.style_code is not None:
        conditions.append(ProductRow.style_key == style_key(query.style_code))
    if query.available is not None:
        conditions.append(ProductRow.available == query.available)
    if (a := query.after) is not None:
        # The first condition alone bounds the index range; the row value settles ties on updated_at. A
        # plain tuple on the right takes the columns' types (UTCDateTime's binding included).
        conditions.append(ProductRow.updated_at <= a.updated_at)
        conditions.append(
            tuple_(ProductRow.updated_at, ProductRow.store_id, ProductRow.product_id)
            < (a.updated_at, a.store_id, a.product_id)
        )
    return conditions


def _row_checks(query: ProductSearch, title_key: ColumnElement[str]) -> list[ColumnElement[bool]]:
    """The conditions checked on each walked row: title terms first (on the index's `title_key`)."""
    checks: list[ColumnElement[bool]] = []
    if query.title_terms:
        groups = (and_(*(title_key.contains(w, autoescape=True) for w in g)) for g in query.title_terms)
        checks.append(or_(*groups))
    if query.size is not None:
        checks.append(ProductRow.size_keys.contains(f"|{size_key(query.size)}|", autoescape=True))
    return checks


# What a search returns: every column but the variants (and the search keys), read as plain rows.
_SUMMARY = tuple(
    c for c in _table(ProductRow).c if c.key not in ("variants", "style_key", "size_keys", "title_key")
)


def _summary(row: Row[Any]) -> ProductRecord:
    m = row._mapping
    return ProductRecord(
        store_id=m["store_id"],
        product_id=m["product_id"],
        handle=m["handle"],
        title=m["title"],
        vendor=m["vendor"],
        style_code=m["style_code"],
        image=m["image"],
        url=m["url"],
        price=m["price"],
        available=m["available"],
        sizes_in_stock=tuple(m["sizes_in_stock"]),
        variants=(),
        first_seen_at=m["first_seen_at"],
        updated_at=m["updated_at"],
    )


class SqlProductRepository:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def upsert(self, records: Sequence[ProductRecord]) -> None:
        """One INSERT … ON CONFLICT (store_id, product_id) DO UPDATE, executed for all rows at once."""
        if not records:
            return
        stmt = _upsert_statement(self._session.get_bind().dialect.name)
        await self._session.execute(stmt, [_product_values(r) for r in records])

    async def add_points(self, points: Sequence[ProductPoint]) -> None:
        if not points:
            return
        rows = [
            {
                "store_id": p.store_id,
                "product_id": p.product_id,
                "at": p.at,
                "price": p.price,
                "sizes_in_stock": list(p.sizes_in_stock),
                "in_stock_count": p.in_stock_count,
                "kind": p.kind,
            }
            for p in points
        ]
        await self._session.execute(insert(_table(ProductPointRow)), rows)

    async def get(self, store_id: str, product_id: str) -> ProductRecord | None:
        stmt = select(ProductRow).where(ProductRow.store_id == store_id, ProductRow.product_id == product_id)
        result = await self._session.execute(stmt.execution_options(populate_existing=True))
        row = result.scalar_one_or_none()
        return _record(row) if row else None

    async def search(self, query: ProductSearch) -> ProductSlice:
        """Every walk is one in-order index range (store, availability or neither; style codes are rare).
        With row checks, a LIMIT `window` subquery reads the walk from the index alone (it carries
        `title_key`), so title terms are checked without touching the table; only rows that pass are
        fetched (and their sizes checked). Items come without variants: the list does not show them."""
        walk = _walk(query)
        if not query.checks_rows:
            items = await self._summaries(select(*_SUMMARY).where(*walk).order_by(*_ORDER).limit(query.limit))
            return ProductSlice(items, ProductCursor.after(items[-1]) if len(items) == query.limit else None)
        keys = (ProductRow.updated_at, ProductRow.store_id, ProductRow.product_id)
        window = select(*keys, ProductRow.title_key).where(*walk).order_by(*_ORDER).limit(query.window)
        sub = window.subquery("w")
        w = sub.c
        stmt = (
            select(*_SUMMARY)
            .select_from(sub)
            .join(
                _table(ProductRow),
                and_(ProductRow.store_id == w.store_id, ProductRow.product_id == w.product_id),
            )
            .where(*_row_checks(query, w.title_key))
            .order_by(w.updated_at.desc(), w.store_id.desc(), w.product_id.desc())
            .limit(query.limit)
        )
        items = await self._summaries(stmt)
        if len(items) == query.limit:
            return ProductSlice(items, ProductCursor.after(items[-1]))
        last = select(*keys).where(*walk).order_by(*_ORDER).offset(query.window - 1).limit(1)
        end = (await self._session.execute(last)).one_or_none()
        return ProductSlice(items, ProductCursor(end[0], end[1], end[2]) if end is not None else None)

    async def _summaries(self, stmt: Select[Any]) -> list[ProductRecord]:
        return [_summary(row) for row in (await self._session.execute(stmt)).all()]

    async def history(
        self, store_id: str, product_id: str, *, since: datetime | None = None, limit: int = 1000
    ) -> list[ProductPoint]:
        stmt = (
            select(ProductPointRow)
            .where(ProductPointRow.store_id == store_id, ProductPointRow.product_id == product_id)
            .order_by(ProductPointRow.at.desc(), ProductPointRow.id.desc())
            .limit(limit)
        )
        if since is not None:
            stmt = stmt.where(ProductPointRow.at >= since)
        result = await self._session.execute(stmt.execution_options(populate_existing=True))
        return [_point(r) for r in reversed(result.scalars().all())]
