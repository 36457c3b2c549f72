"""Small builders for events and channels used by the notification tests."""

from __future__ import annotations

from datetime import UTC, datetime

from phantom.domain.events import EventKind, ProductEvent, StoredEvent
from phantom.domain.filters import EventFilter
from phantom.domain.models import Product, Variant
from phantom.domain.notifications import Channel, ChannelKind

DETECTED_AT = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)
STORE_URL = "https://kith.example"


def variant(vid: str, size: str, *, price: int = 14500, available: bool = True) -> Variant:
    return Variant(id=vid, size=size, price=price, available=available)


def product(
    *,
    title: str = "Nike Dunk Low Panda",
    variants: tuple[Variant, ...] | None = None,
    url: str | None = None,
    image: str | None = "https://cdn.example/dunk.jpg",
    vendor: str = "Nike",
    style_code: str | None = None,
) -> Product:
    if variants is None:
        variants = (variant("101", "9"), variant("102", "9.5"), variant("103", "10", available=False))
    return Product(
        id="p1",
        handle="dunk-low-panda",
        title=title,
        variants=variants,
        vendor=vendor,
        image=image,
        url=url,
        style_code=style_code,
    )


def stored(
    kind: EventKind,
    prod: Product | None = None,
    variants: tuple[Variant, ...] = (),
    *,
    old_price: int | None = None,
    new_price: int | None = None,
    removed: bool = False,
    event_id: str = "01HEVENT",
    store_name: str = "Kith",
    store_url: str = STORE_URL,
) -> StoredEvent:
    return StoredEvent(
        id=event_id,
        store_id="s1",
        store_name=store_name,
        store_url=store_url,
        dedup_key=f"s1:1:{kind.value}:p1",
        detected_at=DETECTED_AT,
        event=ProductEvent(
            kind=kind,
            product=prod,
            variants=variants,
            old_price=old_price,
            new_price=new_price,
            removed=removed,
        ),
    )


def restock(prod: Product | None = None, **kwargs: object) -> StoredEvent:
    prod = prod or product()
    return stored(EventKind.RESTOCK, prod, prod.available_variants, **kwargs)  # type: ignore[arg-type]


def channel(url: str, kind: ChannelKind = ChannelKind.DISCORD, cid: str = "c1") -> Channel:
    return Channel(id=cid, kind=kind, url=url, route=EventFilter())
