"""ORM rows of checkout tasks, their transitions, checkout attempts, rules and inbound webhook channels.

Registered on the shared metadata, so Alembic's check sees them (migrations/env.py imports this module).

- A task belongs to a store (deleted with it). Its profile, proxy list, rule and triggering event are
  references that may go away: ON DELETE SET NULL. (rule_id, event_id) is unique; NULLs never collide, so
  tasks made by hand are not constrained, and concurrent handlers of one event insert one task.
- Checkout attempts are history: they outlive their task (no foreign key to it), but not their store.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from phantom.adapters.db import (
    tables_profiles,  # noqa: F401  (task.profile_id refers to it)
    tables_proxies,  # noqa: F401  (task.proxy_list_id refers to it)
)
from phantom.adapters.db.tables import Base


class TaskRow(Base):
    __tablename__ = "task"
    __table_args__ = (
        UniqueConstraint("rule_id", "event_id"),
        # The hot path: the waiting tasks of one store, for every event. Also the list filters.
        Index(None, "store_id", "status"),
        Index(None, "status", "created_at", "id"),
        Index(None, "group_name", "created_at", "id"),
        Index(None, "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(64), ForeignKey("store.id", ondelete="CASCADE"))
    # The target, one column per ProductTarget field.
    url: Mapped[str | None] = mapped_column(Text)
    handle: Mapped[str | None] = mapped_column(String(512))
    variant_id: Mapped[str | None] = mapped_column(String(255))
    sku: Mapped[str | None] = mapped_column(String(255))
    keywords: Mapped[str | None] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    sizes: Mapped[list[str]] = mapped_column(JSON)
    quantity: Mapped[int] = mapped_column(Integer)
    profile_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("profile.id", ondelete="SET NULL"))
    max_price: Mapped[int | None] = mapped_column(Integer)  # minor units
    proxy_list_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("proxy_list.id", ondelete="SET NULL")
    )
    group_name: Mapped[str | None] = mapped_column(String(255))
    test_mode: Mapped[bool] = mapped_column(Boolean)
    status_reason: Mapped[str | None] = mapped_column(Text)
    rule_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("rule.id", ondelete="SET NULL"))
    event_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("event.id", ondelete="SET NULL"))
    attempts: Mapped[int] = mapped_column(Integer)
    checkout_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TaskTransitionRow(Base):
    """Every status change of a task, numbered from 1 per task, with when and why."""

    __tablename__ = "task_transition"

    task_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("task.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    from_status: Mapped[str | None] = mapped_column(String(16))  # None: created
    to_status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)


class CheckoutAttemptRow(Base):
    __tablename__ = "checkout_attempt"
    __table_args__ = (
        UniqueConstraint("task_id", "number"),
        # History: newest first, alone or per store; open attempts at start-up; status filter.
        Index(None, "created_at", "id"),
        Index(None, "store_id", "created_at", "id"),
        Index(None, "status", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    task_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(160))
    status: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16))
    store_id: Mapped[str] = mapped_column(String(64), ForeignKey("store.id", ondelete="CASCADE"))
    profile_id: Mapped[str | None] = mapped_column(String(64))  # history keeps the id of a deleted profile
    product_title: Mapped[str | None] = mapped_column(Text)
    product_id: Mapped[str | None] = mapped_column(String(255))
    variant_id: Mapped[str | None] = mapped_column(String(255))
    size: Mapped[str | None] = mapped_column(String(64))
    price: Mapped[int | None] = mapped_column(Integer)  # minor units, per item
    quantity: Mapped[int] = mapped_column(Integer)
    test_mode: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
    detected_at: Mapped[datetime | None]
    link_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    checkout_url: Mapped[str | None] = mapped_column(Text)
    order_name: Mapped[str | None] = mapped_column(String(255))
    detail: Mapped[str | None] = mapped_column(Text)


class RuleRow(Base):
    __tablename__ = "rule"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    enabled: Mapped[bool] = mapped_column(Boolean)
    priority: Mapped[int] = mapped_column(Integer)
    keywords: Mapped[str] = mapped_column(Text)
    sizes: Mapped[list[str]] = mapped_column(JSON)
    store_ids: Mapped[list[str]] = mapped_column(JSON)
    max_price: Mapped[int | None] = mapped_column(Integer)
    kinds: Mapped[list[str]] = mapped_column(JSON)
    profile_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("profile.id", ondelete="SET NULL"))
    mode: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(Integer)
    test_mode: Mapped[bool] = mapped_column(Boolean)
    proxy_list_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("proxy_list.id", ondelete="SET NULL")
    )
    group_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class InboundChannelRow(Base):
    __tablename__ = "inbound_channel"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    secret: Mapped[str] = mapped_column(String(255))  # the HMAC key (needed in clear to verify)
    enabled: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
