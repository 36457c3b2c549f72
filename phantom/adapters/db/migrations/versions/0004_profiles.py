"""profiles: checkout profiles with the card number and CVV encrypted (AES-GCM, phantom/adapters/crypto.py)

Revision ID: 0004_profiles
Revises: 0003_auth
Create Date: 2026-11-29

Hand-checked against phantom/adapters/db/tables_profiles.py (`python -m phantom.adapters.db.check` compares
them).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_profiles"
down_revision: str | Sequence[str] | None = "0003_auth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "profile",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=64), nullable=False),
        sa.Column("shipping", sa.JSON(), nullable=False),
        sa.Column("billing", sa.JSON(), nullable=True),
        sa.Column("card_holder", sa.String(length=255), nullable=False),
        sa.Column("card_brand", sa.String(length=32), nullable=False),
        sa.Column("card_last4", sa.String(length=4), nullable=False),
        sa.Column("card_exp_month", sa.Integer(), nullable=False),
        sa.Column("card_exp_year", sa.Integer(), nullable=False),
        sa.Column("card_number_enc", sa.LargeBinary(), nullable=False),
        sa.Column("card_cvv_enc", sa.LargeBinary(), nullable=False),
        sa.Column("group_name", sa.String(length=255), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile")),
        sa.UniqueConstraint("name", name=op.f("uq_profile_name")),
    )
    op.create_index(op.f("ix_profile_group_name"), "profile", ["group_name"])


def downgrade() -> None:
    op.drop_index(op.f("ix_profile_group_name"), table_name="profile")
    op.drop_table("profile")
