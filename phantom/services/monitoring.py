"""Monitoring use case: a new snapshot of a store becomes persisted events and outbox rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from phantom.domain.diff import carry_forward, diff
from phantom.domain.events import StoredEvent, dedup_key
from phantom.domain.models import Snapshot
from phantom.domain.notifications import OutboxItem, OutboxStatus
from phantom.domain.ports import Clock, IdFactory, UnitOfWork, UnitOfWorkFactory
from phantom.domain.products import ProductPoint, ProductRecord, baseline_changes, event_changes
from phantom.domain.stores import Store


@dataclass(frozen=True, slots=True)
class SnapshotOutcome:
    snapshot: Snapshot  # the new "previous" for the next poll
    events: list[StoredEvent]  # newly written (duplicates dropped)
    alerts: tuple[OutboxItem, ...]  # outbox rows written


async def load_last_snapshot(store_id: str, *, uow_factory: UnitOfWorkFactory) -> Snapshot | None:
    async with uow_factory() as uow:
        return await uow.states.get(store_id)


async def record_snapshot(
    store: Store,
    previous: Snapshot | None,
    current: Snapshot,
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    ids: IdFactory,
    changed_at: datetime | None = None,
) -> SnapshotOutcome:
    """Diff `current` against `previous`; write the events, their alerts, the products they touch (read
    model and history points) and the new state in one transaction.

    The first snapshot of a store is a baseline: stored, announced never, and every product of it enters
    the read model. Events carry a dedup key made of the store, the snapshot version and the product, so
    replaying the same change after a crash writes nothing twice (its products are not touched again
    either). An unchanged snapshot opens no transaction at all.
    """
    current = carry_forward(previous, current)
    now = clock.now()
    if previous is None:
        baseline = Snapshot(current.products, current.password_locked, version=0)
        async with uow_factory() as uow:
            await uow.states.put(store.id, baseline, now)
            await _keep_products(uow, *baseline_changes(store.id, store.url, baseline.products.values(), now))
            await uow.commit()
        return SnapshotOutcome(baseline, [], ())
    changes = diff(previous, current)
    if not changes:
        return SnapshotOutcome(Snapshot(current.products, current.password_locked, previous.version), [], ())
    version = previous.version + 1
    snapshot = Snapshot(current.products, current.password_locked, version)
    stored = [
        StoredEvent(
            id=ids(),
            store_id=store.id,
            store_name=store.name,
            store_url=store.url,
            dedup_key=dedup_key(store.id, version, change),
            detected_at=now,
            event=change,
            changed_at=changed_at,
        )
        for change in changes
    ]
    async with uow_factory() as uow:
        written, alerts = await write_events(uow, store.id, stored, now=now, ids=ids)
        changed = event_changes(store.id, store.url, (e.event for e in written), snapshot.products, now)
        await _keep_products(uow, *changed)
        await uow.states.put(store.id, snapshot, now)
        await uow.commit()
    return SnapshotOutcome(snapshot, written, tuple(alerts))


async def write_events(
    uow: UnitOfWork, store_id: str, events: list[StoredEvent], *, now: datetime, ids: IdFactory
) -> tuple[list[StoredEvent], list[OutboxItem]]:
    """Add events (duplicates by dedup key are dropped) and an outbox row for every enabled channel whose
    route matches, inside the caller's transaction. Returns what was written."""
    written: list[StoredEvent] = []
    alerts: list[OutboxItem] = []
    channels = [c for c in await uow.channels.list() if c.enabled]
    for event in events:
        if not await uow.events.add(event):
            continue
        written.append(event)
        for channel in channels:
            if channel.route.matches(event.event, store_id):
                alert = OutboxItem(
                    id=ids(),
                    event_id=event.id,
                    channel_id=channel.id,
                    status=OutboxStatus.PENDING,
                    attempts=0,
                    created_at=now,
                    next_attempt_at=now,
                )
                await uow.outbox.add(alert)
                alerts.append(alert)
    return written, alerts


async def _keep_products(uow: UnitOfWork, records: list[ProductRecord], points: list[ProductPoint]) -> None:
    await uow.products.upsert(records)
    await uow.products.add_points(points)
