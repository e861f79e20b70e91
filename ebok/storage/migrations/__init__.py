"""Schema migrations of the operational store (Alembic, configured here: no alembic.ini).

`upgrade(engine)` brings a store to the newest revision in one transaction holding a lock (SQLite's
write lock via BEGIN IMMEDIATE, a transaction-level advisory lock on PostgreSQL), so two processes
starting at once migrate it once, and a failed migration leaves the store as it was. An empty
database gets `metadata.create_all` and is stamped at head (tests keep migrations and tables.py
identical); a store created before migrations existed (tables, no `alembic_version`) is
recognised, stamped at the revision it matches and upgraded from there.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from ebok.storage.tables import metadata

HERE = Path(__file__).resolve().parent

# Tables of the first release (revision 0001): a store that has them but no alembic_version predates
# migrations. Never extend this tuple; later tables come with their own revisions.
BASELINE_TABLES = (
    "load_runs",
    "reading_submissions",
    "office_resolutions",
    "votes",
    "audit_log",
    "inbox_items",
    "inbox_events",
    "auth_sessions",
    "auth_attempts",
    "auth_tokens",
    "registrations",
    "mail_outbox",
    "office_messages",
    "message_reads",
    "notifications_sent",
)

# Any fixed 64-bit number: every e-BOK process on one PostgreSQL database takes the same lock.
PG_LOCK_KEY = 0x0EB0C_5C4E_3A01

# How long a process waits for another one's migration before giving up (SQLite busy_timeout).
LOCK_WAIT_SECONDS = 300


class MigrationError(RuntimeError):
    """The store cannot be migrated automatically (the message says why, in Polish)."""


def alembic_config(connection: sa.Connection | None = None, url: str | None = None) -> Config:
    """Return an Alembic config for this package; CONNECTION for online runs, URL for --sql."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    # Revision files are named NNNN_slug.py; new ones get the next number from the CLI.
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def script_directory() -> ScriptDirectory:
    """Return the revision scripts, parsed once per process."""
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    """Return the newest revision id."""
    return script_directory().get_current_head() or ""


def current(connection: sa.Connection) -> tuple[str, ...]:
    """Return the revisions recorded in the store (empty when it has no alembic_version)."""
    return MigrationContext.configure(connection).get_current_heads()


def legacy_revision(connection: sa.Connection) -> str | None:
    """Return the revision a store created before migrations matches, None for an empty database.

    Raises MigrationError when the store has some of e-BOK's tables but not all of the first release.
    """
    inspector = sa.inspect(connection)
    names = set(inspector.get_table_names())
    if not names & set(metadata.tables):
        return None
    missing = [t for t in BASELINE_TABLES if t not in names]
    if missing:
        raise MigrationError(
            "Baza operacyjna nie ma tabeli alembic_version i nie odpowiada pierwszemu wydaniu "
            f"(brak tabel: {', '.join(missing)}). Przywróć kopię zapasową lub oznacz wersję ręcznie."
        )
    columns = {c["name"] for c in inspector.get_columns("registrations")}
    # 0002 added registrations.proof_amount; create_all of that release already had it.
    return "0002" if "proof_amount" in columns else "0001"


@contextmanager
def _locked_transaction(con: sa.Connection) -> Iterator[None]:
    """Run the block in one transaction that holds the store's migration lock.

    SQLite: BEGIN IMMEDIATE takes the database's write lock (a second process waits in busy_timeout)
    and makes the migration all-or-nothing. PostgreSQL: a transaction-level advisory lock, released
    at commit; its DDL is transactional anyway.
    """
    if con.dialect.name != "sqlite":
        with con.begin():
            if con.dialect.name == "postgresql":
                con.execute(sa.select(sa.func.pg_advisory_xact_lock(PG_LOCK_KEY)))
            yield
        return
    busy_timeout = con.exec_driver_sql("PRAGMA busy_timeout").scalar()
    # Batch migrations copy and drop tables; with foreign keys on, a drop would cascade or fail.
    # Both pragmas only take effect outside a transaction, hence before BEGIN.
    con.exec_driver_sql("PRAGMA foreign_keys=OFF")
    con.exec_driver_sql(f"PRAGMA busy_timeout={LOCK_WAIT_SECONDS * 1000}")
    con.commit()
    try:
        with con.begin():
            # pysqlite would only BEGIN before the first INSERT: start the transaction ourselves.
            con.exec_driver_sql("BEGIN IMMEDIATE")
            yield
    finally:
        con.exec_driver_sql("PRAGMA foreign_keys=ON")
        con.exec_driver_sql(f"PRAGMA busy_timeout={int(busy_timeout or 0)}")
        con.commit()


def _upgrade_locked(connection: sa.Connection, create_all_when_empty: bool) -> None:
    """Bring the store on CONNECTION (inside its locked transaction) to head."""
    heads = current(connection)
    if heads == (head(),):
        return  # another process migrated it while this one waited for the lock
    if not heads:
        legacy = legacy_revision(connection)
        if legacy is None and create_all_when_empty:
            # Same schema as running every revision (test_migrations compares them), much faster.
            metadata.create_all(connection)
            MigrationContext.configure(connection).stamp(script_directory(), "head")
            return
        if legacy is not None:
            MigrationContext.configure(connection).stamp(script_directory(), legacy)
    command.upgrade(alembic_config(connection), "head")


def upgrade(engine: sa.Engine, *, create_all_when_empty: bool = True) -> None:
    """Bring ENGINE's store to the newest revision; cheap (one query) when it is there already."""
    with engine.connect() as con:
        if current(con) == (head(),):
            return
        con.rollback()
        with _locked_transaction(con):
            _upgrade_locked(con, create_all_when_empty)


def offline_sql(url: str, start: str | None) -> None:
    """Print the SQL from revision START (None: an empty database) to head for URL's dialect."""
    command.upgrade(alembic_config(url=url), f"{start}:head" if start else "head", sql=True)
