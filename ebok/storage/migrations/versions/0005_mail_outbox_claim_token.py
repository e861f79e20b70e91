"""The outbox records which flush holds a message (mail_outbox.claim_token), so only that flush sends it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add mail_outbox.claim_token (nullable: a message no flush holds has none)."""
    with op.batch_alter_table("mail_outbox") as batch_op:
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Drop mail_outbox.claim_token."""
    with op.batch_alter_table("mail_outbox") as batch_op:
        batch_op.drop_column("claim_token")
