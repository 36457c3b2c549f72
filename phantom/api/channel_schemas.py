"""Request and response schemas of the notification channel routes. Webhook URLs are secrets: a response
shows them redacted, and a PATCH without `url` keeps the stored one."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from phantom.api.fields import PriceCents
from phantom.domain.events import DEFAULT_ALERT_KINDS, EventKind
from phantom.domain.notifications import Channel, ChannelKind, DeliveryOutcome, DeliveryResult, OutboxStatus
from phantom.services.channels import ChannelChanges, ChannelSpec, Delivery, keywords_text

# scheme://…, without whitespace or control characters: a URL pasted with a stray newline is refused.
URL_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s\x00-\x1f\x7f]+$"


def redact_url(url: str) -> str:
    """`https://discord.com/api/webhooks/123/abc?x=1` → `https://discord.com/api/webhooks/123/***`; any
    other scheme (Apprise URLs carry secrets anywhere) → `scheme://***`."""
    scheme, _, _ = url.partition("://")
    if scheme.lower() not in ("http", "https"):
        return f"{scheme}://***"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return f"{scheme}://***"
    segments = parts.path.rstrip("/").split("/")
    path = "/".join([*segments[:-1], "***"]) if len(segments) > 1 else "/***"
    return f"{scheme}://{host}{port}{path}"


class ChannelCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: ChannelKind
    url: str = Field(
        min_length=4,
        max_length=2000,
        pattern=URL_PATTERN,
        description="Discord webhook URL, or any Apprise URL (scheme://…). A secret: never shown again.",
    )
    name: str = Field("", max_length=200)
    events: list[EventKind] = Field(
        default_factory=lambda: sorted(DEFAULT_ALERT_KINDS), max_length=len(EventKind)
    )
    keywords: str | None = Field(None, max_length=1000, description='"+dunk -kids, jordan 1"')
    sizes: list[str] = Field(default_factory=list, max_length=100)
    max_price: PriceCents | None = Field(None, description="minor units (cents)")
    store_ids: list[str] = Field(default_factory=list, max_length=1000)

    def spec(self) -> ChannelSpec:
        return ChannelSpec(
            kind=self.kind,
            url=self.url,
            name=self.name,
            kinds=frozenset(self.events),
            keywords=self.keywords,
            sizes=tuple(self.sizes),
            max_price=self.max_price,
            store_ids=tuple(self.store_ids),
        )


class ChannelUpdate(BaseModel):
    """Only the fields sent change. `max_price: null` removes the price ceiling."""

    model_config = ConfigDict(extra="forbid")
    url: str | None = Field(None, min_length=4, max_length=2000, pattern=URL_PATTERN)
    name: str | None = Field(None, max_length=200)
    events: list[EventKind] | None = Field(None, max_length=len(EventKind))
    keywords: str | None = Field(None, max_length=1000)
    sizes: list[str] | None = Field(None, max_length=100)
    max_price: PriceCents | None = None
    store_ids: list[str] | None = Field(None, max_length=1000)
    enabled: StrictBool | None = None

    def changes(self) -> ChannelChanges:
        return ChannelChanges(
            url=self.url,
            name=self.name,
            kinds=frozenset(self.events) if self.events is not None else None,
            keywords=self.keywords,
            sizes=tuple(self.sizes) if self.sizes is not None else None,
            max_price=self.max_price,
            clear_max_price="max_price" in self.model_fields_set and self.max_price is None,
            store_ids=tuple(self.store_ids) if self.store_ids is not None else None,
            enabled=self.enabled,
        )


class ChannelRead(BaseModel):
    id: str
    kind: ChannelKind
    name: str
    url: str = Field(description="redacted")
    enabled: bool
    disabled_reason: str | None
    events: list[EventKind]
    keywords: str | None
    sizes: list[str]
    max_price: int | None
    store_ids: list[str]

    @classmethod
    def of(cls, c: Channel) -> ChannelRead:
        route = c.route
        return cls(
            id=c.id,
            kind=c.kind,
            name=c.name,
            url=redact_url(c.url),
            enabled=c.enabled,
            disabled_reason=c.disabled_reason,
            events=sorted(route.kinds),
            keywords=keywords_text(route.keywords),
            sizes=sorted(route.sizes),
            max_price=route.max_price,
            store_ids=sorted(route.store_ids),
        )


class DeliveryResultRead(BaseModel):
    outcome: DeliveryOutcome
    detail: str
    retry_after: float | None

    @classmethod
    def of(cls, r: DeliveryResult) -> DeliveryResultRead:
        return cls(outcome=r.outcome, detail=r.detail, retry_after=r.retry_after)


class DeliveryRead(BaseModel):
    id: str
    event_id: str
    channel_id: str
    event_kind: EventKind | None
    product_title: str | None
    status: OutboxStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def of(cls, d: Delivery) -> DeliveryRead:
        i = d.item
        return cls(
            id=i.id,
            event_id=i.event_id,
            channel_id=i.channel_id,
            event_kind=d.event_kind,
            product_title=d.product_title,
            status=i.status,
            attempts=i.attempts,
            last_error=i.last_error,
            created_at=i.created_at,
            sent_at=i.sent_at,
        )
