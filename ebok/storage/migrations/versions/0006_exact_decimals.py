"""Decimal columns are exact on SQLite too: whole units of the last decimal place in a BIGINT.

SQLite kept NUMERIC(18, 4) as a double (12345678901234,5678 came back as 12345678901234,5684);
ebok.storage.decimals.exact_decimal keeps units there instead. PostgreSQL's NUMERIC was exact
already: nothing changes on it. Rows stored before are converted to the nearest unit, which is the
typed value for every number of up to 15 digits (every real meter state, share and amount).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# table -> its decimal columns (name, precision, scale)
EXACT = {
    "reading_submissions": (("value", 18, 4), ("previous_value", 18, 4)),
    "votes": (("share", 18, 4),),
    "registrations": (("proof_amount", 14, 2),),
}


def _columns(name: str, units: bool) -> list[sa.SchemaItem]:
    """Return TABLE's columns and constraints as of 0003, its decimals as BIGINT units or as NUMERIC."""

    def dec(column: str, precision: int, scale: int, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
        kind = sa.BigInteger() if units else sa.Numeric(precision=precision, scale=scale)
        return sa.Column(column, kind, nullable=nullable)

    s, dt = sa.String, sa.DateTime
    if name == "reading_submissions":
        return [
            sa.Column("submission_id", s(40), primary_key=True),
            sa.Column("premises_id", s(20), nullable=False),
            sa.Column("meter_id", s(40), nullable=False),
            sa.Column("reading_date", dt(), nullable=False),
            dec("value", 18, 4, nullable=False),
            sa.Column("username", s(120), nullable=False),
            sa.Column("submitted_at", dt(), nullable=False),
            sa.Column("implausible", sa.Integer(), nullable=False),
            sa.Column("photo", sa.Text()),
            sa.Column("exported_at", dt()),
            sa.Column("export_batch", s(40)),
            sa.Column("idempotency_key", s(64)),
            sa.Column("unit", s(8)),
            dec("previous_value", 18, 4, nullable=True),
            sa.UniqueConstraint("idempotency_key"),
            # Named indexes, not index=True: the batch recreates only those it finds on the table.
            sa.Index("ix_reading_submissions_export_batch", "export_batch"),
            sa.Index("ix_reading_submissions_premises_id", "premises_id"),
        ]
    if name == "votes":
        return [
            sa.Column("vote_id", s(40), primary_key=True),
            sa.Column("resolution_id", s(40), nullable=False),
            sa.Column("premises_id", s(20), nullable=False),
            sa.Column("choice", s(10), nullable=False),
            dec("share", 18, 4, nullable=False),
            sa.Column("username", s(120), nullable=False),
            sa.Column("voted_at", dt(), nullable=False),
            sa.Column("receipt_code", s(40), nullable=False),
            sa.UniqueConstraint("receipt_code"),
            sa.UniqueConstraint("resolution_id", "premises_id", name="uq_votes_resolution_premises"),
        ]
    return [
        sa.Column("registration_id", s(40), primary_key=True),
        sa.Column("username", s(120), nullable=False),
        sa.Column("customer_id", s(20), nullable=False),
        sa.Column("email", s(254), nullable=False),
        sa.Column("name", s(200), nullable=False),
        sa.Column("proof_document", s(80), nullable=False),
        sa.Column("proof_matches", sa.Integer(), nullable=False),
        sa.Column("regulations_version", s(20), nullable=False),
        sa.Column("regulations_accepted_at", dt(), nullable=False),
        sa.Column("status", s(20), nullable=False),
        sa.Column("email_verified_at", dt()),
        sa.Column("client_address", s(64)),
        sa.Column("created_at", dt(), nullable=False),
        sa.Column("decided_at", dt()),
        sa.Column("decided_by", s(120)),
        sa.Column("decision_note", sa.Text()),
        dec("proof_amount", 14, 2, nullable=True),
        sa.Column("proof_kind", s(20)),
        sa.Index("ix_registrations_username", "username"),
    ]


def _table(name: str, units: bool) -> sa.Table:
    """Return TABLE as the batch copies it: `--sql` has no database to reflect it from."""
    return sa.Table(name, sa.MetaData(), *_columns(name, units))


def _on_sqlite() -> bool:
    """Return True for SQLite (online or --sql); PostgreSQL's NUMERIC needs nothing."""
    return op.get_context().dialect.name == "sqlite"


def _retype(name: str, to_units: bool) -> None:
    """Rebuild TABLE (SQLite's move and copy) with its decimal columns as BIGINT or back as NUMERIC."""
    with op.batch_alter_table(name, copy_from=_table(name, units=not to_units), recreate="always") as batch:
        for column, precision, scale in EXACT[name]:
            numeric = sa.Numeric(precision=precision, scale=scale)
            batch.alter_column(
                column,
                type_=sa.BigInteger() if to_units else numeric,
                existing_type=numeric if to_units else sa.BigInteger(),
            )


def upgrade() -> None:
    """On SQLite: turn every stored decimal into whole units, then make the columns BIGINT."""
    if not _on_sqlite():
        return
    for name, columns in EXACT.items():
        for column, _precision, scale in columns:
            # ROUND: the double 132.45 is 132.44999…; times 10^scale it rounds back to 1324500.
            col = sa.column(column)
            units = sa.cast(sa.func.round(col * sa.literal(10**scale, sa.Integer)), sa.Integer)
            op.execute(sa.table(name, col).update().values({column: units}))
        _retype(name, to_units=True)


def downgrade() -> None:
    """On SQLite: make the columns NUMERIC again, holding the numbers (as doubles, like before 0006)."""
    if not _on_sqlite():
        return
    for name, columns in EXACT.items():
        _retype(name, to_units=False)
        for column, _precision, scale in columns:
            col = sa.column(column)
            op.execute(sa.table(name, col).update().values({column: col / sa.literal(10.0**scale, sa.Float)}))
