"""Online payments through a gateway and the log of every notification received (issue 15).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create online_payments and online_payment_events."""
    op.create_table(
        "online_payments",
        sa.Column("payment_id", sa.String(length=32), nullable=False),
        sa.Column("premises_id", sa.String(length=20), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("gateway", sa.String(length=20), nullable=False),
        sa.Column("amount_grosze", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("invoices", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("gateway_ref", sa.String(length=64), nullable=True),
        sa.Column("redirect_url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("last_checked_at", sa.DateTime(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("exported_batch", sa.String(length=40), nullable=True),
        sa.Column("exported_at", sa.DateTime(), nullable=True),
        sa.Column("booked_load", sa.String(length=40), nullable=True),
        sa.Column("booked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("payment_id"),
    )
    with op.batch_alter_table("online_payments") as batch_op:
        batch_op.create_index("ix_online_payments_status", ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_online_payments_premises_id"), ["premises_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_online_payments_exported_batch"), ["exported_batch"], unique=False
        )
    op.create_table(
        "online_payment_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("payment_id", sa.String(length=32), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("online_payment_events") as batch_op:
        batch_op.create_index(batch_op.f("ix_online_payment_events_payment_id"), ["payment_id"], unique=False)


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("online_payment_events")
    op.drop_table("online_payments")
