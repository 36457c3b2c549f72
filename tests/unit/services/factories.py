"""Builders for the service tests: stores, channels, stored events and outbox rows on a FakeDatabase."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from phantom.domain.events import EventKind, ProductEvent, StoredEvent
from phantom.domain.filters import EventFilter
from phantom.domain.models import Platform
from phantom.domain.notifications import Channel, ChannelKind, OutboxItem, OutboxStatus
from phantom.domain.stores import Store
from tests.fakes import EPOCH, FakeDatabase, FakeUnitOfWork
from tests.unit.domain.builders import dunk


def store(sid: str = "s1", url: str = "https://kith.com", **changes: object) -> Store:
    base = Store(id=sid, url=url, platform=Platform.SHOPIFY, name=f"store {sid}")
    return base.updated(**changes) if changes else base


def channel(
    cid: str,
    *,
    kinds: Iterable[EventKind] | None = None,
    keywords: str | None = None,
    sizes: Iterable[str] = (),
    store_ids: Iterable[str] = (),
    enabled: bool = True,
    disabled_reason: str | None = None,
) -> Channel:
    route = EventFilter.build(kinds=kinds, keywords=keywords, sizes=sizes, store_ids=store_ids)
    return Channel(
        id=cid,
        kind=ChannelKind.DISCORD,
        url=f"https://discord.com/api/webhooks/{cid}/token",
        route=route,
        name=cid,
        enabled=enabled,
        disabled_reason=disabled_reason,
    )


def stored_event(
    eid: str = "e1",
    *,
    store_id: str = "s1",
    detected_at: datetime = EPOCH,
    kind: EventKind = EventKind.RESTOCK,
) -> StoredEvent:
    product = dunk(sizes={"9": True, "10": True})
    return StoredEvent(
        id=eid,
        store_id=store_id,
        store_name=f"store {store_id}",
        store_url="https://kith.com",
        dedup_key=f"{store_id}:1:{kind.value}:{eid}",
        detected_at=detected_at,
        event=ProductEvent(kind=kind, product=product, variants=product.variants),
    )


def outbox_row(
    rid: str,
    *,
    channel_id: str = "c1",
    event_id: str = "e1",
    status: OutboxStatus = OutboxStatus.PENDING,
    attempts: int = 0,
    created: float = 0.0,
) -> OutboxItem:
    at = EPOCH + timedelta(seconds=created)
    return OutboxItem(
        id=rid,
        event_id=event_id,
        channel_id=channel_id,
        status=status,
        attempts=attempts,
        created_at=at,
        next_attempt_at=at,
    )


def put_rows(db: FakeDatabase, *rows: OutboxItem) -> None:
    for row in rows:
        db.outbox[row.id] = row


class CountingFactory:
    """A unit-of-work factory over a FakeDatabase that counts transactions and can make commits fail."""

    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self.opened = 0
        self.fail_with: Callable[[], BaseException] | None = None

    def __call__(self) -> FakeUnitOfWork:
        self.opened += 1
        uow = self.db.uow()
        if self.fail_with is not None:
            uow.fail_next_commit = self.fail_with()
        return uow
