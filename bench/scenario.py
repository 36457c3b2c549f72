"""Scheduling store changes and matching the alerts that come back. Pure: no I/O, no clock.

A plan is made of bench-owned products whose state the planner tracks, so that every change is an
observable one (a restock only names sizes that are sold out, a sell-out only sizes in stock, a price
change always changes the price). Changes to one store are at least `gap` seconds apart so that each
lands in its own poll and is a distinct event.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

SIZES = ("7", "7.5", "8", "8.5", "9", "9.5", "10", "10.5", "11", "12")
OPS = ("drop", "restock", "sold_out", "price")


class Kind(StrEnum):
    """Alert kinds, spelled as Phantom's `EventKind` values (the raw poller uses the same words)."""

    NEW_PRODUCT = "new_product"
    RESTOCK = "restock"
    SOLD_OUT = "sold_out"
    PRICE_CHANGE = "price_change"


OP_KIND: dict[str, Kind] = {
    "drop": Kind.NEW_PRODUCT,
    "restock": Kind.RESTOCK,
    "sold_out": Kind.SOLD_OUT,
    "price": Kind.PRICE_CHANGE,
}


@dataclass(frozen=True, slots=True)
class Seed:
    """A bench-owned product created before the pollers start (part of everyone's baseline)."""

    store: str
    handle: str
    title: str
    sizes: tuple[str, ...]
    price: str
    available: bool


@dataclass(frozen=True, slots=True)
class PlannedChange:
    at: float  # seconds after the scenario starts
    store: str
    op: str  # the sim control operation: drop | restock | sold_out | price
    handle: str
    sizes: tuple[str, ...] = ()
    price: str | None = None
    title: str | None = None

    @property
    def kind(self) -> Kind:
        return OP_KIND[self.op]

    def body(self) -> dict[str, object]:
        """The JSON body of the sim control call that makes this change."""
        body: dict[str, object] = {"handle": self.handle}
        if self.op == "drop":
            body.update(title=self.title, sizes=list(self.sizes), price=self.price, available=True)
        elif self.op in ("restock", "sold_out"):
            body["sizes"] = list(self.sizes)
        else:
            body["price"] = self.price
        return body


@dataclass(frozen=True, slots=True)
class Change:
    """A planned change as it happened: `visible_at` is the sim's clock when pollers could see it."""

    planned: PlannedChange
    visible_at: float

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.planned.store, self.planned.handle, self.planned.kind.value)


@dataclass(frozen=True, slots=True)
class Alert:
    store: str
    handle: str
    kind: str
    received_at: float

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.store, self.handle, self.kind)


@dataclass(slots=True)
class _Product:
    handle: str
    sizes: dict[str, bool]
    cents: int


