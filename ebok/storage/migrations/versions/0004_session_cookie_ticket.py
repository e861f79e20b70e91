"""The login cookie is set by the server: a session holds the one-time ticket its page redeems.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add auth_sessions.cookie_ticket (indexed) and cookie_ticket_at."""
    with op.batch_alter_table("auth_sessions") as batch_op:
        batch_op.add_column(sa.Column("cookie_ticket", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("cookie_ticket_at", sa.DateTime(), nullable=True))
        batch_op.create_index("ix_auth_sessions_cookie_ticket", ["cookie_ticket"], unique=False)


def downgrade() -> None:
    """Drop the ticket columns."""
    with op.batch_alter_table("auth_sessions") as batch_op:
        batch_op.drop_index("ix_auth_sessions_cookie_ticket")
        batch_op.drop_column("cookie_ticket_at")
        batch_op.drop_column("cookie_ticket")
