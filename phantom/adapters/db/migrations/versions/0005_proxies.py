"""proxies: proxy_list (a named list of proxies) and store_proxy (a store's assigned list)

Revision ID: 0005_proxies
Revises: 0004_profiles
Create Date: 2026-11-29

Hand-checked against phantom/adapters/db/tables_proxies.py (`python -m phantom.adapters.db.check` compares
them).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_proxies"
down_revision: str | Sequence[str] | None = "0004_profiles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "proxy_list",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("proxies", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proxy_list")),
        sa.UniqueConstraint("name", name=op.f("uq_proxy_list_name")),
    )
    op.create_table(
        "store_proxy",
        sa.Column("store_id", sa.String(length=64), nullable=False),
        sa.Column("proxy_list_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_store_proxy_store_id_store"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["proxy_list_id"],
            ["proxy_list.id"],
            name=op.f("fk_store_proxy_proxy_list_id_proxy_list"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("store_id", name=op.f("pk_store_proxy")),
    )
    op.create_index(op.f("ix_store_proxy_proxy_list_id"), "store_proxy", ["proxy_list_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_store_proxy_proxy_list_id"), table_name="store_proxy")
    op.drop_table("store_proxy")
    op.drop_table("proxy_list")
