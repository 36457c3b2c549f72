"""Inbound webhooks: external monitors post signed messages; each becomes a product event of the store it
names (a disabled store row is made for a store Phantom does not watch), written with its alerts like a
detected change, then published to the live feed, the rules and the outbox worker.

The channel secret is the HMAC key, so it is stored as it is (a hash could not verify a signature); it is
shown once, when the channel is made or its secret rotated, and never again.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from phantom.domain.errors import DuplicateStore, InvalidStore
from phantom.domain.events import StoredEvent
from phantom.domain.inbound import (
    MAX_BODY,
    InboundChannel,
    InboundChannelNotFound,
    InboundTooLarge,
    InboundUnauthorized,
    InvalidInboundMessage,
    dedup_key,
    parse_message,
    signature_ok,
    validate_channel_name,
)
from phantom.domain.models import Platform
from phantom.domain.ports import Clock, EventSink, IdFactory, UnitOfWork, UnitOfWorkFactory
from phantom.domain.stores import Store, default_store_name, normalize_store_url
from phantom.services.monitoring import write_events

# Checked against when the channel is unknown, so an unknown name costs what a bad signature costs.
_DECOY_SECRET = "decoy-" + "0" * 58


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class ChannelWithSecret:
    """A channel and its secret in clear: only ever returned by create and rotate."""

    channel: InboundChannel
    secret: str


# ---- receiving -------------------------------------------------------------------------------------


async def receive(
    channel_name: str,
    body: bytes,
    *,
    signature: str | None,
    timestamp: str | None,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    ids: IdFactory,
    sink: EventSink,
) -> list[StoredEvent]:
    """Verify, parse and record one message. Returns the events written (empty for a duplicate message).

    Raises InboundUnauthorized for an unknown or disabled channel, a bad signature or a stale timestamp —
    one error with one message, so a caller learns nothing about which — and InvalidInboundMessage for a
    body that is not a message.
    """
    if len(body) > MAX_BODY:
        raise InboundTooLarge(f"the body is larger than {MAX_BODY} bytes")
    async with uow_factory() as uow:
        channel = await uow.inbound.get_by_name(channel_name)
    usable = channel is not None and channel.enabled
    secret = channel.secret if channel is not None and usable else _DECOY_SECRET
    if not signature_ok(secret, timestamp, body, signature, clock.now()) or not usable:
        raise InboundUnauthorized("signature check failed")
    try:
        data = json.loads(body)
    except ValueError:
        raise InvalidInboundMessage("the body is not JSON") from None
    message = parse_message(data)
    try:
        store_url = normalize_store_url(message.store_url)
    except InvalidStore as exc:
        raise InvalidInboundMessage(str(exc)) from None
    now = clock.now()
    async with uow_factory() as uow:
        store = await _store_for(uow, store_url, ids)
        event = StoredEvent(
            id=ids(),
            store_id=store.id,
            store_name=store.name,
            store_url=store.url,
            dedup_key=dedup_key(message, now),
            detected_at=now,
            event=message.event(),
        )
        written, alerts = await write_events(uow, store.id, [event], now=now, ids=ids)
        await uow.commit()
    if written:
        sink.publish(store, written, alerts)
    return written


async def _store_for(uow: UnitOfWork, url: str, ids: IdFactory) -> Store:
    """The store with this URL; a new, disabled (not polled) one when Phantom does not know it yet."""
    if (store := await uow.stores.get_by_url(url)) is not None:
        return store
    store = Store(id=ids(), url=url, platform=Platform.SHOPIFY, name=default_store_name(url), enabled=False)
    try:
        await uow.stores.add(store)
    except DuplicateStore:  # a concurrent message made it first
        found = await uow.stores.get_by_url(url)
        if found is None:
            raise
        return found
    return store


# ---- channels --------------------------------------------------------------------------------------


async def list_channels(*, uow_factory: UnitOfWorkFactory) -> list[InboundChannel]:
    async with uow_factory() as uow:
        return await uow.inbound.list()


async def get_channel(channel_id: str, *, uow_factory: UnitOfWorkFactory) -> InboundChannel:
    async with uow_factory() as uow:
        return await _get(uow, channel_id)


async def create_channel(
    name: str, *, enabled: bool = True, uow_factory: UnitOfWorkFactory, clock: Clock, ids: IdFactory
) -> ChannelWithSecret:
    """A new channel with a fresh secret (returned here, never again). Raises InvalidInboundChannel or
    DuplicateInboundChannel."""
    secret = new_secret()
    channel = InboundChannel(
        id=ids(), name=validate_channel_name(name), secret=secret, enabled=enabled, created_at=clock.now()
    )
    async with uow_factory() as uow:
        await uow.inbound.add(channel)
        await uow.commit()
    return ChannelWithSecret(channel, secret)


async def update_channel(
    channel_id: str,
    *,
    name: str | None = None,
    enabled: bool | None = None,
    uow_factory: UnitOfWorkFactory,
) -> InboundChannel:
    async with uow_factory() as uow:
        channel = await _get(uow, channel_id)
        if name is not None:
            channel = channel.updated(name=validate_channel_name(name))
        if enabled is not None:
            channel = channel.updated(enabled=enabled)
        await uow.inbound.update(channel)
        await uow.commit()
    return channel


async def rotate_secret(channel_id: str, *, uow_factory: UnitOfWorkFactory) -> ChannelWithSecret:
    """Replace the secret: messages signed with the old one are refused from now on."""
    secret = new_secret()
    async with uow_factory() as uow:
        channel = (await _get(uow, channel_id)).updated(secret=secret)
        await uow.inbound.update(channel)
        await uow.commit()
    return ChannelWithSecret(channel, secret)


async def delete_channel(channel_id: str, *, uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await _get(uow, channel_id)
        await uow.inbound.delete(channel_id)
        await uow.commit()


async def _get(uow: UnitOfWork, channel_id: str) -> InboundChannel:
    channel = await uow.inbound.get(channel_id)
    if channel is None:
        raise InboundChannelNotFound(f"no inbound channel with id {channel_id}")
    return channel
