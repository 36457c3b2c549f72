"""Request and response schemas of the API. Built from domain objects, never from ORM rows."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat

from phantom.api.fields import PageCount
from phantom.domain.events import EventKind, StoredEvent
from phantom.domain.health import HealthStatus, StoreHealth
from phantom.domain.models import Platform
from phantom.domain.stores import MIN_INTERVAL, Store


class StoreCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=8, max_length=2000, examples=["https://kith.com"])
    platform: Platform = Platform.SHOPIFY
    interval: StrictFloat = Field(2.0, ge=MIN_INTERVAL, le=86400)
    name: str = Field("", max_length=200)
    skus: list[str] = Field(default_factory=list, max_length=500)
    watch_handles: list[str] = Field(default_factory=list, max_length=200)
    watch_interval: StrictFloat | None = Field(None, ge=MIN_INTERVAL, le=86400)
    max_pages: PageCount = 10
    enabled: StrictBool = True


class StoreUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str | None = Field(None, min_length=8, max_length=2000)
    interval: StrictFloat | None = Field(None, ge=MIN_INTERVAL, le=86400)
    name: str | None = Field(None, max_length=200)
    skus: list[str] | None = Field(None, max_length=500)
    watch_handles: list[str] | None = Field(None, max_length=200)
    watch_interval: StrictFloat | None = Field(None, ge=MIN_INTERVAL, le=86400)
    max_pages: PageCount | None = None
    enabled: StrictBool | None = None


class HealthRead(BaseModel):
    status: HealthStatus
    polls: int
    errors: int
    total_errors: int
    not_modified_ratio: float
    last_success_at: datetime | None
    last_latency_ms: float | None
    last_error: str | None
    blocked_reason: str | None
    retry_after_until: datetime | None

    @classmethod
    def of(cls, h: StoreHealth) -> HealthRead:
        return cls(
            status=h.status,
            polls=h.polls,
            errors=h.errors,
            total_errors=h.total_errors,
            not_modified_ratio=round(h.not_modified_ratio, 4),
            last_success_at=h.last_success_at,
            last_latency_ms=h.last_latency_ms,
            last_error=h.last_error,
            blocked_reason=h.blocked_reason,
            retry_after_until=h.retry_after_until,
        )


class StoreRead(BaseModel):
    id: str
    url: str
    platform: Platform
    name: str
    interval: float
    skus: list[str]
    watch_handles: list[str]
    watch_interval: float | None
    max_pages: int
    enabled: bool
    health: HealthRead | None = None

    @classmethod
    def of(cls, s: Store, health: StoreHealth | None = None) -> StoreRead:
        return cls(
            id=s.id,
            url=s.url,
            platform=s.platform,
            name=s.name,
            interval=s.interval,
            skus=list(s.skus),
            watch_handles=list(s.watch_handles),
            watch_interval=s.watch_interval,
            max_pages=s.max_pages,
            enabled=s.enabled,
            health=HealthRead.of(health) if health else None,
        )


class VariantRead(BaseModel):
    id: str
    size: str
    price: int
    available: bool


class EventRead(BaseModel):
    id: str
    store_id: str
    store_name: str
    kind: EventKind
    detected_at: datetime
    changed_at: datetime | None
    product_id: str | None
    product_title: str | None
    product_url: str | None
    image: str | None
    price: int | None
    old_price: int | None
    new_price: int | None
    variants: list[VariantRead]
    # Checkout kinds only: the link for the person, why, and the task.
    link: str | None = None
    detail: str | None = None
    task_id: str | None = None

    @classmethod
    def of(cls, e: StoredEvent) -> EventRead:
        p = e.event.product
        return cls(
            id=e.id,
            store_id=e.store_id,
            store_name=e.store_name,
            kind=e.kind,
            detected_at=e.detected_at,
            changed_at=e.changed_at,
            product_id=p.id if p else None,
            product_title=p.title if p else None,
            product_url=e.product_url(),
            image=p.image if p else None,
            price=p.price if p else None,
            old_price=e.event.old_price,
            new_price=e.event.new_price,
            variants=[
                VariantRead(id=v.id, size=v.size, price=v.price, available=v.available)
                for v in e.event.variants
            ],
            link=e.event.link,
            detail=e.event.detail,
            task_id=e.event.task_id,
        )


class EventPage(BaseModel):
    items: list[EventRead]
    next_cursor: str | None


class HealthCheck(BaseModel):
    status: str
    stores: dict[str, int]
