"""Helpers for the worker tests: recording monitor callbacks, a real clock and bounded waits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from phantom.domain.events import StoredEvent
from phantom.domain.health import HealthStatus, StoreHealth
from phantom.domain.notifications import OutboxItem
from phantom.domain.ports import Clock, FetchResult, SourceCache, UnitOfWorkFactory
from phantom.domain.stores import Store
from phantom.workers.store_monitor import MonitorDeps
from tests.fakes import FakeMetrics, FakeStoreSource, SequentialIds


@dataclass
class Recorder:
    """The monitor's on_events / on_health callbacks, recorded (health copied: the object is live)."""

    events: list[tuple[str, list[StoredEvent], int]] = field(default_factory=list)
    health: list[tuple[str, HealthStatus, str | None]] = field(default_factory=list)

    def on_events(self, store: Store, events: list[StoredEvent], alerts: Sequence[OutboxItem]) -> None:
        self.events.append((store.id, events, len(alerts)))

    def on_health(self, store: Store, health: StoreHealth) -> None:
        self.health.append((store.id, health.status, health.blocked_reason))

    def all_events(self) -> list[StoredEvent]:
        return [e for _, events, _ in self.events for e in events]


def monitor_deps(
    uow_factory: UnitOfWorkFactory, clock: Clock, metrics: FakeMetrics, recorder: Recorder, **options: float
) -> MonitorDeps:
    return MonitorDeps(
        uow_factory=uow_factory,
        clock=clock,
        ids=SequentialIds(),
        metrics=metrics,
        on_events=recorder.on_events,
        on_health=recorder.on_health,
        **options,
    )


class RealClock:
    """The system clock, for tests that run real asyncio timing (tests may not import adapters' clock)."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class TimedStoreSource(FakeStoreSource):
    """FakeStoreSource that also remembers when each fetch happened and which cache it was handed."""

    def __init__(self) -> None:
        super().__init__()
        self.at: dict[str, list[float]] = {}
        self.caches: list[SourceCache] = []

    async def fetch(self, store: Store, cache: SourceCache) -> FetchResult:
        self.at.setdefault(store.id, []).append(time.monotonic())
        self.caches.append(cache)
        return await super().fetch(store, cache)

    def count(self, store_id: str) -> int:
        return len(self.at.get(store_id, []))


async def eventually(predicate: Callable[[], bool], *, within: float = 1.0, step: float = 0.005) -> None:
    """Wait (bounded) until `predicate()` holds; fail the test otherwise."""
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(step)
