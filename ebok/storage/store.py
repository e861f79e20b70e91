"""The operational store: what residents and the office write, via SQLAlchemy Core.

SQLite in WAL mode by default; any SQLAlchemy URL (PostgreSQL) via EBOK_STORE_URL, with a bounded
connection pool per process (settings.store_pool(): pages wait for a free connection under overload).
The nightly warehouse file is never written by the app. The schema is kept by the Alembic revisions
in ebok/storage/migrations: the first engine() of a process brings the store to the newest one.
"""

from __future__ import annotations

import errno
import sqlite3
import threading
from typing import Literal

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from ebok.core import settings
from ebok.storage import migrations

_lock = threading.Lock()

# Why the server could not write: the disk (or the database's quota) is full, or the store is
# read-only (a read-only mount, a PostgreSQL standby, a file the app may not write).
Refusal = Literal["disk_full", "read_only"]
# SQLite primary result codes (an extended code keeps the primary one in its low byte).
_SQLITE_CODES: dict[int, Refusal] = {sqlite3.SQLITE_FULL: "disk_full", sqlite3.SQLITE_READONLY: "read_only"}
# PostgreSQL SQLSTATEs: disk_full, read_only_sql_transaction.
_SQLSTATES: dict[str, Refusal] = {"53100": "disk_full", "25006": "read_only"}
# A file written next to a row (an upload's .part) meets the same disk: ENOSPC, EDQUOT, EROFS.
_ERRNOS: dict[int, Refusal] = {errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full", errno.EROFS: "read_only"}
_engines: dict[str, Engine] = {}


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """WAL lets the app read while another process writes; busy_timeout waits instead of failing."""
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _pool_options(url: str) -> dict[str, object]:
    """Return create_engine's pool arguments for URL.

    A SQLite file keeps SQLAlchemy's own pool (nothing to bound, no server connection to go stale;
    pinging it was a query per checkout). A server store gets a bounded queue pool per process:
    at most size + overflow connections; a page that finds them all in use waits for one (up to the
    timeout) instead of opening more, so an overload queues pages rather than failing them with
    "too many connections" (PostgreSQL's max_connections is shared by every process and replica).
    """
    if make_url(url).get_backend_name() == "sqlite":
        return {}
    pool = settings.store_pool()
    return {
        "poolclass": QueuePool,
        "pool_size": pool["size"],
        "max_overflow": pool["overflow"],
        "pool_timeout": pool["timeout"],
        "pool_pre_ping": True,
    }


def engine(url: str | None = None) -> Engine:
    """Return the process-wide engine for URL (default: settings.store_url()), schema migrated to head."""
    url = url or settings.store_url()
    with _lock:
        eng = _engines.get(url)
        if eng is None:
            eng = create_engine(url, future=True, **_pool_options(url))
            if eng.dialect.name == "sqlite":
                event.listen(eng, "connect", _sqlite_pragmas)
            # An office that upgrades e-BOK keeps its store: create_all would never add new columns.
            migrations.upgrade(eng)
            _engines[url] = eng
        return eng


def dispose_all() -> None:
    """Drop every cached engine (tests switch data directories)."""
    with _lock:
        for eng in _engines.values():
            eng.dispose()
        _engines.clear()


def _driver_refusal(orig: BaseException | None) -> Refusal | None:
    """Return the refusal a DB-API driver's own exception stands for, None for any other error."""
    if isinstance(orig, sqlite3.Error):
        return _SQLITE_CODES.get(orig.sqlite_errorcode & 0xFF)
    # psycopg's errors carry `sqlstate`; read by name, since importing psycopg here would cost a
    # SQLite-only office ~0.2 s at every start for a driver it never loads.
    state = getattr(orig, "sqlstate", None)
    return _SQLSTATES.get(state) if isinstance(state, str) else None


def write_refusal(exc: BaseException) -> Refusal | None:
    """Return why the store (or the disk under it) refused a write, None for any other error.

    Looks at the exception and what it was raised from, so a refusal wrapped by SQLAlchemy
    (OperationalError, InternalError) or re-raised by our own code is still recognised.
    """
    seen: BaseException | None = exc
    for _ in range(5):  # a short chain; never loop on a cycle
        if seen is None:
            return None
        if isinstance(seen, DBAPIError):
            found = _driver_refusal(seen.orig)
        elif isinstance(seen, OSError):
            found = _ERRNOS.get(seen.errno or 0)
        else:
            found = _driver_refusal(seen)
        if found is not None:
            return found
        seen = seen.__cause__ or seen.__context__
    return None
