"""Domain objects for the persistence tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from phantom.domain.events import EventKind, ProductEvent, StoredEvent
from phantom.domain.filters import EventFilter
from phantom.domain.models import Platform, Product, Snapshot, Variant
from phantom.domain.notifications import Channel, ChannelKind, OutboxItem, OutboxStatus
from phantom.domain.stores import Store

T0 = datetime(2025, 3, 14, 9, 26, 53, 123456, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def store(sid: str = "s1", *, url: str | None = None, **changes: object) -> Store:
    base = Store(
        id=sid,
        url=url or f"https://{sid}.example",
        platform=Platform.SHOPIFY,
        interval=2.5,
        name=f"Store {sid}",
        watch_handles=("dunk-low",),
        watch_interval=1.0,
        max_pages=3,
        extra={"region": "eu"},
    )
    return base.updated(**changes) if changes else base


def variant(vid: str, size: str, *, available: bool = True, price: int = 11000) -> Variant:
    return Variant(id=vid, size=size, price=price, available=available, sku=f"SKU-{vid}")


def product(pid: str = "p1", title: str = "Nike Dunk Low Panda") -> Product:
    return Product(
        id=pid,
        handle=f"handle-{pid}",
        title=title,
        variants=(variant(f"{pid}-9", "9"), variant(f"{pid}-10", "10", available=False)),
        vendor="Nike",
        image="https://cdn.example/p.jpg",
        style_code="DD1391-100",
    )


def snapshot(version: int = 1, *pids: str, locked: bool = False) -> Snapshot:
    products = {pid: product(pid) for pid in (pids or ("p1", "p2"))}
    return Snapshot(products=products, password_locked=locked, version=version)


def event(
    eid: str,
    *,
    store_id: str = "s1",
    kind: EventKind = EventKind.RESTOCK,
    pid: str = "p1",
    version: int = 1,
    detected: datetime = T0,
    changed: datetime | None = None,
) -> StoredEvent:
    prod = product(pid) if kind not in (EventKind.PASSWORD_UP, EventKind.PASSWORD_DOWN) else None
    change = ProductEvent(kind=kind, product=prod, variants=prod.available_variants if prod else ())
    if kind is EventKind.PRICE_CHANGE:
        change = ProductEvent(kind=kind, product=prod, old_price=12000, new_price=11000)
    return StoredEvent(
        id=eid,
        store_id=store_id,
        store_name=f"Store {store_id}",
        store_url=f"https://{store_id}.example",
        dedup_key=f"{store_id}:{version}:{kind.value}:{pid}:{eid}",
        detected_at=detected,
        event=change,
        changed_at=changed,
    )


def channel(cid: str = "c1", **changes: object) -> Channel:
    route = EventFilter.build(
        kinds=[EventKind.RESTOCK, EventKind.NEW_PRODUCT],
        keywords="+dunk -kids, air-max 90",
        sizes=["US 9", "10.0"],
        max_price=15000,
        store_ids=["s1"],
    )
    base = Channel(
        id=cid,
        kind=ChannelKind.DISCORD,
        url=f"https://discord.example/api/webhooks/{cid}/t",
        route=route,
        name=cid,
    )
    return replace(base, **changes) if changes else base  # type: ignore[arg-type]


def item(
    iid: str,
    *,
    event_id: str = "e1",
    channel_id: str = "c1",
    created: datetime = T0,
    due: datetime | None = None,
    status: OutboxStatus = OutboxStatus.PENDING,
) -> OutboxItem:
    return OutboxItem(
        id=iid,
        event_id=event_id,
        channel_id=channel_id,
        status=status,
        attempts=0,
        created_at=created,
        next_attempt_at=due or created,
    )
