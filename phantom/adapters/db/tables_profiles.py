"""ORM rows of checkout profiles. The card number and CVV are stored only as AES-GCM ciphertext
(phantom/adapters/crypto.py); brand, last4, expiry and holder stay in clear for listing.

Registered on the shared metadata, so Alembic's check sees them (migrations/env.py imports this module).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from phantom.adapters.db.tables import Base


class ProfileRow(Base):
    __tablename__ = "profile"
    __table_args__ = (Index(None, "group_name"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str] = mapped_column(String(64))
    shipping: Mapped[dict[str, Any]] = mapped_column(JSON)
    billing: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))  # None: same as shipping
    card_holder: Mapped[str] = mapped_column(String(255))
    card_brand: Mapped[str] = mapped_column(String(32))
    card_last4: Mapped[str] = mapped_column(String(4))
    card_exp_month: Mapped[int] = mapped_column(Integer)
    card_exp_year: Mapped[int] = mapped_column(Integer)
    card_number_enc: Mapped[bytes] = mapped_column(LargeBinary)  # crypto: format|key id|nonce|ct+tag
    card_cvv_enc: Mapped[bytes] = mapped_column(LargeBinary)
    group_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
