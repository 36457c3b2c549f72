"""ORM rows. They never leave phantom/adapters/db: repositories map them to domain objects explicitly."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out, on every backend.

    SQLite has no timezone type: values are stored as naive UTC text (fixed width, so they also compare
    correctly as strings) and tagged UTC again on the way out. Naive datetimes are refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: Phantom stores timezone-aware UTC only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = metadata
    type_annotation_map: dict[Any, Any] = {datetime: UTCDateTime()}  # noqa: RUF012


class StoreRow(Base):
    __tablename__ = "store"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    platform: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255))
    interval: Mapped[float] = mapped_column(Float)
    skus: Mapped[list[str]] = mapped_column(JSON)
    watch_handles: Mapped[list[str]] = mapped_column(JSON)
    watch_interval: Mapped[float | None] = mapped_column(Float)
    max_pages: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean)
    extra: Mapped[dict[str, str]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StoreStateRow(Base):
    __tablename__ = "store_state"

    store_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("store.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer)
    password_locked: Mapped[bool] = mapped_column(Boolean)
    snapshot: Mapped[bytes] = mapped_column(LargeBinary)  # codec.encode_snapshot
    updated_at: Mapped[datetime]


class EventRow(Base):
    __tablename__ = "event"
    __table_args__ = (
        Index(None, "store_id", "id"),
        Index(None, "kind", "id"),
        Index(None, "detected_at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # time-ordered: the list cursor
    store_id: Mapped[str] = mapped_column(String(64), ForeignKey("store.id", ondelete="CASCADE"))
    # Name and URL as they were when the event was detected: an alert shows what the person saw then.
    store_name: Mapped[str] = mapped_column(String(255))
    store_url: Mapped[str] = mapped_column(String(2048))
    kind: Mapped[str] = mapped_column(String(32))
    product_id: Mapped[str] = mapped_column(String(255))
    product_title: Mapped[str] = mapped_column(Text)
    dedup_key: Mapped[str] = mapped_column(String(512), unique=True)
    detected_at: Mapped[datetime]
    changed_at: Mapped[datetime | None]
    payload: Mapped[bytes] = mapped_column(LargeBinary)  # codec.encode_event


class ChannelRow(Base):
    __tablename__ = "channel"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(Text)  # secret: a webhook URL carries its token
    route: Mapped[dict[str, Any]] = mapped_column(JSON)  # codec.encode_route
    enabled: Mapped[bool] = mapped_column(Boolean)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("event_id", "channel_id"),
        Index(None, "status", "next_attempt_at"),
        Index(None, "channel_id"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), ForeignKey("event.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(64), ForeignKey("channel.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
