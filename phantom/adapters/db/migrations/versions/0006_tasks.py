"""tasks: rule, task, task_transition, checkout_attempt, inbound_channel

Revision ID: 0006_tasks
Revises: 0005_proxies
Create Date: 2026-11-29

Hand-checked against phantom/adapters/db/tables_tasks.py (`python -m phantom.adapters.db.check` compares
them). Checkout attempts are history: no foreign key to their task, which may be deleted.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_tasks"
down_revision: str | Sequence[str] | None = "0005_proxies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def _fk(table: str, column: str, referred: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{referred}.id"], name=op.f(f"fk_{table}_{column}_{referred}"), ondelete=ondelete
    )


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def upgrade() -> None:
    op.create_table(
        "rule",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("sizes", sa.JSON(), nullable=False),
        sa.Column("store_ids", sa.JSON(), nullable=False),
        sa.Column("max_price", sa.Integer(), nullable=True),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("profile_id", sa.String(length=64), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("test_mode", sa.Boolean(), nullable=False),
        sa.Column("proxy_list_id", sa.String(length=64), nullable=True),
        sa.Column("group_name", sa.String(length=255), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        _fk("rule", "profile_id", "profile", "SET NULL"),
        _fk("rule", "proxy_list_id", "proxy_list", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule")),
    )
    op.create_table(
        "task",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("store_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("handle", sa.String(length=512), nullable=True),
        sa.Column("variant_id", sa.String(length=255), nullable=True),
        sa.Column("sku", sa.String(length=255), nullable=True),
        sa.Column("keywords", sa.Text(), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sizes", sa.JSON(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.String(length=64), nullable=True),
        sa.Column("max_price", sa.Integer(), nullable=True),
        sa.Column("proxy_list_id", sa.String(length=64), nullable=True),
        sa.Column("group_name", sa.String(length=255), nullable=True),
        sa.Column("test_mode", sa.Boolean(), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("rule_id", sa.String(length=64), nullable=True),
        sa.Column("event_id", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("checkout_url", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        _fk("task", "store_id", "store", "CASCADE"),
        _fk("task", "profile_id", "profile", "SET NULL"),
        _fk("task", "proxy_list_id", "proxy_list", "SET NULL"),
        _fk("task", "rule_id", "rule", "SET NULL"),
        _fk("task", "event_id", "event", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
        sa.UniqueConstraint("rule_id", "event_id", name=op.f("uq_task_rule_id_event_id")),
    )
    _index("task", "store_id", "status")
    _index("task", "status", "created_at", "id")
    _index("task", "group_name", "created_at", "id")
    _index("task", "created_at", "id")
    op.create_table(
        "task_transition",
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _fk("task_transition", "task_id", "task", "CASCADE"),
        sa.PrimaryKeyConstraint("task_id", "seq", name=op.f("pk_task_transition")),
    )
    op.create_table(
        "checkout_attempt",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("store_id", sa.String(length=64), nullable=False),
        sa.Column("profile_id", sa.String(length=64), nullable=True),
        sa.Column("product_title", sa.Text(), nullable=True),
        sa.Column("product_id", sa.String(length=255), nullable=True),
        sa.Column("variant_id", sa.String(length=255), nullable=True),
        sa.Column("size", sa.String(length=64), nullable=True),
        sa.Column("price", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("test_mode", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("detected_at", UTC_DATETIME, nullable=True),
        sa.Column("link_at", UTC_DATETIME, nullable=True),
        sa.Column("submitted_at", UTC_DATETIME, nullable=True),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.Column("checkout_url", sa.Text(), nullable=True),
        sa.Column("order_name", sa.String(length=255), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        _fk("checkout_attempt", "store_id", "store", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkout_attempt")),
        sa.UniqueConstraint("task_id", "number", name=op.f("uq_checkout_attempt_task_id_number")),
    )
    _index("checkout_attempt", "created_at", "id")
    _index("checkout_attempt", "store_id", "created_at", "id")
    _index("checkout_attempt", "status", "created_at", "id")
    op.create_table(
        "inbound_channel",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("secret", sa.String(length=255), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_channel")),
        sa.UniqueConstraint("name", name=op.f("uq_inbound_channel_name")),
    )


def downgrade() -> None:
    op.drop_table("inbound_channel")
    for columns in (("status", "created_at", "id"), ("store_id", "created_at", "id"), ("created_at", "id")):
        op.drop_index(op.f(f"ix_checkout_attempt_{'_'.join(columns)}"), table_name="checkout_attempt")
    op.drop_table("checkout_attempt")
    op.drop_table("task_transition")
    for columns in (
        ("created_at", "id"),
        ("group_name", "created_at", "id"),
        ("status", "created_at", "id"),
        ("store_id", "status"),
    ):
        op.drop_index(op.f(f"ix_task_{'_'.join(columns)}"), table_name="task")
    op.drop_table("task")
    op.drop_table("rule")
