"""Inbound webhooks from external monitors, their channels, and the quick task.

`POST /api/webhooks/inbound/{channel}` is the one route without the API's token or session: the sender
proves itself with an HMAC signature of the body made with the channel's secret (services/inbound.py).
Everything else here is authenticated like the rest of the API.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response

from phantom.api.deps import ServicesDep, authorize
from phantom.api.errors import error_responses
from phantom.api.inbound_schemas import (
    INBOUND_BODY,
    InboundChannelCreate,
    InboundChannelRead,
    InboundChannelSecret,
    InboundChannelUpdate,
    InboundResult,
)
from phantom.api.task_schemas import QuickTask, TaskRead
from phantom.domain.inbound import MAX_BODY, SIGNATURE_HEADER, TIMESTAMP_HEADER, InboundTooLarge
from phantom.domain.tasks import parse_product_ref
from phantom.services import inbound as inbound_service
from phantom.services import tasks as task_service

public_router = APIRouter(tags=["webhooks"])
router = APIRouter(tags=["webhooks"], dependencies=[Depends(authorize)])
CHANNELS = "/api/webhooks/inbound-channels"


async def read_body(request: Request) -> bytes:
    """The raw body (the signature covers its exact bytes), refused past MAX_BODY without reading on."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise InboundTooLarge(f"the body is larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


@public_router.post(
    "/api/webhooks/inbound/{channel}",
    operation_id="receiveInboundWebhook",
    openapi_extra={"requestBody": INBOUND_BODY},
    responses=error_responses(400, 401, 413),
)
async def receive(
    channel: str,
    request: Request,
    services: ServicesDep,
    signature: Annotated[str | None, Header(alias=SIGNATURE_HEADER, max_length=200)] = None,
    timestamp: Annotated[str | None, Header(alias=TIMESTAMP_HEADER, max_length=32)] = None,
) -> InboundResult:
    """A message from an external monitor: becomes a product event of the store it names (alerts, rules and
    tasks follow as for a detected change). 401 for an unknown channel or a bad signature alike."""
    events = await inbound_service.receive(
        channel,
        await read_body(request),
        signature=signature,
        timestamp=timestamp,
        uow_factory=services.uow_factory,
        clock=services.clock,
        ids=services.ids,
        sink=services.events,
    )
    return InboundResult(events=[e.id for e in events], duplicate=not events)


@router.get(CHANNELS, operation_id="listInboundChannels")
async def list_channels(services: ServicesDep) -> list[InboundChannelRead]:
    return [
        InboundChannelRead.of(c)
        for c in await inbound_service.list_channels(uow_factory=services.uow_factory)
    ]


@router.post(
    CHANNELS, status_code=201, operation_id="createInboundChannel", responses=error_responses(400, 409)
)
async def create_channel(body: InboundChannelCreate, services: ServicesDep) -> InboundChannelSecret:
    """The answer holds the channel's secret: it is never shown again (rotate to get a new one)."""
    made = await inbound_service.create_channel(
        body.name,
        enabled=body.enabled,
        uow_factory=services.uow_factory,
        clock=services.clock,
        ids=services.ids,
    )
    return InboundChannelSecret.of_created(made)


@router.get(CHANNELS + "/{channel_id}", operation_id="getInboundChannel", responses=error_responses(404))
async def get_channel(channel_id: str, services: ServicesDep) -> InboundChannelRead:
    return InboundChannelRead.of(
        await inbound_service.get_channel(channel_id, uow_factory=services.uow_factory)
    )


@router.patch(
    CHANNELS + "/{channel_id}", operation_id="updateInboundChannel", responses=error_responses(400, 404, 409)
)
async def update_channel(
    channel_id: str, body: InboundChannelUpdate, services: ServicesDep
) -> InboundChannelRead:
    channel = await inbound_service.update_channel(
        channel_id, name=body.name, enabled=body.enabled, uow_factory=services.uow_factory
    )
    return InboundChannelRead.of(channel)


@router.delete(
    CHANNELS + "/{channel_id}",
    status_code=204,
    operation_id="deleteInboundChannel",
    responses=error_responses(404),
)
async def delete_channel(channel_id: str, services: ServicesDep) -> Response:
    await inbound_service.delete_channel(channel_id, uow_factory=services.uow_factory)
    return Response(status_code=204)


@router.post(
    CHANNELS + "/{channel_id}/rotate",
    operation_id="rotateInboundChannelSecret",
    responses=error_responses(404),
)
async def rotate_secret(channel_id: str, services: ServicesDep) -> InboundChannelSecret:
    """A new secret (shown once); the old one stops working at once."""
    made = await inbound_service.rotate_secret(channel_id, uow_factory=services.uow_factory)
    return InboundChannelSecret.of_created(made)


@router.post(
    "/api/quicktask", status_code=201, operation_id="createQuickTask", responses=error_responses(400, 404)
)
async def quick_task(body: QuickTask, services: ServicesDep) -> TaskRead:
    """Create a task for one product (URL, handle, variant id or SKU) and start it at once."""
    spec = task_service.TaskSpec(
        store=body.store,
        target=parse_product_ref(body.product),
        sizes=(body.size,) if body.size else (),
        profile=body.profile,
        mode=body.mode,
    )
    task = await task_service.quick_task(
        spec, uow_factory=services.uow_factory, clock=services.clock, ids=services.ids, control=services.tasks
    )
    return TaskRead.of(task)
