"""Schemas of the inbound webhook routes: channel management (the secret is shown once) and the answer to a
delivered message."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from phantom.domain.inbound import NAME_PATTERN, SIGNATURE_HEADER, TIMESTAMP_HEADER, InboundChannel
from phantom.services.inbound import ChannelWithSecret

WEBHOOK_PATH = "/api/webhooks/inbound/{name}"
SIGNING_DOC = (
    f'Sign each POST: {SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the secret>, '
    f"{TIMESTAMP_HEADER}: <unix seconds> (within 5 minutes of now)."
)


class InboundChannelCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=NAME_PATTERN, description="part of the webhook URL")
    enabled: StrictBool = True


class InboundChannelUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, pattern=NAME_PATTERN)
    enabled: StrictBool | None = None


class InboundChannelRead(BaseModel):
    id: str
    name: str
    enabled: bool
    created_at: datetime | None
    webhook_path: str = Field(description="where the monitor POSTs its messages")

    @classmethod
    def of(cls, c: InboundChannel) -> InboundChannelRead:
        return cls(
            id=c.id,
            name=c.name,
            enabled=c.enabled,
            created_at=c.created_at,
            webhook_path=WEBHOOK_PATH.format(name=c.name),
        )


class InboundChannelSecret(InboundChannelRead):
    secret: str = Field(description=f"shown once. {SIGNING_DOC}")

    @classmethod
    def of_created(cls, made: ChannelWithSecret) -> InboundChannelSecret:
        return cls(**InboundChannelRead.of(made.channel).model_dump(), secret=made.secret)


class InboundResult(BaseModel):
    events: list[str] = Field(description="ids of the events written; empty when the message was a duplicate")
    duplicate: bool


# The request body as the OpenAPI schema documents it (the route reads the raw bytes to check the signature).
INBOUND_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "description": 'Either a Discord-webhook-like message ({"embeds": [{"title", "url", "fields": '
                '[{"name": "Size"|"Sizes"|"Price"|"Store"|"SKU", "value"}]}]}) or {"store_url", "kind", '
                '"title", "url", "handle", "sku", "price", "sizes": [...], "variants": [{"id", "size", '
                '"price", "available"}]}. Prices in major units ("$180.00", 180). ' + SIGNING_DOC,
            }
        }
    },
}
