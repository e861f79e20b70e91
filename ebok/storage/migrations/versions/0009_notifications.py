"""Notifications residents control (issue 16): preferences, consent record, unsubscribe links, HTML mail.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the notification tables and the outbox's HTML part and headers."""
    with op.batch_alter_table("mail_outbox") as batch_op:
        batch_op.add_column(sa.Column("html", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("headers", sa.Text(), nullable=True))
    with op.batch_alter_table("notifications_sent") as batch_op:
        batch_op.add_column(sa.Column("event", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("line", sa.Text(), nullable=True))
        batch_op.create_index("ix_notifications_sent_event", ["event"], unique=False)
    # Rows before this revision announced invoices and documents; their keys already start with the event.
    op.execute(
        "UPDATE notifications_sent SET "
        "event = CASE WHEN item_key LIKE 'invoice:%' THEN 'invoice' ELSE 'document' END, "
        "status = CASE WHEN recipient IS NULL THEN 'baseline' ELSE 'queued' END"
    )
    op.create_table(
        "notification_prefs",
        sa.Column("customer_id", sa.String(length=20), primary_key=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("events", sa.Text(), nullable=True),
        sa.Column("due_days_before", sa.Integer(), nullable=True),
        sa.Column("digest", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
    )
    op.create_table(
        "mail_consents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("customer_id", sa.String(length=20), nullable=False),
        sa.Column("given", sa.Integer(), nullable=False),
        sa.Column("text_version", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_mail_consents_customer_id", "mail_consents", ["customer_id"], unique=False)
    op.create_table(
        "unsubscribe_links",
        sa.Column("link_id", sa.String(length=32), primary_key=True),
        sa.Column("customer_id", sa.String(length=20), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    """Drop what upgrade() added."""
    op.drop_table("unsubscribe_links")
    op.drop_index("ix_mail_consents_customer_id", table_name="mail_consents")
    op.drop_table("mail_consents")
    op.drop_table("notification_prefs")
    with op.batch_alter_table("notifications_sent") as batch_op:
        batch_op.drop_index("ix_notifications_sent_event")
        batch_op.drop_column("line")
        batch_op.drop_column("status")
        batch_op.drop_column("event")
    with op.batch_alter_table("mail_outbox") as batch_op:
        batch_op.drop_column("headers")
        batch_op.drop_column("html")
