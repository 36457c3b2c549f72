"""Products: record_snapshot keeps the read model and its history; search, detail and history queries."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from phantom.domain.errors import InvalidProductQuery, ProductNotFound
from phantom.domain.models import Product, Snapshot
from phantom.domain.products import ProductRecord, record_of
from phantom.services.monitoring import record_snapshot
from phantom.services.products import (
    ProductQuery,
    get_product,
    list_products,
    product_history,
)
from tests.fakes import EPOCH, FakeDatabase, FrozenClock, SequentialIds, product_key, seed
from tests.unit.domain.builders import dunk, p, snap, v
from tests.unit.services.factories import CountingFactory, store

STORE = store("s1")
BEFORE = snap(
    dunk(sizes={"9": False, "10": False}),
    p("aj1", v("aj1-9", "9"), title="Air Jordan 1 High"),
    p("slide", v("slide-9", "9"), title="Yeezy Slide Bone"),
)


@pytest.fixture
def seeded(db: FakeDatabase) -> FakeDatabase:
    return seed(db, stores=[STORE, store("s2", "https://other.com")])


async def record(
    db: FakeDatabase, previous: Snapshot | None, current: Snapshot, clock: FrozenClock
) -> Snapshot:
    ids = SequentialIds(start=len(db.events) + 1)  # unique across calls on one database
    outcome = await record_snapshot(
        STORE, previous, current, uow_factory=db.uow_factory(), clock=clock, ids=ids
    )
    return outcome.snapshot


def points_of(db: FakeDatabase, pid: str) -> list[tuple[str, int]]:
    return [(pt.kind, pt.in_stock_count) for pt in db.points.values() if pt.product_id == pid]


class TestRecordSnapshotKeepsTheReadModel:
    async def test_the_baseline_enters_every_product_with_one_baseline_point(
        self, seeded: FakeDatabase, clock: FrozenClock
    ) -> None:
        await record(seeded, None, BEFORE, clock)

        assert sorted(r.product_id for r in seeded.products.values()) == ["aj1", "dunk", "slide"]
        assert sorted((pt.product_id, pt.kind) for pt in seeded.points.values()) == [
            ("aj1", "baseline"),
            ("dunk", "baseline"),
            ("slide", "baseline"),
        ]
        assert seeded.commits == 1

    async def test_a_change_touches_only_the_products_its_events_name(
        self, seeded: FakeDatabase, clock: FrozenClock
    ) -> None:
        base = await record(seeded, None, BEFORE, clock)
        untouched = seeded.products[product_key("s1", "aj1")]
        clock.advance(30)
        after = snap(
            dunk(sizes={"9": False, "10": True}, price=9000),  # restock + price change
            p("aj1", v("aj1-9", "9"), title="Air Jordan 1 High"),
            p("new", v("new-9", "9"), v("new-10", "10", available=False), title="Nike Dunk High Kids"),
        )  # and the slide is gone

        await record(seeded, base, after, clock)

        dunk_row = seeded.products[product_key("s1", "dunk")]
        assert (dunk_row.sizes_in_stock, dunk_row.price, dunk_row.available) == (("10",), 9000, True)
        assert dunk_row.first_seen_at == EPOCH and dunk_row.updated_at == clock.now()
        assert points_of(seeded, "dunk") == [("baseline", 0), ("restock", 1)]  # one point for two events
        assert points_of(seeded, "new") == [("new_product", 1)]
        slide = seeded.products[product_key("s1", "slide")]
        assert (slide.available, slide.sizes_in_stock) == (False, ())
        assert points_of(seeded, "slide") == [("baseline", 1), ("sold_out", 0)]
        assert seeded.products[product_key("s1", "aj1")] is untouched
        assert points_of(seeded, "aj1") == [("baseline", 1)]

    async def test_nothing_changed_writes_nothing(self, seeded: FakeDatabase, clock: FrozenClock) -> None:
        base = await record(seeded, None, BEFORE, clock)
        factory = CountingFactory(seeded)

        await record_snapshot(
            STORE,
            base,
            snap(*BEFORE.products.values()),
            uow_factory=factory,
            clock=clock,
            ids=SequentialIds(),
        )

        assert factory.opened == 0
        assert len(seeded.points) == 3

    async def test_a_replayed_change_adds_no_second_point(
        self, seeded: FakeDatabase, clock: FrozenClock
    ) -> None:
        base = await record(seeded, None, BEFORE, clock)
        after = snap(dunk(sizes={"9": True, "10": False}), *list(BEFORE.products.values())[1:])
        await record(seeded, base, after, clock)
        clock.advance(5)

        await record(seeded, base, after, clock)  # the same version again, as after a crash

        assert points_of(seeded, "dunk") == [("baseline", 0), ("restock", 1)]

    async def test_a_failed_commit_leaves_the_read_model_as_it_was(
        self, seeded: FakeDatabase, clock: FrozenClock
    ) -> None:
        base = await record(seeded, None, BEFORE, clock)
        rows, points = dict(seeded.products), dict(seeded.points)
        factory = CountingFactory(seeded)
        factory.fail_with = lambda: RuntimeError("disk I/O error")
        after = snap(dunk(sizes={"9": True, "10": True}), *list(BEFORE.products.values())[1:])

        with pytest.raises(RuntimeError):
            await record_snapshot(STORE, base, after, uow_factory=factory, clock=clock, ids=SequentialIds())

        assert seeded.products == rows
        assert seeded.points == points

    async def test_a_password_page_touches_no_product(self, seeded: FakeDatabase, clock: FrozenClock) -> None:
        base = await record(seeded, None, BEFORE, clock)

        await record(seeded, base, snap(locked=True), clock)

        assert len(seeded.points) == 3
        assert all(r.updated_at == EPOCH for r in seeded.products.values())


# ---- queries ---------------------------------------------------------------------------------------


def put(db: FakeDatabase, *products: Product, store_id: str = "s1", start: int = 0) -> list[ProductRecord]:
    """Products updated one second apart, in the order given (the last is the newest)."""
    records = []
    for n, product in enumerate(products):
        record = record_of(store_id, "https://kith.com", product, EPOCH + timedelta(seconds=start + n))
        db.products[product_key(store_id, product.id)] = record
        records.append(record)
    return records


def titled(pid: str, title: str, *sizes: str, style: str | None = None) -> Product:
    product = p(pid, *(v(f"{pid}-{s}", s) for s in sizes), title=title)
    return replace(product, style_code=style)


async def ids_of(db: FakeDatabase, **query: object) -> list[str]:
    page = await list_products(ProductQuery(**query), uow_factory=db.uow_factory())  # type: ignore[arg-type]
    return [r.product_id for r in page.items]


class TestSearch:
    @pytest.fixture
    def catalogue(self, seeded: FakeDatabase) -> FakeDatabase:
        put(
            seeded,
            titled("d1", "Nike Dunk Low Panda", "9", "10", style="DD1391-100"),
            titled("d2", "Nike Dunk Low Kids", "4"),
            titled("j1", "Air Jordan 1 Retro High", "US 9.5"),
            titled("j4", "Air Jordan 4 Retro", "09.0"),
            titled("dd", "Nike Dunks Pack", "9"),
            titled("so", "Nike Dunk High", style="dd1391-100"),  # no size in stock
        )
        put(seeded, titled("x1", "Nike Dunk Low Panda", "9"), store_id="s2", start=100)
        return seeded

    async def test_newest_updated_first(self, catalogue: FakeDatabase) -> None:
        assert await ids_of(catalogue) == ["x1", "so", "dd", "j4", "j1", "d2", "d1"]

    async def test_keyword_groups_as_in_channel_filters(self, catalogue: FakeDatabase) -> None:
        assert await ids_of(catalogue, q="+dunk -kids, jordan 1") == ["x1", "so", "j1", "d1"]

    async def test_terms_are_whole_words(self, catalogue: FakeDatabase) -> None:
        assert await ids_of(catalogue, q="dunks") == ["dd"]
        assert await ids_of(catalogue, q="jordan 4") == ["j4"]

    async def test_an_exclusion_only_query_finishes_in_python(self, catalogue: FakeDatabase) -> None:
        assert await ids_of(catalogue, q="-nike") == ["j4", "j1"]

    async def test_style_code_is_exact_and_case_insensitive(self, catalogue: FakeDatabase) -> None:
        assert await ids_of(catalogue, style_code="dd1391-100") == ["so", "d1"]
        assert await ids_of(catalogue, style_code="DD1391") == []

    async def test_size_is_normalized_and_must_be_in_stock(self, catalogue: FakeDatabase) -> None:
        assert await ids_of(catalogue, size="US 9") == ["x1", "dd", "j4", "d1"]
        assert await ids_of(catalogue, size="9.50") == ["j1"]

    async def test_availability_and_store(self, catalogue: FakeDatabase) -> None:
        assert await ids_of(catalogue, available=False) == ["so"]
        assert await ids_of(catalogue, store_id="s2") == ["x1"]
        assert await ids_of(catalogue, q="dunk", store_id="s1", available=True, size="9") == [
            "d1"
        ]  # "Dunks" is another word

    @pytest.mark.parametrize("q", [None, "nike"])
    async def test_cursor_pages_through_everything_once(self, catalogue: FakeDatabase, q: str | None) -> None:
        seen: list[str] = []
        cursor = None
        for _ in range(10):
            page = await list_products(
                ProductQuery(q=q, cursor=cursor, limit=2), uow_factory=catalogue.uow_factory()
            )
            seen += [r.product_id for r in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert seen == await ids_of(catalogue, q=q)
        assert cursor is None

    async def test_ties_on_updated_at_page_without_loss(self, seeded: FakeDatabase) -> None:
        for n in range(7):  # a baseline: every product the same updated_at
            record = record_of("s1", "https://kith.com", titled(f"p{n}", "Nike Dunk", "9"), EPOCH)
            seeded.products[product_key("s1", f"p{n}")] = record
        seen, cursor = [], None
        for _ in range(10):
            page = await list_products(ProductQuery(cursor=cursor, limit=3), uow_factory=seeded.uow_factory())
            seen += [r.product_id for r in page.items]
            if (cursor := page.next_cursor) is None:
                break
        assert seen == [f"p{n}" for n in reversed(range(7))]

    async def test_a_keyword_search_scans_a_bounded_number_of_rows_and_hands_back_a_cursor(
        self, seeded: FakeDatabase
    ) -> None:
        put(seeded, titled("match", "Nike Dunk Low", "9"))
        put(seeded, *(titled(f"n{n:02d}", "Nike Dunk Kids", "9") for n in range(30)), start=10)
        factory = seeded.uow_factory()

        pages = []
        cursor = None
        for _ in range(10):
            page = await list_products(
                ProductQuery(q="dunk -kids", limit=5, cursor=cursor), uow_factory=factory, max_scanned=20
            )
            pages.append([r.product_id for r in page.items])
            if (cursor := page.next_cursor) is None:
                break

        assert pages[0] == []  # 20 rows examined, none matched: a short page and a cursor
        assert [pid for page in pages for pid in page] == ["match"]
        assert cursor is None and len(pages) <= 4

    async def test_a_malformed_cursor_is_refused(self, seeded: FakeDatabase) -> None:
        with pytest.raises(InvalidProductQuery):
            await list_products(ProductQuery(cursor="garbage"), uow_factory=seeded.uow_factory())


class TestDetailAndHistory:
    async def test_detail_and_unknown_product(self, seeded: FakeDatabase, clock: FrozenClock) -> None:
        await record(seeded, None, BEFORE, clock)
        found = await get_product("s1", "dunk", uow_factory=seeded.uow_factory())
        assert [x.id for x in found.variants] == ["dunk-9", "dunk-10"]
        with pytest.raises(ProductNotFound):
            await get_product("s1", "nope", uow_factory=seeded.uow_factory())
        with pytest.raises(ProductNotFound):
            await product_history("s2", "dunk", uow_factory=seeded.uow_factory())

    async def test_history_has_the_points_and_the_sell_out_speed(
        self, seeded: FakeDatabase, clock: FrozenClock
    ) -> None:
        base = await record(seeded, None, BEFORE, clock)
        clock.advance(60)
        up = await record(
            seeded,
            base,
            snap(dunk(sizes={"9": True, "10": True}), *list(BEFORE.products.values())[1:]),
            clock,
        )
        clock.advance(45)
        await record(
            seeded,
            up,
            snap(dunk(sizes={"9": False, "10": False}), *list(BEFORE.products.values())[1:]),
            clock,
        )

        history = await product_history("s1", "dunk", uow_factory=seeded.uow_factory())
        assert [(pt.kind, pt.in_stock_count) for pt in history.points] == [
            ("baseline", 0),
            ("restock", 2),
            ("sold_out", 0),
        ]
        assert history.sell_out_seconds == 45.0
        recent = await product_history(
            "s1", "dunk", since=EPOCH + timedelta(seconds=100), uow_factory=seeded.uow_factory()
        )
        assert [pt.kind for pt in recent.points] == ["sold_out"]
        assert recent.sell_out_seconds is None
