"""Operational store tables (SQLAlchemy Core). Each section belongs to one module."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# --- loader: every load attempt, also the rejected ones (ebok.loader) ---
load_runs = Table(
    "load_runs",
    metadata,
    Column("load_id", String(40), primary_key=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("source", Text, nullable=False),
    Column("status", String(16), nullable=False),  # running, ok, rejected, failed
    Column("warehouse_file", String(80)),
    Column("exported_at", DateTime),
    Column("row_counts", Text),  # JSON {table: rows}
    Column("errors", Text),  # JSON list of {file, line, column, message_pl, message_en}
)

# --- meter reading submissions (ebok.meters) ---
reading_submissions = Table(
    "reading_submissions",
    metadata,
    Column("submission_id", String(40), primary_key=True),
    Column("premises_id", String(20), nullable=False, index=True),
    Column("meter_id", String(40), nullable=False),
    Column("reading_date", DateTime, nullable=False),
    Column("value", Numeric(18, 4), nullable=False),
    Column("username", String(120), nullable=False),
    Column("submitted_at", DateTime, nullable=False),
    Column("implausible", Integer, nullable=False, default=0),
    Column("photo", Text),  # file name under data/uploads, optional
    Column("exported_at", DateTime),  # set when the office exported it to accounting
    Column("export_batch", String(40), index=True),
    # One key per form instance: a double click inserts once (unique), the second gets the first row.
    Column("idempotency_key", String(64), unique=True),
    Column("unit", String(8)),
    Column("previous_value", Numeric(18, 4)),  # last booked value (or initial value) at submission
)

# --- voting on community resolutions (ebok.voting) ---
office_resolutions = Table(
    "office_resolutions",
    metadata,
    Column("resolution_id", String(40), primary_key=True),
    Column("community_id", String(40), nullable=False, index=True),
    Column("number", String(40), nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text),
    Column("file", Text),  # PDF file name under data/uploads/resolutions, optional
    Column("vote_from", DateTime, nullable=False),
    Column("vote_to", DateTime, nullable=False),
    Column("created_by", String(120), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

votes = Table(
    "votes",
    metadata,
    Column("vote_id", String(40), primary_key=True),
    Column("resolution_id", String(40), nullable=False),
    Column("premises_id", String(20), nullable=False),
    Column("choice", String(10), nullable=False),  # for, against, abstain
    Column("share", Numeric(18, 4), nullable=False),  # premises.share when the vote was cast
    Column("username", String(120), nullable=False),
    Column("voted_at", DateTime, nullable=False),
    Column("receipt_code", String(40), nullable=False, unique=True),
    UniqueConstraint("resolution_id", "premises_id", name="uq_votes_resolution_premises"),
)

# --- audit log, append-only (ebok.audit) ---
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("username", String(120)),
    Column("action", String(60), nullable=False),
    Column("premises_id", String(20)),
    Column("client_address", String(64)),
    Column("details", Text),  # JSON; never passwords, tokens or message bodies
)

# Tables the loader copies into each new warehouse (schema ops), for analysts.
COPIED_TO_WAREHOUSE = ("reading_submissions", "office_resolutions", "votes")
