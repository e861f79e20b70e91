"""Registrations record which proof the resident gave; registration codes are spent once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add registrations.proof_kind and the registration_codes_used table."""
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("proof_kind", sa.String(length=20), nullable=True))
    # Registrations before this revision proved themselves with a document number and amount.
    op.execute("UPDATE registrations SET proof_kind = 'document' WHERE proof_kind IS NULL")
    op.create_table(
        "registration_codes_used",
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=20), nullable=False),
        sa.Column("registration_id", sa.String(length=40), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code_digest"),
    )


def downgrade() -> None:
    """Drop registration_codes_used and registrations.proof_kind."""
    op.drop_table("registration_codes_used")
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_column("proof_kind")
