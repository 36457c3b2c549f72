"""Scenario tests for the change detector, on hand-built snapshots."""

from __future__ import annotations

from dataclasses import replace

from phantom.domain.diff import apply_availability, available_keys, carry_forward, diff, merge_watched
from phantom.domain.events import EventKind, ProductEvent
from phantom.domain.models import Snapshot
from tests.unit.domain.builders import dunk, p, snap, v


def ids(event: ProductEvent) -> list[str]:
    return [x.id for x in event.variants]


def kinds(events: list[ProductEvent]) -> list[EventKind]:
    return [e.kind for e in events]


class TestBaseline:
    def test_first_snapshot_of_a_store_emits_nothing(self) -> None:
        current = snap(dunk(sizes={"9": True, "10": False}), p("other", v("o1", "M")))
        assert diff(None, current) == []

    def test_first_snapshot_of_a_locked_store_emits_nothing(self) -> None:
        assert diff(None, snap(locked=True)) == []

    def test_unchanged_catalogue_emits_nothing(self) -> None:
        catalogue = snap(dunk(sizes={"9": True, "10": False}))
        assert diff(catalogue, catalogue) == []

    def test_a_new_snapshot_version_alone_is_no_change(self) -> None:
        product = dunk(sizes={"9": True})
        assert diff(snap(product, version=3), snap(product, version=4)) == []

    def test_product_detail_change_without_stock_or_price_change_emits_nothing(self) -> None:
        before = dunk(sizes={"9": True})
        after = replace(before, title="Nike Dunk Low Panda (2025)", image="https://cdn.example/new.jpg")
        assert diff(snap(before), snap(after)) == []


class TestNewProduct:
    def test_new_product_carries_all_its_variants_with_availability(self) -> None:
        new = dunk(sizes={"9": True, "9.5": False}, pid="new")
        events = diff(snap(dunk(sizes={"9": True})), snap(dunk(sizes={"9": True}), new))
        assert len(events) == 1
        (event,) = events
        assert event.kind is EventKind.NEW_PRODUCT
        assert event.product == new
        assert event.variants == new.variants
        assert [x.available for x in event.variants] == [True, False]
        assert event.removed is False

    def test_new_sold_out_product_is_still_announced(self) -> None:
        new = dunk(sizes={"9": False}, pid="new")
        assert kinds(diff(snap(), snap(new))) == [EventKind.NEW_PRODUCT]

    def test_new_product_into_empty_store(self) -> None:
        events = diff(snap(), snap(p("a", v("a1", "S")), p("b", v("b1", "M"))))
        assert sorted(e.product_id for e in events) == ["a", "b"]
        assert set(kinds(events)) == {EventKind.NEW_PRODUCT}


class TestRestock:
    def test_restock_of_some_sizes_lists_exactly_those_variants(self) -> None:
        before = dunk(sizes={"9": False, "9.5": False, "10": False, "11": True})
        after = dunk(sizes={"9": True, "9.5": False, "10": True, "11": True})
        events = diff(snap(before), snap(after))
        assert kinds(events) == [EventKind.RESTOCK]
        assert ids(events[0]) == ["dunk-9", "dunk-10"]
        assert all(x.available for x in events[0].variants)
        assert events[0].product == after

    def test_restock_carries_the_new_variant_objects(self) -> None:
        before = dunk(sizes={"9": False})
        after = dunk(sizes={"9": True}, price=12000)
        restock = next(e for e in diff(snap(before), snap(after)) if e.kind is EventKind.RESTOCK)
        assert restock.variants[0].price == 12000


class TestSoldOut:
    def test_sold_out_of_the_last_size(self) -> None:
        before = dunk(sizes={"9": False, "10": True})
        after = dunk(sizes={"9": False, "10": False})
        events = diff(snap(before), snap(after))
        assert kinds(events) == [EventKind.SOLD_OUT]
        (event,) = events
        assert ids(event) == ["dunk-10"]
        assert event.removed is False
        assert event.product == after
        assert not after.available

    def test_partial_sell_out_lists_only_the_sizes_that_went(self) -> None:
        before = dunk(sizes={"9": True, "10": True, "11": True})
        after = dunk(sizes={"9": True, "10": False, "11": False})
        (event,) = diff(snap(before), snap(after))
        assert event.kind is EventKind.SOLD_OUT
        assert ids(event) == ["dunk-10", "dunk-11"]

    def test_an_in_stock_variant_that_disappears_counts_as_sold_out(self) -> None:
        before = dunk(sizes={"9": True, "10": True})
        after = dunk(sizes={"9": True})
        (event,) = diff(snap(before), snap(after))
        assert event.kind is EventKind.SOLD_OUT
        assert ids(event) == ["dunk-10"]

    def test_an_out_of_stock_variant_that_disappears_is_no_event(self) -> None:
        before = dunk(sizes={"9": True, "10": False})
        after = dunk(sizes={"9": True})
        assert diff(snap(before), snap(after)) == []


