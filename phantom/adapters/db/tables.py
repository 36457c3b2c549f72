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
    ForeignKeyConstraint,
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
    # The list is newest first by (detected_at, id): each filter combination (store, kind, both, none) has
    # an index ending in those columns, so time ranges and the cursor are one in-order range (0002).
    __table_args__ = (
        Index(None, "detected_at", "id"),
        Index(None, "store_id", "detected_at", "id"),
        Index(None, "kind", "detected_at", "id"),
        Index(None, "store_id", "kind", "detected_at", "id"),
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


TITLE_KEY_LENGTH = 200


class ProductRow(Base):
    """The product read model (phantom.domain.products.ProductRecord), kept by record_snapshot."""

    __tablename__ = "product"
    __table_args__ = (
        # The list's order (newest updated first) and its keyset cursor, alone, per store, per availability.
        # title_key rides along so a keyword search checks titles from the index alone.
        Index(None, "updated_at", "store_id", "product_id", "title_key"),
        Index(None, "store_id", "updated_at", "product_id", "title_key"),
        Index(None, "available", "updated_at", "store_id", "product_id", "title_key"),
        Index(None, "style_key"),
    )

    store_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("store.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    handle: Mapped[str] = mapped_column(String(512))
    title: Mapped[str] = mapped_column(Text)
    vendor: Mapped[str] = mapped_column(String(255))
    style_code: Mapped[str | None] = mapped_column(String(255))
    style_key: Mapped[str | None] = mapped_column(String(255))  # lower-cased style_code, for exact search
    image: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)  # absolute product page
    price: Mapped[int | None] = mapped_column(Integer)  # lowest variant price, minor units
    available: Mapped[bool] = mapped_column(Boolean)
    sizes_in_stock: Mapped[list[str]] = mapped_column(JSON)  # labels as the store writes them
    # Normalized in-stock sizes as "|9|9.5|10|": a size search is one LIKE on every backend.
    size_keys: Mapped[str] = mapped_column(Text)
    title_key: Mapped[str] = mapped_column(String(TITLE_KEY_LENGTH))  # title.lower(), cut to fit an index
    variants: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{id, size, price, available, sku}]
    first_seen_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ProductPointRow(Base):
    """A product's price and stock at one moment (ProductPoint): the history behind its charts."""

    __tablename__ = "product_point"
    __table_args__ = (
        ForeignKeyConstraint(
            ["store_id", "product_id"], ["product.store_id", "product.product_id"], ondelete="CASCADE"
        ),
        Index(None, "store_id", "product_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    store_id: Mapped[str] = mapped_column(String(64))
    product_id: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime]
    price: Mapped[int | None] = mapped_column(Integer)
    sizes_in_stock: Mapped[list[str]] = mapped_column(JSON)
    in_stock_count: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))  # event kind that caused it, or "baseline"
