"""Baseline: the operational store as the first release created it (before migrations).

The schema of ebok/tables.py at commit ce63ec9, i.e. today's tables without registrations.proof_amount
(added by 0002). Generated once with alembic autogenerate from that version of tables.py; frozen since:
never edit it to follow tables.py, add a new revision instead.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table of the first release."""
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("premises_id", sa.String(length=20), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "auth_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("success", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("auth_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_attempts_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_auth_attempts_client_address"), ["client_address"], unique=False)
        batch_op.create_index(batch_op.f("ix_auth_attempts_username"), ["username"], unique=False)

    op.create_table(
        "auth_sessions",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("cookie_ref", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoke_reason", sa.String(length=40), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("session_id"),
    )
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_sessions_cookie_ref"), ["cookie_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_auth_sessions_username"), ["username"], unique=False)

    op.create_table(
        "auth_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_tokens_username"), ["username"], unique=False)

    op.create_table(
        "inbox_items",
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("customer_id", sa.String(length=20), nullable=True),
        sa.Column("premises_id", sa.String(length=20), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("place", sa.String(length=40), nullable=True),
        sa.Column("place_detail", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("attachment_file", sa.String(length=80), nullable=True),
        sa.Column("attachment_name", sa.String(length=160), nullable=True),
        sa.Column("attachment_type", sa.String(length=40), nullable=True),
        sa.Column("attachment_size", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assigned_to", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("item_id"),
        sa.UniqueConstraint("username", "idempotency_key", name="uq_inbox_items_idempotency"),
    )
    with op.batch_alter_table("inbox_items", schema=None) as batch_op:
        batch_op.create_index("ix_inbox_items_owner", ["username", "premises_id"], unique=False)
        batch_op.create_index("ix_inbox_items_status", ["status"], unique=False)

    op.create_table(
        "load_runs",
        sa.Column("load_id", sa.String(length=40), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("warehouse_file", sa.String(length=80), nullable=True),
        sa.Column("exported_at", sa.DateTime(), nullable=True),
        sa.Column("row_counts", sa.Text(), nullable=True),
        sa.Column("errors", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("load_id"),
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_outbox_next_attempt_at"), ["next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_outbox_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "message_reads",
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("message_key", sa.String(length=120), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("username", "message_key"),
    )
    op.create_table(
        "notifications_sent",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.String(length=20), nullable=False),
        sa.Column("item_key", sa.String(length=120), nullable=False),
        sa.Column("premises_id", sa.String(length=20), nullable=True),
        sa.Column("recipient", sa.String(length=254), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("customer_id", "item_key", name="uq_notifications_sent_item"),
    )
    op.create_table(
        "office_messages",
        sa.Column("message_id", sa.String(length=40), nullable=False),
        sa.Column("audience", sa.String(length=12), nullable=False),
        sa.Column("target", sa.String(length=40), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attachment_file", sa.String(length=80), nullable=True),
        sa.Column("attachment_name", sa.String(length=160), nullable=True),
        sa.Column("attachment_type", sa.String(length=40), nullable=True),
        sa.Column("attachment_size", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("valid_until", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("message_id"),
    )
    with op.batch_alter_table("office_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_office_messages_published_at"), ["published_at"], unique=False)

    op.create_table(
        "office_resolutions",
        sa.Column("resolution_id", sa.String(length=40), nullable=False),
        sa.Column("community_id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("file", sa.Text(), nullable=True),
        sa.Column("vote_from", sa.DateTime(), nullable=False),
        sa.Column("vote_to", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("resolution_id"),
    )
    with op.batch_alter_table("office_resolutions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_office_resolutions_community_id"), ["community_id"], unique=False
        )

    op.create_table(
        "reading_submissions",
        sa.Column("submission_id", sa.String(length=40), nullable=False),
        sa.Column("premises_id", sa.String(length=20), nullable=False),
        sa.Column("meter_id", sa.String(length=40), nullable=False),
        sa.Column("reading_date", sa.DateTime(), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("implausible", sa.Integer(), nullable=False),
        sa.Column("photo", sa.Text(), nullable=True),
        sa.Column("exported_at", sa.DateTime(), nullable=True),
        sa.Column("export_batch", sa.String(length=40), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("unit", sa.String(length=8), nullable=True),
        sa.Column("previous_value", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.PrimaryKeyConstraint("submission_id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    with op.batch_alter_table("reading_submissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reading_submissions_export_batch"), ["export_batch"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reading_submissions_premises_id"), ["premises_id"], unique=False)

    op.create_table(
        "registrations",
        sa.Column("registration_id", sa.String(length=40), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("customer_id", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("proof_document", sa.String(length=80), nullable=False),
        sa.Column("proof_matches", sa.Integer(), nullable=False),
        sa.Column("regulations_version", sa.String(length=20), nullable=False),
        sa.Column("regulations_accepted_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("email_verified_at", sa.DateTime(), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("registration_id"),
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registrations_username"), ["username"], unique=False)

    op.create_table(
        "votes",
        sa.Column("vote_id", sa.String(length=40), nullable=False),
        sa.Column("resolution_id", sa.String(length=40), nullable=False),
        sa.Column("premises_id", sa.String(length=20), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("share", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("voted_at", sa.DateTime(), nullable=False),
        sa.Column("receipt_code", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("vote_id"),
        sa.UniqueConstraint("receipt_code"),
        sa.UniqueConstraint("resolution_id", "premises_id", name="uq_votes_resolution_premises"),
    )
    op.create_table(
        "inbox_events",
        sa.Column("event_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("assigned_to", sa.String(length=120), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("visible", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["inbox_items.item_id"],
        ),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("inbox_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inbox_events_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    """Drop every table (only for an empty store: all data is lost)."""
    with op.batch_alter_table("inbox_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbox_events_item_id"))

    op.drop_table("inbox_events")
    op.drop_table("votes")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registrations_username"))

    op.drop_table("registrations")
    with op.batch_alter_table("reading_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reading_submissions_premises_id"))
        batch_op.drop_index(batch_op.f("ix_reading_submissions_export_batch"))

    op.drop_table("reading_submissions")
    with op.batch_alter_table("office_resolutions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_resolutions_community_id"))

    op.drop_table("office_resolutions")
    with op.batch_alter_table("office_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_messages_published_at"))

    op.drop_table("office_messages")
    op.drop_table("notifications_sent")
    op.drop_table("message_reads")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_outbox_sent_at"))
        batch_op.drop_index(batch_op.f("ix_mail_outbox_next_attempt_at"))

    op.drop_table("mail_outbox")
    op.drop_table("load_runs")
    with op.batch_alter_table("inbox_items", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_items_status")
        batch_op.drop_index("ix_inbox_items_owner")

    op.drop_table("inbox_items")
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_tokens_username"))

    op.drop_table("auth_tokens")
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_sessions_username"))
        batch_op.drop_index(batch_op.f("ix_auth_sessions_cookie_ref"))

    op.drop_table("auth_sessions")
    with op.batch_alter_table("auth_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_attempts_username"))
        batch_op.drop_index(batch_op.f("ix_auth_attempts_client_address"))
        batch_op.drop_index(batch_op.f("ix_auth_attempts_at"))

    op.drop_table("auth_attempts")
    op.drop_table("audit_log")