class TestPriceChange:
    def test_price_up(self) -> None:
        events = diff(snap(dunk(sizes={"9": True}, price=11000)), snap(dunk(sizes={"9": True}, price=13000)))
        assert kinds(events) == [EventKind.PRICE_CHANGE]
        assert (events[0].old_price, events[0].new_price) == (11000, 13000)
        assert events[0].variants == ()

    def test_price_down(self) -> None:
        events = diff(snap(dunk(sizes={"9": True}, price=13000)), snap(dunk(sizes={"9": True}, price=9999)))
        assert kinds(events) == [EventKind.PRICE_CHANGE]
        assert (events[0].old_price, events[0].new_price) == (13000, 9999)

    def test_price_is_the_lowest_variant_price(self) -> None:
        before = p("x", v("x1", "9", price=10000), v("x2", "13", price=12000))
        after = p("x", v("x1", "9", price=10000), v("x2", "13", price=15000))
        # The "from" price did not move: an upcharge on one size is no price change.
        assert diff(snap(before), snap(after)) == []

    def test_product_without_variants_has_no_price_to_change(self) -> None:
        before = p("x")
        after = p("x", v("x1", "9", price=10000))
        assert kinds(diff(snap(before), snap(after))) == [EventKind.NEW_VARIANT]


class TestNewVariant:
    def test_new_size_added_to_a_known_product(self) -> None:
        before = dunk(sizes={"9": True})
        after = dunk(sizes={"9": True, "12": True, "13": False})
        events = diff(snap(before), snap(after))
        assert kinds(events) == [EventKind.NEW_VARIANT]
        assert ids(events[0]) == ["dunk-12", "dunk-13"]
        assert [x.available for x in events[0].variants] == [True, False]

    def test_new_variant_is_not_also_a_restock(self) -> None:
        before = dunk(sizes={"9": False})
        after = dunk(sizes={"9": False, "10": True})
        assert kinds(diff(snap(before), snap(after))) == [EventKind.NEW_VARIANT]


class TestPassword:
    def test_password_up_with_products_carried_forward(self) -> None:
        catalogue = snap(dunk(sizes={"9": True}), version=5)
        locked = carry_forward(catalogue, snap(locked=True, version=5))
        assert locked.products == catalogue.products
        assert locked.password_locked
        events = diff(catalogue, locked)
        assert kinds(events) == [EventKind.PASSWORD_UP]
        assert events[0].product is None
        assert events[0].product_id == ""

    def test_password_down_announces_only_what_changed_while_locked(self) -> None:
        locked = snap(dunk(sizes={"9": False, "10": False}), locked=True)
        reopened = snap(dunk(sizes={"9": True, "10": False}), p("new", v("n1", "M")))
        events = diff(locked, reopened)
        assert kinds(events) == [EventKind.PASSWORD_DOWN, EventKind.RESTOCK, EventKind.NEW_PRODUCT]
        assert ids(events[1]) == ["dunk-9"]

    def test_still_locked_is_no_event(self) -> None:
        locked = snap(dunk(sizes={"9": True}), locked=True)
        assert diff(locked, carry_forward(locked, snap(locked=True))) == []

    def test_carry_forward_keeps_a_locked_page_that_shows_products(self) -> None:
        teaser = snap(p("teaser", v("t1", "M")), locked=True)
        assert carry_forward(snap(dunk(sizes={"9": True})), teaser) is teaser

    def test_carry_forward_leaves_an_open_store_alone(self) -> None:
        empty = snap()
        assert carry_forward(snap(dunk(sizes={"9": True})), empty) is empty

    def test_carry_forward_needs_a_previous_snapshot(self) -> None:
        locked = snap(locked=True)
        assert carry_forward(None, locked) is locked

    def test_carry_forward_keeps_the_current_version(self) -> None:
        carried = carry_forward(snap(dunk(sizes={"9": True}), version=2), snap(locked=True, version=7))
        assert carried.version == 7


class TestRemoval:
    def test_removed_product_with_available_sizes_is_sold_out_removed(self) -> None:
        gone = dunk(sizes={"9": True, "10": False, "11": True})
        events = diff(snap(gone, p("keep", v("k1", "M"))), snap(p("keep", v("k1", "M"))))
        assert kinds(events) == [EventKind.SOLD_OUT]
        (event,) = events
        assert event.removed is True
        assert event.product == gone
        assert ids(event) == ["dunk-9", "dunk-11"]

    def test_removed_product_that_was_already_sold_out_is_no_event(self) -> None:
        assert diff(snap(dunk(sizes={"9": False})), snap()) == []


