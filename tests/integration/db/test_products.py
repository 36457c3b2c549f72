"""ProductRepository contract (fake, SQLite, PostgreSQL): bulk upsert, search filters and windows, cursor
paging, history, cascades. Plus the SQLite query plans of the product and event lists: in-order index
ranges, never a table scan or a sort of the whole table."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from phantom.domain.events import EventKind
from phantom.domain.models import Product, Variant
from phantom.domain.ports import EventQuery
from phantom.domain.products import (
    ProductCursor,
    ProductPoint,
    ProductRecord,
    ProductSearch,
    point_of,
    record_of,
)
from tests.integration.db.builders import T0, at, store
from tests.integration.db.builders import event as stored_event
from tests.integration.db.conftest import Backend

URL = "https://s1.example"


def product(
    pid: str, title: str = "Nike Dunk Low Panda", sizes: dict[str, bool] | None = None, **kw: Any
) -> Product:
    sizes = sizes if sizes is not None else {"9": True, "10": False}
    variants = tuple(
        Variant(id=f"{pid}-{s}", size=s, price=11000 + n * 1000, available=up, sku=f"SKU-{pid}-{s}")
        for n, (s, up) in enumerate(sizes.items())
    )
    return Product(id=pid, handle=f"h-{pid}", title=title, variants=variants, vendor="Nike", **kw)


def rec(pid: str, seconds: float = 0, store_id: str = "s1", **kw: Any) -> ProductRecord:
    return record_of(store_id, URL, product(pid, **kw), at(seconds))


async def _seed(backend: Backend, *records: ProductRecord) -> None:
    async with backend.new_uow() as uow:
        for sid in ("s1", "s2"):
            await uow.stores.add(store(sid))
        await uow.products.upsert(list(records))
        await uow.commit()


async def _search(backend: Backend, **kw: Any) -> tuple[list[str], ProductCursor | None]:
    async with backend.new_uow() as uow:
        found = await uow.products.search(ProductSearch(**kw))
    return [r.product_id for r in found.items], found.next


async def _all_pages(backend: Backend, **kw: Any) -> list[str]:
    """Follow `next` to the end: what a search finds, whatever its pages look like."""
    seen: list[str] = []
    after = None
    for _ in range(100):
        ids, after = await _search(backend, after=after, **kw)
        seen += ids
        if after is None:
            return seen
    raise AssertionError("search never ended")


class TestUpsert:
    async def test_records_read_back_exactly(self, backend: Backend) -> None:
        records = [
            rec("p1", style_code="DD1391-100", image="https://cdn.example/p1.jpg"),
            rec("p2", 1, sizes={}),
        ]
        await _seed(backend, *records)
        async with backend.new_uow() as uow:
            assert await uow.products.get("s1", "p1") == records[0]
            assert await uow.products.get("s1", "p2") == records[1]
            assert await uow.products.get("s2", "p1") is None
        assert records[1].price is None and records[1].available is False

    async def test_an_upsert_replaces_everything_but_first_seen_at(self, backend: Backend) -> None:
        await _seed(backend, rec("p1"))
        changed = rec("p1", 60, title="Nike Dunk Low Panda (W)", sizes={"9": False, "10": True, "11": True})
        async with backend.new_uow() as uow:
            await uow.products.upsert([changed, rec("p2", 60)])
            await uow.commit()
        async with backend.new_uow() as uow:
            got = await uow.products.get("s1", "p1")
        assert got == replace(changed, first_seen_at=T0)
        assert got is not None and got.sizes_in_stock == ("10", "11") and got.updated_at == at(60)

    async def test_rollback_writes_nothing(self, backend: Backend) -> None:
        await _seed(backend)
        async with backend.new_uow() as uow:
            await uow.products.upsert([rec("p1")])
        async with backend.new_uow() as uow:
            assert await uow.products.get("s1", "p1") is None

    async def test_deleting_a_store_deletes_its_products_and_history(self, backend: Backend) -> None:
        await _seed(backend, rec("p1"), rec("p1", store_id="s2"))
        async with backend.new_uow() as uow:
            await uow.products.add_points(
                [point_of(rec("p1"), "baseline"), point_of(rec("p1", store_id="s2"), "baseline")]
            )
            await uow.stores.delete("s1")
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.products.get("s1", "p1") is None
            assert await uow.products.history("s1", "p1") == []
            assert await uow.products.get("s2", "p1") is not None
            assert len(await uow.products.history("s2", "p1")) == 1


class TestSearch:
    @pytest.fixture
    async def catalogue(self, backend: Backend) -> Backend:
        await _seed(
            backend,
            rec("d1", 1, title="Nike Dunk Low Panda", sizes={"9": True, "10": True}, style_code="DD1391-100"),
            rec("d2", 2, title="Nike Dunk Low Kids", sizes={"4": True}),
            rec("j1", 3, title="Air Jordan 1 Retro High", sizes={"US 9.5": True}),
            rec("j4", 4, title="AIR JORDAN 4 Retro", sizes={"09.0": True}),
            rec("so", 5, title="Nike Dunk High", sizes={"9": False}, style_code="dd1391-100"),
            rec("x1", 6, store_id="s2", title="Nike Dunk Low Panda", sizes={"9": True}),
        )
        return backend

    async def test_newest_updated_first(self, catalogue: Backend) -> None:
        assert await _search(catalogue) == (["x1", "so", "j4", "j1", "d2", "d1"], None)

    async def test_filters(self, catalogue: Backend) -> None:
        assert (await _search(catalogue, store_id="s2"))[0] == ["x1"]
        assert (await _search(catalogue, style_code="DD1391-100"))[0] == ["so", "d1"]
        assert (await _search(catalogue, available=False))[0] == ["so"]
        assert (await _search(catalogue, available=True, store_id="s1"))[0] == ["j4", "j1", "d2", "d1"]
        assert (await _search(catalogue, size="US 9"))[0] == [
            "x1",
            "j4",
            "d1",
        ]  # "09.0" is 9; "so" is sold out
        assert (await _search(catalogue, size="9.50"))[0] == ["j1"]

    async def test_title_terms_are_case_insensitive_substrings_or_of_and(self, catalogue: Backend) -> None:
        ids, _ = await _search(catalogue, title_terms=(("dunk", "low"), ("jordan", "4")))
        assert ids == ["x1", "j4", "d2", "d1"]

    async def test_limit_gives_a_cursor_that_continues_after_the_last_item(self, catalogue: Backend) -> None:
        ids, after = await _search(catalogue, limit=2)
        assert ids == ["x1", "so"]
        assert after == ProductCursor(at(5), "s1", "so")
        assert await _all_pages(catalogue, limit=2) == ["x1", "so", "j4", "j1", "d2", "d1"]

    async def test_a_window_bounds_the_rows_examined_and_hands_back_where_it_stopped(
        self, catalogue: Backend
    ) -> None:
        # The newest three rows hold no size 4: the walk stops after them, with where to go on from.
        ids, after = await _search(catalogue, size="4", window=3)
        assert ids == []
        assert after == ProductCursor(at(4), "s1", "j4")
        assert await _all_pages(catalogue, size="4", window=3) == ["d2"]
        assert await _all_pages(catalogue, title_terms=(("jordan",),), window=1, limit=1) == ["j4", "j1"]

    async def test_ties_on_updated_at_page_by_store_and_product_id(self, backend: Backend) -> None:
        await _seed(backend, *(rec(f"p{n}", 0) for n in range(5)), rec("p9", 0, store_id="s2"))
        assert await _all_pages(backend, limit=2) == ["p9", "p4", "p3", "p2", "p1", "p0"]
        assert await _all_pages(backend, limit=2, size="9", window=2) == ["p9", "p4", "p3", "p2", "p1", "p0"]


class TestHistory:
    async def test_points_oldest_first_since_and_newest_limit(self, backend: Backend) -> None:
        await _seed(backend, rec("p1"))
        points = [
            ProductPoint("s1", "p1", at(n * 10), 11000 - n, ("9",) * (n % 2), n % 2, kind)
            for n, kind in enumerate(["baseline", "restock", "sold_out", "restock", "sold_out"])
        ]
        async with backend.new_uow() as uow:
            await uow.products.add_points(points[:2])
            await uow.products.add_points(points[2:])
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.products.history("s1", "p1") == points
            assert await uow.products.history("s1", "p1", since=at(20)) == points[2:]
            assert await uow.products.history("s1", "p1", limit=2) == points[3:]
            assert await uow.products.history("s1", "p2") == []


# ---- query plans (SQLite) --------------------------------------------------------------------------


def _capture(engine: AsyncEngine) -> list[tuple[str, Any]]:
    selects: list[tuple[str, Any]] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append((statement, parameters))

    return selects


async def _plans(engine: AsyncEngine, selects: list[tuple[str, Any]]) -> list[str]:
    out = []
    async with engine.connect() as conn:
        for statement, parameters in selects:
            rows = (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)).all()
            out.append(" | ".join(str(r[-1]) for r in rows))
    return out


CURSOR = ProductCursor(T0, "s1", "p5")
PRODUCT_SEARCHES = {
    "all": ProductSearch(),
    "store": ProductSearch(store_id="s1"),
    "available": ProductSearch(available=False),
    "cursor": ProductSearch(after=CURSOR),
    "store+cursor": ProductSearch(store_id="s1", after=CURSOR),
    "available+cursor": ProductSearch(available=True, after=CURSOR),
    "size": ProductSearch(size="9"),
    "title": ProductSearch(title_terms=(("dunk",),)),
    "store+size+title": ProductSearch(store_id="s1", size="9", title_terms=(("dunk",),), after=CURSOR),
}
EVENT_QUERIES = {
    "all": EventQuery(),
    "store": EventQuery(store_id="s1"),
    "kind": EventQuery(kinds=frozenset({EventKind.RESTOCK})),
    "kinds": EventQuery(kinds=frozenset({EventKind.RESTOCK, EventKind.NEW_PRODUCT})),
    "store+kind": EventQuery(store_id="s1", kinds=frozenset({EventKind.RESTOCK})),
    "since": EventQuery(since=T0),
    "window": EventQuery(since=T0, until=at(3600)),
    "until": EventQuery(until=at(3600)),
    "store+window": EventQuery(store_id="s1", since=T0, until=at(3600)),
    "kind+window": EventQuery(kinds=frozenset({EventKind.RESTOCK}), since=T0, until=at(3600)),
}


WINDOWED = {"size", "title", "store+size+title"}


class TestQueryPlans:
    """Without ANALYZE statistics, as Phantom leaves a database: every list walks an index in order."""

    @pytest.mark.parametrize("name", PRODUCT_SEARCHES)
    async def test_product_searches_walk_an_index_in_order(self, sqlite_backend: Backend, name: str) -> None:
        assert sqlite_backend.engine is not None
        selects = _capture(sqlite_backend.engine)
        async with sqlite_backend.new_uow() as uow:
            await uow.products.search(PRODUCT_SEARCHES[name])
        plans = await _plans(sqlite_backend.engine, selects)
        if name in WINDOWED:
            # The walk reads an index alone (LIMIT window); only those rows are fetched, checked and sorted.
            walk, window_end = plans
            assert "MATERIALIZE" in walk and "USING COVERING INDEX ix_product_" in walk, walk
            assert (
                "SEARCH product USING INDEX sqlite_autoindex_product_1 (store_id=? AND product_id=?)" in walk
            )
            assert "USING COVERING INDEX ix_product_" in window_end and "TEMP" not in window_end
        else:
            [plan] = plans
            assert "USING INDEX ix_product_" in plan and "TEMP B-TREE" not in plan, plan

    async def test_a_style_code_search_uses_its_index(self, sqlite_backend: Backend) -> None:
        assert sqlite_backend.engine is not None
        selects = _capture(sqlite_backend.engine)
        async with sqlite_backend.new_uow() as uow:
            await uow.products.search(ProductSearch(style_code="DD1391-100"))
        assert "ix_product_style_key (style_key=?)" in (await _plans(sqlite_backend.engine, selects))[0]

    @pytest.mark.parametrize("name", EVENT_QUERIES)
    @pytest.mark.parametrize("cursor", [False, True])
    async def test_event_lists_read_one_index_range_in_order(
        self, sqlite_backend: Backend, name: str, cursor: bool
    ) -> None:
        assert sqlite_backend.engine is not None
        async with sqlite_backend.new_uow() as uow:
            await uow.stores.add(store("s1"))
            assert await uow.events.add(stored_event("e5"))
            await uow.commit()
        query = replace(EVENT_QUERIES[name], before_id="e5" if cursor else None)
        selects = _capture(sqlite_backend.engine)
        async with sqlite_backend.new_uow() as uow:
            await uow.events.list(query)
        plan = (await _plans(sqlite_backend.engine, selects))[-1]
        assert "USING INDEX ix_event_" in plan, plan
        if cursor:
            assert "detected_at<?" in plan, plan  # the cursor bounds the range
        if name == "kinds":
            # IN (…) reads each kind's range in order and stops it at the limit, so the sort is bounded.
            assert "USING INDEX ix_event_kind_detected_at_id (kind=?" in plan, plan
        else:
            assert "TEMP B-TREE" not in plan, plan
