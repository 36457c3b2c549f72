"""products: the product read model (product, product_point) and event-list indexes

Revision ID: 0002_products
Revises: 0001
Create Date: 2026-11-28

Hand-checked against phantom/adapters/db/tables.py (`python -m phantom.adapters.db.check` compares them).
The product table starts empty: a store that was already watched fills it as its products change.

The event list orders by (detected_at, id) now, so its indexes end in those columns: with 1,000,000
events every filter combination is one in-order index range (bench/list_latency.py measures it).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_products"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


EVENT_INDEXES_0001 = {
    "ix_event_store_id_id": ["store_id", "id"],
    "ix_event_kind_id": ["kind", "id"],
    "ix_event_detected_at": ["detected_at"],
}
EVENT_INDEXES = {
    "ix_event_detected_at_id": ["detected_at", "id"],
    "ix_event_store_id_detected_at_id": ["store_id", "detected_at", "id"],
    "ix_event_kind_detected_at_id": ["kind", "detected_at", "id"],
    "ix_event_store_id_kind_detected_at_id": ["store_id", "kind", "detected_at", "id"],
}


def upgrade() -> None:
    for name in EVENT_INDEXES_0001:
        op.drop_index(op.f(name), table_name="event")
    for name, columns in EVENT_INDEXES.items():
        op.create_index(op.f(name), "event", columns)
    op.create_table(
        "product",
        sa.Column("store_id", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=255), nullable=False),
        sa.Column("handle", sa.String(length=512), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("vendor", sa.String(length=255), nullable=False),
        sa.Column("style_code", sa.String(length=255), nullable=True),
        sa.Column("style_key", sa.String(length=255), nullable=True),
        sa.Column("image", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("price", sa.Integer(), nullable=True),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("sizes_in_stock", sa.JSON(), nullable=False),
        sa.Column("size_keys", sa.Text(), nullable=False),
        sa.Column("title_key", sa.String(length=200), nullable=False),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_product_store_id_store"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("store_id", "product_id", name=op.f("pk_product")),
    )
    for columns in (
        ["updated_at", "store_id", "product_id", "title_key"],
        ["store_id", "updated_at", "product_id", "title_key"],
        ["available", "updated_at", "store_id", "product_id", "title_key"],
    ):
        op.create_index(op.f("ix_product_" + "_".join(columns)), "product", columns)
    op.create_index(op.f("ix_product_style_key"), "product", ["style_key"])
    op.create_table(
        "product_point",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("store_id", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=255), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("price", sa.Integer(), nullable=True),
        sa.Column("sizes_in_stock", sa.JSON(), nullable=False),
        sa.Column("in_stock_count", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id", "product_id"],
            ["product.store_id", "product.product_id"],
            name=op.f("fk_product_point_store_id_product"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_point")),
    )
    op.create_index(
        op.f("ix_product_point_store_id_product_id_at"), "product_point", ["store_id", "product_id", "at"]
    )


def downgrade() -> None:
    op.drop_table("product_point")
    op.drop_table("product")
    for name in EVENT_INDEXES:
        op.drop_index(op.f(name), table_name="event")
    for name, columns in EVENT_INDEXES_0001.items():
        op.create_index(op.f(name), "event", columns)
