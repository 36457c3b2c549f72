"""ORM rows of proxy lists and their assignment to stores (phantom/domain/proxies.py).

A list's proxies are one JSON array of {scheme, host, port, username, password}: a list is read and written
whole. Tasks carry their own optional proxy list id (the tasks table). Registered on the shared metadata,
so Alembic's check sees them (migrations/env.py imports this module).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from phantom.adapters.db.tables import Base


class ProxyListRow(Base):
    __tablename__ = "proxy_list"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    proxies: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # credentials included: a secret
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StoreProxyRow(Base):
    """At most one list per store; deleting the store or the list removes the assignment."""

    __tablename__ = "store_proxy"
    __table_args__ = (Index(None, "proxy_list_id"),)

    store_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("store.id", ondelete="CASCADE"), primary_key=True
    )
    proxy_list_id: Mapped[str] = mapped_column(String(64), ForeignKey("proxy_list.id", ondelete="CASCADE"))
