"""Notification channel use cases: configure where alerts go and what each channel wants."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from phantom.domain.errors import ChannelNotFound, InvalidChannel
from phantom.domain.events import DEFAULT_ALERT_KINDS, EventKind, ProductEvent, StoredEvent
from phantom.domain.filters import EventFilter, KeywordFilter
from phantom.domain.models import Product, Variant
from phantom.domain.notifications import Channel, ChannelKind, DeliveryResult, OutboxItem, OutboxStatus
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


# ---- the dashboard's channel management -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChannelChanges:
    """A partial edit: None leaves a field as it is (so a PATCH without `url` keeps the secret URL)."""

    url: str | None = None
    name: str | None = None
    kinds: frozenset[EventKind] | None = None
    keywords: str | None = None
    sizes: tuple[str, ...] | None = None
    max_price: int | None = None
    clear_max_price: bool = False
    store_ids: tuple[str, ...] | None = None
    enabled: bool | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One row of the delivery log: an outbox row with what it was about."""

    item: OutboxItem
    event_kind: EventKind | None
    product_title: str | None


def spec_of(channel: Channel) -> ChannelSpec:
    """The spec a channel was built from (keywords in their normalised text form)."""
    route = channel.route
    return ChannelSpec(
        kind=channel.kind,
        url=channel.url,
        name=channel.name,
        kinds=route.kinds,
        keywords=keywords_text(route.keywords),
        sizes=tuple(sorted(route.sizes)),
        max_price=route.max_price,
        store_ids=tuple(sorted(route.store_ids)),
    )


def keywords_text(keywords: KeywordFilter) -> str | None:
    """`KeywordFilter.parse` backwards: `"+dunk -kids, jordan 1"` comes back as `"dunk -kids, jordan 1"`.

    A phrase term (`air-max` parses to the words "air max") is written with hyphens so it stays one term.
    """

    def term(words: str) -> str:
        return words.replace(" ", "-")

    groups = [
        " ".join([*(term(t) for t in g.required), *(f"-{term(t)}" for t in g.excluded)])
        for g in keywords.groups
    ]
    return ", ".join(groups) or None


async def create_channel(spec: ChannelSpec, *, uow_factory: UnitOfWorkFactory, ids: IdFactory) -> Channel:
    """Validate and store a new channel. Raises InvalidChannel."""
    channel = spec.to_channel(ids())
    async with uow_factory() as uow:
        await uow.channels.add(channel)
        await uow.commit()
    return channel


async def update_channel(
    channel_id: str, changes: ChannelChanges, *, uow_factory: UnitOfWorkFactory
) -> Channel:
    """Apply a partial edit. Re-enabling a channel (e.g. after Discord deleted its webhook and the person
    pasted a new one) clears the reason it was disabled. Raises ChannelNotFound or InvalidChannel."""
    async with uow_factory() as uow:
        current = await uow.channels.get(channel_id)
        if current is None:
            raise ChannelNotFound(f"no channel with id {channel_id}")
        old = spec_of(current)
        spec = replace(
            old,
            url=changes.url if changes.url is not None else old.url,
            name=changes.name if changes.name is not None else old.name,
            kinds=changes.kinds if changes.kinds is not None else old.kinds,
            keywords=changes.keywords if changes.keywords is not None else old.keywords,
            sizes=changes.sizes if changes.sizes is not None else old.sizes,
            max_price=None
            if changes.clear_max_price
            else (changes.max_price if changes.max_price is not None else old.max_price),
            store_ids=changes.store_ids if changes.store_ids is not None else old.store_ids,
        )
        enabled = current.enabled if changes.enabled is None else changes.enabled
        channel = replace(
            spec.to_channel(channel_id),
            enabled=enabled,
            disabled_reason=None if enabled else current.disabled_reason,
        )
        await uow.channels.update(channel)
        await uow.commit()
    return channel


async def delete_channel(channel_id: str, *, uow_factory: UnitOfWorkFactory) -> None:
    """Remove a channel and its delivery log. Raises ChannelNotFound."""
    async with uow_factory() as uow:
        if await uow.channels.get(channel_id) is None:
            raise ChannelNotFound(f"no channel with id {channel_id}")
        await uow.channels.delete(channel_id)
        await uow.commit()


async def list_deliveries(
    *,
    uow_factory: UnitOfWorkFactory,
    channel_id: str | None = None,
    status: OutboxStatus | None = None,
    limit: int = 100,
) -> list[Delivery]:
    """The delivery log, newest first. Raises ChannelNotFound for an unknown `channel_id`."""
    async with uow_factory() as uow:
        if channel_id is not None and await uow.channels.get(channel_id) is None:
            raise ChannelNotFound(f"no channel with id {channel_id}")
        items = await uow.outbox.list(status=status, channel_id=channel_id, limit=limit)
        events: dict[str, StoredEvent | None] = {}
        for item in items:
            if item.event_id not in events:
                events[item.event_id] = await uow.events.get(item.event_id)
    out = []
    for item in items:
        event = events[item.event_id]
        product = event.event.product if event else None
        out.append(Delivery(item, event.kind if event else None, product.title if product else None))
    return out


async def get_delivery(outbox_id: str, *, uow_factory: UnitOfWorkFactory) -> OutboxItem | None:
    async with uow_factory() as uow:
        return await uow.outbox.get(outbox_id)