def _price(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def seed_products(stores: Sequence[str], rng: random.Random, per_store: int = 2) -> list[Seed]:
    """Products every store starts with: alternately all in stock and all sold out."""
    seeds = []
    for store in stores:
        for i in range(per_store):
            sizes = tuple(sorted(rng.sample(SIZES, 6), key=float))
            seeds.append(
                Seed(
                    store=store,
                    handle=f"bench-{store}-seed-{i}",
                    title=f"Bench Seed {store} {i}",
                    sizes=sizes,
                    price=_price(rng.randrange(110, 250, 5) * 100),
                    available=i % 2 == 0,
                )
            )
    return seeds


def spread_times(rng: random.Random, count: int, window: float, gap: float) -> list[float]:
    """`count` random times in [0, window) with at least `gap` between neighbours."""
    if count <= 0:
        return []
    slack = window - (count - 1) * gap
    if slack <= 0:
        raise ValueError(f"{count} changes {gap:.1f}s apart do not fit in {window:.1f}s")
    offsets = sorted(rng.uniform(0, slack) for _ in range(count))
    return [o + i * gap for i, o in enumerate(offsets)]


@dataclass(slots=True)
class Planner:
    """Plans observable changes against the tracked state of bench-owned products."""

    rng: random.Random
    products: dict[str, list[_Product]] = field(default_factory=dict)
    drops: int = 0

    @classmethod
    def from_seeds(cls, rng: random.Random, seeds: Iterable[Seed]) -> Planner:
        planner = cls(rng)
        for s in seeds:
            sizes = dict.fromkeys(s.sizes, s.available)
            planner.products.setdefault(s.store, []).append(_Product(s.handle, sizes, _cents(s.price)))
        return planner

    def next_change(self, store: str, at: float) -> PlannedChange:
        ops = list(OPS)
        self.rng.shuffle(ops)
        for op in ops:
            change = self._try(op, store, at)
            if change is not None:
                return change
        return self._drop(store, at)  # always possible

    def _try(self, op: str, store: str, at: float) -> PlannedChange | None:
        if op == "drop":
            return self._drop(store, at)
        owned = self.products.get(store, [])
        if op == "price":
            if not owned:
                return None
            p = self.rng.choice(owned)
            p.cents += self.rng.choice((-1, 1)) * self.rng.randrange(5, 40, 5) * 100
            p.cents = max(p.cents, 1_000)
            return PlannedChange(at, store, "price", p.handle, price=_price(p.cents))
        want = op == "sold_out"  # sizes that must be in stock now (to sell out) or not (to restock)
        candidates = [p for p in owned if any(v is want for v in p.sizes.values())]
        if not candidates:
            return None
        p = self.rng.choice(candidates)
        pool = [s for s, v in p.sizes.items() if v is want]
        chosen = tuple(sorted(self.rng.sample(pool, self.rng.randint(1, min(3, len(pool)))), key=float))
        for s in chosen:
            p.sizes[s] = not want
        return PlannedChange(at, store, op, p.handle, sizes=chosen)

    def _drop(self, store: str, at: float) -> PlannedChange:
        self.drops += 1
        sizes = tuple(sorted(self.rng.sample(SIZES, self.rng.randint(4, 8)), key=float))
        cents = self.rng.randrange(110, 250, 5) * 100
        handle = f"bench-{store}-drop-{self.drops}"
        self.products.setdefault(store, []).append(_Product(handle, dict.fromkeys(sizes, True), cents))
        title = f"Bench Drop {store} {self.drops}"
        return PlannedChange(at, store, "drop", handle, sizes=sizes, price=_price(cents), title=title)


def _cents(price: str) -> int:
    return round(float(price) * 100)


def plan_changes(
    planner: Planner, stores: Sequence[str], per_store: int, window: float, gap: float
) -> list[PlannedChange]:
    """`per_store` changes for every store at random times in the window, sorted by time."""
    plan = []
    for store in stores:
        for at in spread_times(planner.rng, per_store, window, gap):
            plan.append((at, store))
    plan.sort()
    return [planner.next_change(store, at) for at, store in plan]


def plan_probes(
    rng: random.Random, stores: Sequence[str], count: int, window: float, tag: str
) -> list[PlannedChange]:
    """Capacity-sweep probes: new products titled "Bench Probe …" on distinct random stores.

    `tag` keeps handles unique across sweep steps that reuse the same stores."""
    chosen = rng.sample(list(stores), min(count, len(stores)))
    times = sorted(rng.uniform(0, window) for _ in chosen)
    return [
        PlannedChange(
            at,
            store,
            "drop",
            f"bench-probe-{tag}-{i}",
            sizes=("9", "10"),
            price="150.00",
            title=f"Bench Probe {tag} {i}",
        )
        for i, (at, store) in enumerate(zip(times, chosen, strict=True))
    ]


# ---- matching --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Match:
    """How one contender's alerts line up with the changes that happened."""

    changes: int
    latencies: list[float]  # one per detected change: received_at - visible_at
    missed: list[Change]
    duplicates: int
    unmatched: int  # alerts after the first change that match no change at all
    startup_flood: int  # alerts received before the first change became visible

    @property
    def detected(self) -> int:
        return len(self.latencies)


def match_alerts(changes: Sequence[Change], alerts: Iterable[Alert], *, since: float | None = None) -> Match:
    """Pair each alert with the latest change of the same (store, handle, kind) visible before it.

    A second alert for a change already paired is a duplicate. Alerts before the first change (or before
    `since`) are a start-up flood: the baseline must announce nothing.
    """
    by_key: dict[tuple[str, str, str], list[int]] = {}
    for i in sorted(range(len(changes)), key=lambda i: changes[i].visible_at):
        by_key.setdefault(changes[i].key, []).append(i)
    first = since if since is not None else min((c.visible_at for c in changes), default=float("inf"))
    paired: dict[int, float] = {}
    duplicates = unmatched = flood = 0
    for alert in sorted(alerts, key=lambda a: a.received_at):
        if alert.received_at < first:
            flood += 1
            continue
        visible = [i for i in by_key.get(alert.key, []) if changes[i].visible_at <= alert.received_at]
        if not visible:
            unmatched += 1
        elif visible[-1] in paired:
            duplicates += 1
        else:
            paired[visible[-1]] = alert.received_at - changes[visible[-1]].visible_at
    missed = [c for i, c in enumerate(changes) if i not in paired]
    return Match(len(changes), list(paired.values()), missed, duplicates, unmatched, flood)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
