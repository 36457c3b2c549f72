"""Planning observable changes and matching alerts to them."""

from __future__ import annotations

import itertools
import random

import pytest

from bench.scenario import (
    Alert,
    Change,
    PlannedChange,
    Planner,
    match_alerts,
    percentile,
    plan_changes,
    plan_probes,
    seed_products,
    spread_times,
)


class TestSpreadTimes:
    def test_neighbours_are_at_least_gap_apart_and_inside_the_window(self) -> None:
        rng = random.Random(3)
        for _ in range(50):
            times = spread_times(rng, 24, 150.0, 5.0)
            assert len(times) == 24
            assert all(b - a >= 5.0 - 1e-9 for a, b in itertools.pairwise(times))
            assert times[0] >= 0 and times[-1] < 150.0

    def test_refuses_a_window_too_short(self) -> None:
        with pytest.raises(ValueError, match="do not fit"):
            spread_times(random.Random(1), 10, 20.0, 5.0)


class TestPlanner:
    def test_every_change_is_observable_against_the_tracked_state(self) -> None:
        rng = random.Random(5)
        stores = ["a", "b", "c"]
        seeds = seed_products(stores, rng)
        plan = plan_changes(Planner.from_seeds(rng, seeds), stores, 24, 150.0, 5.0)
        assert len(plan) == 72
        state = {(s.store, s.handle): (dict.fromkeys(s.sizes, s.available), s.price) for s in seeds}
        for c in plan:
            if c.op == "drop":
                assert (c.store, c.handle) not in state
                state[(c.store, c.handle)] = (dict.fromkeys(c.sizes, True), c.price or "")
                continue
            sizes, price = state[(c.store, c.handle)]
            if c.op == "price":
                assert c.price != price
                state[(c.store, c.handle)] = (sizes, c.price or "")
            else:
                before = c.op == "sold_out"  # sold_out needs sizes in stock, restock needs them gone
                assert c.sizes and all(sizes[s] is before for s in c.sizes)
                sizes.update(dict.fromkeys(c.sizes, not before))
        assert {c.op for c in plan} == {"drop", "restock", "sold_out", "price"}

    def test_changes_to_one_store_keep_their_distance(self) -> None:
        rng = random.Random(9)
        plan = plan_changes(Planner.from_seeds(rng, seed_products(["a"], rng)), ["a"], 24, 150.0, 5.0)
        times = [c.at for c in plan]
        assert all(b - a >= 5.0 - 1e-9 for a, b in itertools.pairwise(times))

    def test_probe_handles_carry_the_step_tag(self) -> None:
        probes = plan_probes(random.Random(1), [f"s{i}" for i in range(50)], 20, 30.0, tag="quiet500")
        assert len({p.store for p in probes}) == 20
        assert all(
            p.handle.startswith("bench-probe-quiet500-") and "Probe" in (p.title or "") for p in probes
        )


def _change(store: str, handle: str, op: str, at: float) -> Change:
    return Change(PlannedChange(0.0, store, op, handle), visible_at=at)


class TestMatchAlerts:
    def test_latency_missed_duplicates_flood_and_unmatched(self) -> None:
        changes = [
            _change("s", "h1", "drop", 100.0),
            _change("s", "h1", "restock", 110.0),
            _change("s", "h2", "price", 120.0),
        ]
        alerts = [
            Alert("s", "old", "new_product", 50.0),  # before the first change: start-up flood
            Alert("s", "h1", "new_product", 101.5),
            Alert("s", "h1", "new_product", 103.0),  # the same change again
            Alert("s", "h1", "restock", 111.0),
            Alert("s", "h9", "sold_out", 130.0),  # nothing like it happened
        ]
        m = match_alerts(changes, alerts)
        assert sorted(m.latencies) == pytest.approx([1.0, 1.5])
        assert [c.planned.handle for c in m.missed] == ["h2"]
        assert (m.duplicates, m.startup_flood, m.unmatched, m.detected) == (1, 1, 1, 2)

    def test_an_alert_before_its_change_does_not_count(self) -> None:
        m = match_alerts([_change("s", "h", "sold_out", 200.0)], [Alert("s", "h", "sold_out", 199.0)])
        assert m.detected == 0 and m.startup_flood == 1

    def test_repeated_changes_of_one_kind_pair_with_the_latest_visible(self) -> None:
        changes = [_change("s", "h", "restock", 10.0), _change("s", "h", "restock", 20.0)]
        alerts = [Alert("s", "h", "restock", 11.0), Alert("s", "h", "restock", 21.0)]
        m = match_alerts(changes, alerts)
        assert sorted(m.latencies) == pytest.approx([1.0, 1.0]) and m.duplicates == 0


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert percentile([float(i) for i in range(101)], 95) == pytest.approx(95.0)
