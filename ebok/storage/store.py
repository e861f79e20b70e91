"""The operational store: what residents and the office write, via SQLAlchemy Core.

SQLite in WAL mode by default; any SQLAlchemy URL (PostgreSQL) via EBOK_STORE_URL.
The nightly warehouse file is never written by the app. The schema is kept by the Alembic revisions
in ebok/storage/migrations: the first engine() of a process brings the store to the newest one.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine, create_engine, event

from ebok.core import settings
from ebok.storage import migrations

_lock = threading.Lock()
_engines: dict[str, Engine] = {}


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """WAL lets the app read while another process writes; busy_timeout waits instead of failing."""
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def engine(url: str | None = None) -> Engine:
    """Return the process-wide engine for URL (default: settings.store_url()), schema migrated to head."""
    url = url or settings.store_url()
    with _lock:
        eng = _engines.get(url)
        if eng is None:
            # A SQLite file has no server connection to go stale; pinging it was a query per checkout.
            eng = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
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
