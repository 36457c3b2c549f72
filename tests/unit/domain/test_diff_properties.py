"""Property tests for the change detector against an independent reference implementation."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phantom.domain.diff import apply_availability, available_keys, diff
from phantom.domain.events import EventKind, ProductEvent, dedup_key
from phantom.domain.models import Product, Snapshot
from tests.unit.domain.strategies import poll_sequences, rebuilt, snapshot_pairs, snapshots

# (kind, product id, variant ids, old price, new price, removed)
EventShape = tuple[EventKind, str, frozenset[str], int | None, int | None, bool]

# Budgets keep the whole domain suite well under 10 s; the strategies overlap snapshots on purpose, so a few
# hundred examples reach every branch of the diff.
THOROUGH = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
QUICK = settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _lowest_price(product: Product) -> int | None:
    prices = [v.price for v in product.variants]
    return min(prices) if prices else None


def _product_shapes(old: Product, new: Product) -> list[EventShape]:
    was = {v.id: v.available for v in old.variants}
    now = {v.id: v.available for v in new.variants}
    added = frozenset(now.keys() - was.keys())
    restocked = frozenset(vid for vid in now.keys() & was.keys() if now[vid] and not was[vid])
    went = frozenset(vid for vid in was.keys() & now.keys() if was[vid] and not now[vid])
    vanished = frozenset(vid for vid in was.keys() - now.keys() if was[vid])
    shapes: list[EventShape] = []
    if added:
        shapes.append((EventKind.NEW_VARIANT, new.id, added, None, None, False))
    if restocked:
        shapes.append((EventKind.RESTOCK, new.id, restocked, None, None, False))
    if went | vanished:
        shapes.append((EventKind.SOLD_OUT, new.id, went | vanished, None, None, False))
    before, after = _lowest_price(old), _lowest_price(new)
    if before is not None and after is not None and before != after:
        shapes.append((EventKind.PRICE_CHANGE, new.id, frozenset(), before, after, False))
    return shapes


def reference_diff(previous: Snapshot | None, current: Snapshot) -> Counter[EventShape]:
    """What should change, written from the event definitions rather than from diff.py."""
    shapes: Counter[EventShape] = Counter()
    if previous is None:
        return shapes
    if previous.password_locked and not current.password_locked:
        shapes[(EventKind.PASSWORD_DOWN, "", frozenset(), None, None, False)] += 1
    if current.password_locked and not previous.password_locked:
        shapes[(EventKind.PASSWORD_UP, "", frozenset(), None, None, False)] += 1
    old_ids, new_ids = previous.products.keys(), current.products.keys()
    for pid in new_ids - old_ids:
        product = current.products[pid]
        variant_ids = frozenset(v.id for v in product.variants)
        shapes[(EventKind.NEW_PRODUCT, pid, variant_ids, None, None, False)] += 1
    for pid in old_ids - new_ids:
        in_stock = frozenset(v.id for v in previous.products[pid].variants if v.available)
        if in_stock:
            shapes[(EventKind.SOLD_OUT, pid, in_stock, None, None, True)] += 1
    for pid in old_ids & new_ids:
        shapes.update(_product_shapes(previous.products[pid], current.products[pid]))
    return shapes


def shape(event: ProductEvent) -> EventShape:
    return (
        event.kind,
        event.product_id,
        frozenset(v.id for v in event.variants),
        event.old_price,
        event.new_price,
        event.removed,
    )


class TestDiffMatchesReference:
    @THOROUGH
    @given(snapshot_pairs())
    def test_same_multiset_of_events(self, pair: tuple[Snapshot, Snapshot]) -> None:
        previous, current = pair
        assert Counter(shape(e) for e in diff(previous, current)) == reference_diff(previous, current)

    @QUICK
    @given(snapshot_pairs())
    def test_event_variants_are_distinct_and_belong_to_the_product(
        self, pair: tuple[Snapshot, Snapshot]
    ) -> None:
        previous, current = pair
        for event in diff(previous, current):
            variant_ids = [v.id for v in event.variants]
            assert len(variant_ids) == len(set(variant_ids))
            if event.product is not None:
                known = {v.id for v in event.product.variants}
                if event.kind is EventKind.SOLD_OUT:
                    known |= {v.id for v in previous.products[event.product_id].variants}
                assert set(variant_ids) <= known

    def test_reference_agrees_on_a_hand_built_case(self) -> None:
        # Guards the reference itself: a reference that always returned nothing would agree with a broken diff
        # only on empty cases, and this one is not.
        from tests.unit.domain.builders import dunk, snap

        previous = snap(dunk(sizes={"9": False, "10": True}))
        current = snap(dunk(sizes={"9": True, "10": True}, price=9000))
        assert reference_diff(previous, current) == Counter(
            {
                (EventKind.RESTOCK, "dunk", frozenset({"dunk-9"}), None, None, False): 1,
                (EventKind.PRICE_CHANGE, "dunk", frozenset(), 11000, 9000, False): 1,
            }
        )


class TestReplay:
    @QUICK
    @given(snapshots())
    def test_identical_snapshot_emits_nothing(self, snapshot: Snapshot) -> None:
        assert diff(snapshot, snapshot) == []

    @QUICK
    @given(snapshots())
    def test_equal_but_separately_built_snapshot_emits_nothing(self, snapshot: Snapshot) -> None:
        copy = rebuilt(snapshot)
        assert copy == snapshot
        assert copy is not snapshot
        assert diff(snapshot, copy) == []
        assert diff(copy, snapshot) == []


class TestAvailabilityInvariant:
    @THOROUGH
    @given(snapshot_pairs())
    def test_applying_the_events_to_previous_gives_current(self, pair: tuple[Snapshot, Snapshot]) -> None:
        previous, current = pair
        events = diff(previous, current)
        assert apply_availability(available_keys(previous), events) == available_keys(current)

    @QUICK
    @given(poll_sequences())
    def test_invariant_holds_along_a_sequence_of_polls(self, polls: list[Snapshot]) -> None:
        keys = available_keys(polls[0])
        for previous, current in pairwise(polls):
            keys = apply_availability(keys, diff(previous, current))
        assert keys == available_keys(polls[-1])


class TestBaselineProperty:
    @QUICK
    @given(snapshots())
    def test_no_previous_snapshot_emits_nothing(self, snapshot: Snapshot) -> None:
        assert diff(None, snapshot) == []


class TestDedupKeys:
    @QUICK
    @given(snapshot_pairs(), st.integers(0, 10_000))
    def test_every_event_of_one_diff_has_a_unique_dedup_key(
        self, pair: tuple[Snapshot, Snapshot], version: int
    ) -> None:
        keys = [dedup_key("store-1", version, e) for e in diff(*pair)]
        assert len(keys) == len(set(keys))
