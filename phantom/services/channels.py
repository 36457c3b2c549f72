"""Notification channel use cases: configure where alerts go and what each channel wants."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from phantom.domain.errors import ChannelNotFound, InvalidChannel
from phantom.domain.events import DEFAULT_ALERT_KINDS, EventKind, ProductEvent, StoredEvent
from phantom.domain.filters import EventFilter
from phantom.domain.models import Product, Variant
from phantom.domain.notifications import Channel, ChannelKind, DeliveryResult
from phantom.domain.ports import IdFactory, Notifier, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    kind: ChannelKind
    url: str
    name: str = ""
    kinds: frozenset[EventKind] = DEFAULT_ALERT_KINDS
    keywords: str | None = None
    sizes: tuple[str, ...] = ()
    max_price: int | None = None  # minor units
    store_ids: tuple[str, ...] = field(default_factory=tuple)

    def to_channel(self, channel_id: str) -> Channel:
        if self.kind is ChannelKind.DISCORD and not self.url.startswith(("http://", "https://")):
            raise InvalidChannel("a discord webhook must be an http(s) URL")
        if "://" not in self.url:
            raise InvalidChannel("a channel URL must look like scheme://…")
        route = EventFilter.build(
            kinds=self.kinds,
            keywords=self.keywords,
            sizes=self.sizes,
            max_price=self.max_price,
            store_ids=self.store_ids,
        )
        return Channel(
            id=channel_id, kind=self.kind, url=self.url, route=route, name=self.name or self.kind.value
        )


async def list_channels(*, uow_factory: UnitOfWorkFactory) -> list[Channel]:
    async with uow_factory() as uow:
        return await uow.channels.list()


async def get_channel(channel_id: str, *, uow_factory: UnitOfWorkFactory) -> Channel:
    async with uow_factory() as uow:
        channel = await uow.channels.get(channel_id)
    if channel is None:
        raise ChannelNotFound(f"no channel with id {channel_id}")
    return channel


async def sync_channels(
    specs: Iterable[ChannelSpec], *, uow_factory: UnitOfWorkFactory, ids: IdFactory
) -> list[Channel]:
    """Make the configured channels exist (matched by URL) with the configured routing, in one transaction."""
    async with uow_factory() as uow:
        existing = {c.url: c for c in await uow.channels.list()}
        for spec in specs:
            old = existing.get(spec.url)
            if old is None:
                await uow.channels.add(spec.to_channel(ids()))
                continue
            wanted = spec.to_channel(old.id)
            # Re-enable only if the person changed something; a channel Discord deleted stays off.
            if replace(wanted, enabled=old.enabled, disabled_reason=old.disabled_reason) != old:
                await uow.channels.update(wanted)
        await uow.commit()
        return await uow.channels.list()


def sample_event(*, event_id: str, now: datetime) -> StoredEvent:
    """A realistic restock used by `phantom notify test` and the dashboard's "send test"."""
    variants = tuple(
        Variant(id=str(40000000000 + i), size=size, price=11000, available=size in ("9", "9.5", "10"))
        for i, size in enumerate(("8", "8.5", "9", "9.5", "10", "10.5", "11"))
    )
    product = Product(
        id="7000000000001",
        handle="nike-dunk-low-retro-white-black",
        title="Nike Dunk Low Retro - White/Black (Phantom test alert)",
        variants=variants,
        vendor="Nike",
        image=None,
    )
    event = ProductEvent(kind=EventKind.RESTOCK, product=product, variants=product.available_variants)
    return StoredEvent(
        id=event_id,
        store_id="test",
        store_name="Phantom test store",
        store_url="https://example.com",
        dedup_key=f"test:{event_id}",
        detected_at=now,
        event=event,
    )


async def send_test(channel: Channel, *, notifier: Notifier, event_id: str, now: datetime) -> DeliveryResult:
    """Send a sample alert straight to one channel (not through the outbox: a test is not an alert)."""
    await notifier.wait_ready(channel)
    return await notifier.send(channel, sample_event(event_id=event_id, now=now))
