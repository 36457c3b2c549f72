"""The WebSocket feed's messages: small, typed, one JSON object each, discriminated by `type`.

They are added to the OpenAPI components (as `WsMessage` and its members) so the dashboard's generated
types cover the feed too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, RootModel, TypeAdapter

from phantom.api.schemas import EventRead
from phantom.domain.events import StoredEvent
from phantom.domain.health import HealthStatus, StoreHealth
from phantom.domain.notifications import OutboxItem, OutboxStatus
from phantom.domain.stores import Store
from phantom.domain.tasks import Task, TaskStatus


class StoreHealthData(BaseModel):
    store_id: str
    status: HealthStatus
    last_error: str | None
    last_latency_ms: float | None
    polls: int


class NotificationData(BaseModel):
    outbox_id: str
    event_id: str
    channel_id: str
    status: OutboxStatus
    error: str | None


class WsEventMessage(BaseModel):
    """A new event (drop, restock, …), as in `listEvents`."""

    type: Literal["event"] = "event"
    data: EventRead


class WsStoreHealthMessage(BaseModel):
    """A store's health changed (healthy, degraded, blocked)."""

    type: Literal["store_health"] = "store_health"
    data: StoreHealthData


class WsNotificationMessage(BaseModel):
    """An alert delivery was attempted: sent, pending (will retry) or failed, and why."""

    type: Literal["notification"] = "notification"
    data: NotificationData


class TaskStatusData(BaseModel):
    task_id: str
    status: TaskStatus
    status_reason: str | None
    attempts: int
    checkout_url: str | None
    updated_at: datetime


class WsTaskMessage(BaseModel):
    """A task moved (waiting, carting, checking out, submitted, finished): the row updates live."""

    type: Literal["task"] = "task"
    data: TaskStatusData


class WsPingMessage(BaseModel):
    """Heartbeat; the client needs to do nothing."""

    type: Literal["ping"] = "ping"


WsMessageUnion = Annotated[
    WsEventMessage | WsStoreHealthMessage | WsNotificationMessage | WsTaskMessage | WsPingMessage,
    Field(discriminator="type"),
]


class WsMessage(RootModel[WsMessageUnion]):
    """Any message the server sends on /ws."""


PING = WsPingMessage().model_dump_json()


def message_of(topic: str, payload: object) -> str | None:
    """The JSON text for one bus message, or None for topics (and payloads) the feed does not carry."""
    if topic == "event" and isinstance(payload, StoredEvent):
        return WsEventMessage(data=EventRead.of(payload)).model_dump_json()
    if topic == "store_health" and isinstance(payload, tuple) and len(payload) == 2:
        store, health = payload
        if isinstance(store, Store) and isinstance(health, StoreHealth):
            data = StoreHealthData(
                store_id=store.id,
                status=health.status,
                last_error=health.last_error,
                last_latency_ms=health.last_latency_ms,
                polls=health.polls,
            )
            return WsStoreHealthMessage(data=data).model_dump_json()
    if topic == "notification" and isinstance(payload, OutboxItem):
        data_n = NotificationData(
            outbox_id=payload.id,
            event_id=payload.event_id,
            channel_id=payload.channel_id,
            status=payload.status,
            error=payload.last_error,
        )
        return WsNotificationMessage(data=data_n).model_dump_json()
    if topic == "task" and isinstance(payload, Task):
        data_t = TaskStatusData(
            task_id=payload.id,
            status=payload.status,
            status_reason=payload.status_reason,
            attempts=payload.attempts,
            checkout_url=payload.checkout_url,
            updated_at=payload.updated_at,
        )
        return WsTaskMessage(data=data_t).model_dump_json()
    return None


def openapi_components() -> dict[str, Any]:
    """JSON schemas of WsMessage and everything it references, keyed by component name."""
    schema = TypeAdapter(WsMessage).json_schema(
        ref_template="#/components/schemas/{model}", mode="serialization"
    )
    defs: dict[str, Any] = schema.pop("$defs", {})
    defs["WsMessage"] = schema
    return defs