class TestSimultaneousChanges:
    def test_one_event_per_kind_on_one_product(self) -> None:
        before = dunk(sizes={"8": True, "9": False, "10": True, "11": True}, price=11000)
        after = p(
            "dunk",
            v("dunk-8", "8", available=True, price=12000),  # unchanged stock
            v("dunk-9", "9", available=True, price=12000),  # restock
            v("dunk-10", "10", available=False, price=12000),  # sold out
            # dunk-11 disappears while in stock: sold out too
            v("dunk-12", "12", available=True, price=12000),  # new variant
        )
        events = diff(snap(before), snap(after))
        assert sorted(kinds(events)) == sorted(
            [EventKind.NEW_VARIANT, EventKind.RESTOCK, EventKind.SOLD_OUT, EventKind.PRICE_CHANGE]
        )
        by_kind = {e.kind: e for e in events}
        assert ids(by_kind[EventKind.NEW_VARIANT]) == ["dunk-12"]
        assert ids(by_kind[EventKind.RESTOCK]) == ["dunk-9"]
        assert ids(by_kind[EventKind.SOLD_OUT]) == ["dunk-10", "dunk-11"]
        price = by_kind[EventKind.PRICE_CHANGE]
        assert (price.old_price, price.new_price) == (11000, 12000)
        assert all(e.product == after for e in events)

    def test_changes_across_products_and_the_password_page(self) -> None:
        before = snap(dunk(sizes={"9": False}), p("gone", v("g1", "M")), locked=True)
        after = snap(dunk(sizes={"9": True}), p("new", v("n1", "L")))
        events = diff(before, after)
        assert sorted((e.kind, e.product_id) for e in events) == sorted(
            [
                (EventKind.PASSWORD_DOWN, ""),
                (EventKind.RESTOCK, "dunk"),
                (EventKind.NEW_PRODUCT, "new"),
                (EventKind.SOLD_OUT, "gone"),
            ]
        )


class TestMergeWatched:
    def test_watched_copy_wins_over_the_catalogue(self) -> None:
        catalogue = snap(dunk(sizes={"9": False}), p("other", v("o1", "M")), version=3)
        fresh = dunk(sizes={"9": True})
        merged = merge_watched(catalogue, {fresh.handle: fresh})
        assert merged.products["dunk"] == fresh
        assert merged.products["other"] == catalogue.products["other"]
        assert merged.version == 3
        assert catalogue.products["dunk"] != fresh  # the input is not mutated

    def test_watched_product_missing_from_the_catalogue_is_added(self) -> None:
        fresh = p("late", v("l1", "9"))
        merged = merge_watched(snap(), {fresh.handle: fresh})
        assert merged.products == {"late": fresh}

    def test_same_handle_under_a_new_id_replaces_the_stale_entry(self) -> None:
        stale = p("old-id", v("s1", "9"))
        fresh = replace(p("new-id", v("f1", "9")), handle=stale.handle)
        merged = merge_watched(snap(stale), {fresh.handle: fresh})
        assert merged.products == {"new-id": fresh}

    def test_nothing_watched_returns_the_catalogue(self) -> None:
        catalogue = snap(dunk(sizes={"9": True}))
        assert merge_watched(catalogue, {}) is catalogue

    def test_a_locked_store_is_not_overlaid(self) -> None:
        locked = snap(locked=True)
        fresh = dunk(sizes={"9": True})
        assert merge_watched(locked, {fresh.handle: fresh}) is locked


class TestAvailability:
    def test_available_keys_lists_in_stock_product_variant_pairs(self) -> None:
        catalogue = snap(dunk(sizes={"9": True, "10": False}), p("x", v("x1", "M")))
        assert available_keys(catalogue) == {("dunk", "dunk-9"), ("x", "x1")}

    def test_apply_availability_replays_every_kind(self) -> None:
        before = snap(dunk(sizes={"9": True, "10": False}), p("gone", v("g1", "M")))
        after = snap(
            dunk(sizes={"9": False, "10": True, "11": True}), p("new", v("n1", "L", available=False))
        )
        events = diff(before, after)
        assert apply_availability(available_keys(before), events) == available_keys(after)

    def test_price_and_password_events_do_not_touch_availability(self) -> None:
        keys = frozenset({("dunk", "dunk-9")})
        events = [
            ProductEvent(kind=EventKind.PASSWORD_UP),
            ProductEvent(
                kind=EventKind.PRICE_CHANGE, product=dunk(sizes={"9": True}), old_price=1, new_price=2
            ),
        ]
        assert apply_availability(keys, events) == keys

    def test_snapshot_with_products_keeps_lock_and_version(self) -> None:
        locked = Snapshot(password_locked=True, version=9)
        swapped = locked.with_products({"x": p("x")})
        assert (swapped.password_locked, swapped.version, list(swapped.products)) == (True, 9, ["x"])
