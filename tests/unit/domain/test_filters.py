"""Keyword, size, price, kind and store matching."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phantom.domain.events import ALL_KINDS, DEFAULT_ALERT_KINDS, EventKind, ProductEvent
from phantom.domain.filters import EventFilter, KeywordFilter, KeywordGroup
from phantom.domain.models import normalize_size
from tests.unit.domain.builders import dunk, p, v

ISSUE_FILTER = "+dunk -kids, jordan 1"


class TestKeywordParsing:
    def test_issue_example_parses_into_two_groups(self) -> None:
        assert KeywordFilter.parse(ISSUE_FILTER).groups == (
            KeywordGroup(required=("dunk",), excluded=("kids",)),
            KeywordGroup(required=("jordan", "1"), excluded=()),
        )

    @pytest.mark.parametrize("text", [None, "", "   ", ",", " , ,", "+", "-", "+ - ,"])
    def test_blank_filters_have_no_groups(self, text: str | None) -> None:
        assert KeywordFilter.parse(text).groups == ()

    def test_terms_are_lowercased_and_stripped_of_punctuation(self) -> None:
        assert KeywordFilter.parse("+DUNK! -'Kids'").groups == (KeywordGroup(("dunk",), ("kids",)),)

    def test_hyphenated_term_becomes_a_phrase(self) -> None:
        assert KeywordFilter.parse("air-max").groups == (KeywordGroup(("air max",), ()),)

    def test_exclusion_only_group(self) -> None:
        only_not = KeywordFilter.parse("-kids")
        assert only_not.matches("Nike Dunk Low")
        assert not only_not.matches("Nike Dunk Low Kids")


class TestKeywordMatching:
    @pytest.mark.parametrize(
        ("title", "expected"),
        [
            ("Nike Dunk Low Panda", True),
            ("NIKE DUNK HIGH", True),
            ("Nike Dunk Low Kids", False),  # excluded term
            ("Nike Dunk Low (Kids)", False),
            ("Nike Dunks Low", False),  # whole words: "dunks" is not "dunk"
            ("Nike Dunk-Low", True),
            ("Air Jordan 1 Retro High OG 'Chicago'", True),
            ("Jordan 1 Retro High OG 'Chicago'", True),
            ("Jordan 1 Low Kids", True),  # the second group has no exclusion
            ("Air Jordan 11 Concord", False),  # "1" must be a whole word
            ("Jordan 4 Retro", False),  # every term of a group is required
            ("Retro 1 Jordan", True),  # order does not matter
            ("Adidas Samba", False),
            ("", False),
        ],
    )
    def test_issue_example(self, title: str, expected: bool) -> None:
        assert KeywordFilter.parse(ISSUE_FILTER).matches(title) is expected

    def test_empty_filter_matches_everything(self) -> None:
        assert KeywordFilter().matches("anything at all")
        assert KeywordFilter.parse("").matches("")

    def test_apostrophes_inside_words_are_kept(self) -> None:
        kf = KeywordFilter.parse("o'neill")
        assert kf.matches("O'Neill Hoodie")
        assert not kf.matches("Neill Hoodie")

    def test_decimal_numbers_are_single_words(self) -> None:
        kf = KeywordFilter.parse("2.0")
        assert kf.matches("Yeezy Foam Runner 2.0.")
        assert not kf.matches("Yeezy 2 0")

    def test_phrase_must_be_adjacent(self) -> None:
        kf = KeywordFilter.parse("air-max")
        assert kf.matches("Nike Air Max 90")
        assert not kf.matches("Nike Air Zoom Max")

    @settings(max_examples=50, deadline=None)
    @given(st.text(alphabet="abc xyz-+,1'", max_size=20), st.text(alphabet="abc xyz 1'.", max_size=30))
    def test_matching_ignores_case(self, text: str, title: str) -> None:
        kf = KeywordFilter.parse(text)
        assert (
            kf.matches(title) == kf.matches(title.upper()) == KeywordFilter.parse(text.upper()).matches(title)
        )


class TestNormalizeSize:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("09.0", "9"),
            ("9", "9"),
            ("US 9.5", "9.5"),
            ("us9.5", "9.5"),
            ("Size 10", "10"),
            ("10.50", "10.5"),
            ("10.0", "10"),
            (" 8 ", "8"),
            (".5", "0.5"),
            ("0", "0"),
            ("XL", "xl"),
            ("EU 42", "eu 42"),
            ("US", "us"),
            ("9.5.1", "9.5.1"),
        ],
    )
    def test_canonical_labels(self, raw: str, expected: str) -> None:
        assert normalize_size(raw) == expected

    @settings(max_examples=100, deadline=None)
    @given(st.text(alphabet="0123456789. USsizeXLM", max_size=8))
    def test_idempotent(self, raw: str) -> None:
        once = normalize_size(raw)
        assert normalize_size(once) == once


def restock_of(*sizes: str, price: int = 11000, title: str = "Nike Dunk Low Panda") -> ProductEvent:
    product = p("dunk", *(v(f"d-{s}", s, price=price) for s in sizes), title=title)
    return ProductEvent(kind=EventKind.RESTOCK, product=product, variants=product.variants)


class TestEventFilter:
    def test_default_filter_matches_every_kind_everywhere(self) -> None:
        assert EventFilter().kinds == ALL_KINDS
        assert EventFilter().matches(restock_of("9"), "any-store")
        assert EventFilter.build() == EventFilter()

    def test_kinds(self) -> None:
        only_new = EventFilter.build(kinds=[EventKind.NEW_PRODUCT])
        assert not only_new.matches(restock_of("9"), "s1")
        assert EventFilter.build(kinds=[EventKind.RESTOCK]).matches(restock_of("9"), "s1")

    def test_default_alert_kinds_leave_out_sold_out(self) -> None:
        quick_start = EventFilter.build(kinds=DEFAULT_ALERT_KINDS)
        product = dunk(sizes={"9": False})
        assert not quick_start.matches(ProductEvent(kind=EventKind.SOLD_OUT, product=product), "s1")

    def test_restock_in_a_wanted_size_matches(self) -> None:
        assert EventFilter.build(sizes=["9.5"]).matches(restock_of("9.5"), "s1")

    def test_restock_in_another_size_does_not(self) -> None:
        assert not EventFilter.build(sizes=["9.5"]).matches(restock_of("11"), "s1")

    def test_sizes_are_compared_normalized(self) -> None:
        wanted = EventFilter.build(sizes=["US 9.5", "10.0"])
        assert wanted.sizes == {"9.5", "10"}
        assert wanted.matches(restock_of("09.50"), "s1")
        assert wanted.matches(restock_of("10"), "s1")

    def test_size_filter_ignores_sold_out_variants_of_a_new_product(self) -> None:
        product = dunk(sizes={"9.5": False, "11": True})
        event = ProductEvent(kind=EventKind.NEW_PRODUCT, product=product, variants=product.variants)
        assert not EventFilter.build(sizes=["9.5"]).matches(event, "s1")
        assert EventFilter.build(sizes=["11"]).matches(event, "s1")

    def test_price_change_matches_on_the_products_in_stock_sizes(self) -> None:
        product = dunk(sizes={"9.5": True, "11": False})
        event = ProductEvent(kind=EventKind.PRICE_CHANGE, product=product, old_price=12000, new_price=11000)
        assert EventFilter.build(sizes=["9.5"]).matches(event, "s1")
        assert not EventFilter.build(sizes=["11"]).matches(event, "s1")

    def test_sold_out_matches_on_the_sizes_that_went(self) -> None:
        product = dunk(sizes={"9.5": False, "11": False})
        event = ProductEvent(kind=EventKind.SOLD_OUT, product=product, variants=(product.variants[0],))
        assert EventFilter.build(sizes=["9.5"]).matches(event, "s1")
        assert not EventFilter.build(sizes=["11"]).matches(event, "s1")

    @pytest.mark.parametrize(("price", "expected"), [(14999, True), (15000, True), (15001, False)])
    def test_max_price_is_in_cents_and_inclusive(self, price: int, expected: bool) -> None:
        assert EventFilter.build(max_price=15000).matches(restock_of("9", price=price), "s1") is expected

    def test_max_price_ignores_products_without_a_price(self) -> None:
        bare = p("bare")
        event = ProductEvent(kind=EventKind.NEW_PRODUCT, product=bare)
        assert EventFilter.build(max_price=100).matches(event, "s1")

    def test_store_ids(self) -> None:
        kith_only = EventFilter.build(store_ids=["kith"])
        assert kith_only.matches(restock_of("9"), "kith")
        assert not kith_only.matches(restock_of("9"), "atmos")

    def test_keywords(self) -> None:
        dunks = EventFilter.build(keywords=ISSUE_FILTER)
        assert dunks.matches(restock_of("9", title="Nike Dunk Low"), "s1")
        assert not dunks.matches(restock_of("9", title="Nike Dunk Low Kids"), "s1")

    @pytest.mark.parametrize("kind", [EventKind.PASSWORD_UP, EventKind.PASSWORD_DOWN])
    def test_password_events_pass_product_filters(self, kind: EventKind) -> None:
        strict = EventFilter.build(keywords="+dunk", sizes=["9.5"], max_price=1)
        assert strict.matches(ProductEvent(kind=kind), "s1")

    def test_password_events_still_honour_kinds_and_stores(self) -> None:
        event = ProductEvent(kind=EventKind.PASSWORD_DOWN)
        assert not EventFilter.build(kinds=[EventKind.RESTOCK]).matches(event, "s1")
        assert not EventFilter.build(store_ids=["kith"]).matches(event, "s1")

    def test_every_condition_must_hold(self) -> None:
        rule = EventFilter.build(
            kinds=[EventKind.RESTOCK],
            keywords=ISSUE_FILTER,
            sizes=["9.5"],
            max_price=15000,
            store_ids=["kith"],
        )
        assert rule.matches(restock_of("9.5", title="Nike Dunk Low"), "kith")
        assert not rule.matches(restock_of("9.5", title="Nike Dunk Low"), "atmos")
        assert not rule.matches(restock_of("9.5", title="Nike Dunk Low", price=20000), "kith")
        assert not rule.matches(restock_of("10", title="Nike Dunk Low"), "kith")
        assert not rule.matches(restock_of("9.5", title="Adidas Samba"), "kith")
