"""The product read model's pure rules: records from products and events, points, sell-out speed, search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phantom.domain.errors import InvalidProductQuery
from phantom.domain.events import EventKind, ProductEvent
from phantom.domain.filters import KeywordFilter
from phantom.domain.models import Product
from phantom.domain.products import (
    BASELINE,
    ProductCursor,
    ProductPoint,
    baseline_changes,
    event_changes,
    record_of,
    sell_out_seconds,
    title_prefilter,
)
from tests.unit.domain.builders import dunk, p, v

T0 = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
URL = "https://kith.com"


def point(seconds: float, in_stock: int, kind: str) -> ProductPoint:
    return ProductPoint(
        store_id="s1",
        product_id="dunk",
        at=T0 + timedelta(seconds=seconds),
        price=11000,
        sizes_in_stock=tuple(str(n) for n in range(in_stock)),
        in_stock_count=in_stock,
        kind=kind,
    )


class TestRecordOf:
    def test_a_shopify_product_gets_its_page_url_lowest_price_and_sizes_in_stock(self) -> None:
        product = p(
            "x", v("x-9", "9", price=12000), v("x-10", "10", available=False), v("x-11", "11", price=9000)
        )

        record = record_of("s1", URL, product, T0)

        assert record.url == "https://kith.com/products/handle-x"
        assert record.price == 9000
        assert record.available is True
        assert record.sizes_in_stock == ("9", "11")
        assert record.in_stock_count == 2
        assert record.first_seen_at == record.updated_at == T0

    def test_a_platform_url_wins(self) -> None:
        product = Product(id="sku1", handle="sku1", title="x", variants=(), url="https://fl.example/p/sku1")
        assert record_of("s1", URL, product, T0).url == "https://fl.example/p/sku1"


class TestChanges:
    def test_baseline_writes_every_product_with_a_baseline_point(self) -> None:
        records, points = baseline_changes("s1", URL, [dunk(sizes={"9": True}), dunk(sizes={}, pid="b")], T0)

        assert [r.product_id for r in records] == ["dunk", "b"]
        assert [(pt.product_id, pt.kind, pt.in_stock_count) for pt in points] == [
            ("dunk", BASELINE, 1),
            ("b", BASELINE, 0),
        ]

    def test_two_events_on_one_product_give_one_record_and_one_point_labelled_by_precedence(self) -> None:
        now = dunk(sizes={"9": True, "10": True}, price=9000)
        events = [
            ProductEvent(EventKind.PRICE_CHANGE, product=now, old_price=11000, new_price=9000),
            ProductEvent(EventKind.RESTOCK, product=now, variants=now.variants[1:]),
        ]

        records, points = event_changes("s1", URL, events, {"dunk": now}, T0)

        assert len(records) == 1 and records[0].price == 9000 and records[0].sizes_in_stock == ("9", "10")
        assert [(pt.kind, pt.in_stock_count, pt.price) for pt in points] == [("restock", 2, 9000)]

    def test_a_removed_product_stays_fully_sold_out(self) -> None:
        gone = dunk(sizes={"9": True, "10": False})
        event = ProductEvent(EventKind.SOLD_OUT, product=gone, variants=gone.available_variants, removed=True)

        records, points = event_changes("s1", URL, [event], {}, T0)

        assert records[0].available is False
        assert records[0].sizes_in_stock == ()
        assert [x.available for x in records[0].variants] == [False, False]
        assert records[0].price == 11000
        assert (points[0].kind, points[0].in_stock_count) == ("sold_out", 0)

    def test_store_level_events_touch_no_product(self) -> None:
        assert event_changes("s1", URL, [ProductEvent(EventKind.PASSWORD_UP)], {}, T0) == ([], [])


class TestSellOutSeconds:
    def test_from_the_drop_to_the_last_size_going(self) -> None:
        points = [point(0, 3, "new_product"), point(40, 1, "sold_out"), point(90, 0, "sold_out")]
        assert sell_out_seconds(points) == 90.0

    def test_the_latest_completed_spell_counts_and_a_restock_starts_a_new_one(self) -> None:
        points = [
            point(0, 3, "new_product"),
            point(90, 0, "sold_out"),
            point(300, 2, "restock"),
            point(310, 1, "price_change"),
            point(330, 0, "sold_out"),
        ]
        assert sell_out_seconds(points) == 30.0

    @pytest.mark.parametrize(
        "points",
        [
            [],
            [point(0, 3, "new_product")],  # still in stock
            [point(0, 3, "baseline"), point(50, 0, "sold_out")],  # arrival not seen
            [point(0, 0, "new_product"), point(10, 0, "price_change")],  # never in stock
        ],
    )
    def test_none_when_no_drop_sold_out_in_sight(self, points: list[ProductPoint]) -> None:
        assert sell_out_seconds(points) is None

    def test_a_spell_still_running_leaves_the_previous_figure(self) -> None:
        points = [point(0, 2, "new_product"), point(60, 0, "sold_out"), point(100, 1, "restock")]
        assert sell_out_seconds(points) == 60.0


class TestCursor:
    def test_round_trips(self) -> None:
        cursor = ProductCursor(T0, "s1", "p|with|bars")
        assert ProductCursor.decode(cursor.encode()) == cursor

    @pytest.mark.parametrize(
        "text",
        ["", "x", "2025-06-01T10:00:00+00:00|s1", "not-a-date|s1|p1", "2025-06-01T10:00:00|s1|p1", "|s|p"],
    )
    def test_garbage_is_refused(self, text: str) -> None:
        with pytest.raises(InvalidProductQuery):
            ProductCursor.decode(text)


class TestTitlePrefilter:
    def test_issue_example(self) -> None:
        assert title_prefilter(KeywordFilter.parse("+dunk -kids, jordan 1")) == (("dunk",), ("jordan", "1"))

    def test_multi_word_terms_give_their_words(self) -> None:
        assert title_prefilter(KeywordFilter.parse("air-max 90")) == (("air", "max", "90"),)

    @pytest.mark.parametrize("text", ["", "-kids", "dunk, -kids"])
    def test_nothing_to_require_when_a_group_requires_nothing(self, text: str) -> None:
        assert title_prefilter(KeywordFilter.parse(text)) == ()

    @given(
        title=st.text(alphabet="abcdk 19-.'AB", max_size=30),
        text=st.text(alphabet="abcdk 19-+,.'", max_size=20),
    )
    def test_is_a_necessary_condition_of_a_match(self, title: str, text: str) -> None:
        keywords = KeywordFilter.parse(text)
        groups = title_prefilter(keywords)
        if keywords.matches(title) and groups:
            assert any(all(w in title.lower() for w in g) for g in groups)
