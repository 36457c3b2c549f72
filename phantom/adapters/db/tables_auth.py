"""ORM rows of auth (phantom/auth): the admin token's hash and dashboard sessions.

Registered on the shared metadata, so Alembic's check sees them (migrations/env.py imports this module).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from phantom.adapters.db.tables import Base


class ApiTokenRow(Base):
    """At most one row (id "admin"): the argon2id hash of the admin access token, never the token."""

    __tablename__ = "api_token"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]


class AuthSessionRow(Base):
    """A dashboard session. `id` is the SHA-256 (hex) of the cookie value: a stolen database holds no
    usable session."""

    __tablename__ = "auth_session"
    __table_args__ = (Index(None, "expires_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
