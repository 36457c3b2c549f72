"""Notification channels, their routing rules and the outbox rows that carry alerts to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from phantom.domain.filters import EventFilter


class ChannelKind(StrEnum):
    DISCORD = "discord"
    APPRISE = "apprise"


@dataclass(frozen=True, slots=True)
class Channel:
    id: str
    kind: ChannelKind
    url: str  # a secret: webhook URLs carry their token
    route: EventFilter
    name: str = ""
    enabled: bool = True
    disabled_reason: str | None = None


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # committed before the request leaves; found at start-up = outcome unknown
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: str
    event_id: str
    channel_id: str
    status: OutboxStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    last_error: str | None = None
    sent_at: datetime | None = None


class DeliveryOutcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # transient: back off (or wait retry_after) and try again
    CHANNEL_GONE = "channel_gone"  # 401/404: disable the channel, fail its rows
    REJECTED = "rejected"  # the channel refused this message for good (4xx)


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    outcome: DeliveryOutcome
    detail: str = ""
    retry_after: float | None = None

    @classmethod
    def sent(cls) -> DeliveryResult:
        return cls(DeliveryOutcome.SENT)


MAX_DELIVERY_ATTEMPTS = 6


def retry_delay(attempts: int, retry_after: float | None) -> float:
    """Seconds before the next attempt: the channel's word if it gave one, else exponential back-off."""
    if retry_after is not None:
        return max(retry_after, 0.0)
    return float(min(2 ** max(attempts - 1, 0), 60))
