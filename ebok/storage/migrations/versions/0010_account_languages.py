"""Languages (issue 17): the language each account chose, for its pages and its e-mails.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add account_languages."""
    op.create_table(
        "account_languages",
        sa.Column("username", sa.String(length=120), primary_key=True),
        sa.Column("customer_id", sa.String(length=20), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_account_languages_customer_id", "account_languages", ["customer_id"], unique=False)


def downgrade() -> None:
    """Drop what upgrade() added."""
    op.drop_index("ix_account_languages_customer_id", table_name="account_languages")
    op.drop_table("account_languages")
