"""Registrations keep the gross amount of the resident's proof document (shown to the office).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add registrations.proof_amount (nullable: older registrations have no amount)."""
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("proof_amount", sa.Numeric(14, 2), nullable=True))


def downgrade() -> None:
    """Drop registrations.proof_amount."""
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_column("proof_amount")
