"""Notification channels: list, add, change, remove, send a test, and the delivery log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from phantom.api.channel_schemas import (
    ChannelCreate,
    ChannelRead,
    ChannelUpdate,
    DeliveryRead,
    DeliveryResultRead,
)
from phantom.api.deps import ServicesDep, authorize
from phantom.api.errors import error_responses
from phantom.domain.notifications import OutboxStatus
from phantom.services import channels as channel_service

router = APIRouter(tags=["channels"], dependencies=[Depends(authorize)])

Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/api/channels", operation_id="listChannels")
async def list_channels(services: ServicesDep) -> list[ChannelRead]:
    channels = await channel_service.list_channels(uow_factory=services.uow_factory)
    return [ChannelRead.of(c) for c in channels]


@router.post("/api/channels", status_code=201, operation_id="createChannel", responses=error_responses(400))
async def create_channel(body: ChannelCreate, services: ServicesDep) -> ChannelRead:
    channel = await channel_service.create_channel(
        body.spec(), uow_factory=services.uow_factory, ids=services.ids
    )
    return ChannelRead.of(channel)


@router.get("/api/channels/{channel_id}", operation_id="getChannel", responses=error_responses(404))
async def get_channel(channel_id: str, services: ServicesDep) -> ChannelRead:
    return ChannelRead.of(await channel_service.get_channel(channel_id, uow_factory=services.uow_factory))


@router.patch("/api/channels/{channel_id}", operation_id="updateChannel", responses=error_responses(400, 404))
async def update_channel(channel_id: str, body: ChannelUpdate, services: ServicesDep) -> ChannelRead:
    channel = await channel_service.update_channel(
        channel_id, body.changes(), uow_factory=services.uow_factory
    )
    return ChannelRead.of(channel)


@router.delete(
    "/api/channels/{channel_id}",
    status_code=204,
    operation_id="deleteChannel",
    responses=error_responses(404),
)
async def delete_channel(channel_id: str, services: ServicesDep) -> Response:
    await channel_service.delete_channel(channel_id, uow_factory=services.uow_factory)
    return Response(status_code=204)


@router.post(
    "/api/channels/{channel_id}/test", operation_id="sendChannelTest", responses=error_responses(404)
)
async def send_channel_test(channel_id: str, services: ServicesDep) -> DeliveryResultRead:
    """Send a sample restock alert straight to the channel (not through the outbox) and report what the
    channel answered."""
    channel = await channel_service.get_channel(channel_id, uow_factory=services.uow_factory)
    result = await channel_service.send_test(
        channel, notifier=services.notifier, event_id=services.ids(), now=services.clock.now()
    )
    return DeliveryResultRead.of(result)


@router.get(
    "/api/channels/{channel_id}/deliveries",
    operation_id="listChannelDeliveries",
    responses=error_responses(404),
)
async def list_channel_deliveries(
    channel_id: str, services: ServicesDep, status: OutboxStatus | None = None, limit: Limit = 50
) -> list[DeliveryRead]:
    deliveries = await channel_service.list_deliveries(
        uow_factory=services.uow_factory, channel_id=channel_id, status=status, limit=limit
    )
    return [DeliveryRead.of(d) for d in deliveries]


@router.get("/api/deliveries", operation_id="listDeliveries")
async def list_deliveries(
    services: ServicesDep, status: OutboxStatus | None = None, limit: Limit = 50
) -> list[DeliveryRead]:
    """The delivery log of every channel, newest first: sent, pending (retrying) and failed, with why."""
    deliveries = await channel_service.list_deliveries(
        uow_factory=services.uow_factory, status=status, limit=limit
    )
    return [DeliveryRead.of(d) for d in deliveries]
