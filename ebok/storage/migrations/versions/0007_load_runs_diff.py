"""Each load keeps its comparison with the warehouse served before it (load_runs.diff, JSON).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add load_runs.diff (nullable: loads before this revision and the first load have none)."""
    with op.batch_alter_table("load_runs") as batch_op:
        batch_op.add_column(sa.Column("diff", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop load_runs.diff."""
    with op.batch_alter_table("load_runs") as batch_op:
        batch_op.drop_column("diff")
