"""Failure throttle: at most MAX_FAILURES per WINDOW per username and per client address.

Counted in the operational store (shared by every app process), per attempt kind. Failures are
counted for any username string, existing or not, so a lockout reveals nothing about accounts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, func, insert, select

from ebok.core import clock
from ebok.storage import store
from ebok.storage.tables import auth_attempts

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
# Clients whose address is not known (loopback peers: Streamlit gives None; a missing proxy header)
# share one address: uncounted, they had no per-address limit at all.
UNKNOWN_ADDRESS = "(nieznany adres)"


def _address(client_address: str | None) -> str:
    """Return the address attempts are counted under (the unknown ones share UNKNOWN_ADDRESS)."""
    return (client_address or "").strip()[:64] or UNKNOWN_ADDRESS


def _norm(username: str | None) -> str | None:
    return (username or "").strip().lower()[:120] or None


def failures(
    kind: str, *, username: str | None = None, client_address: str | None = None, now: datetime | None = None
) -> int:
    """Return the failures of KIND within the window for USERNAME or for CLIENT_ADDRESS."""
    now = now or clock.now()
    query = (
        select(func.count())
        .select_from(auth_attempts)
        .where(
            auth_attempts.c.kind == kind,
            auth_attempts.c.success == 0,
            auth_attempts.c.at > now - WINDOW,
            auth_attempts.c.at <= now,
        )
    )
    if username is not None:
        query = query.where(auth_attempts.c.username == _norm(username))
    if client_address is not None:
        query = query.where(auth_attempts.c.client_address == client_address)
    with store.engine().connect() as con:
        return int(con.execute(query).scalar_one())


def is_locked(
    kind: str, username: str | None, client_address: str | None, now: datetime | None = None
) -> bool:
    """Return True when the username or the address has used up its failures in the window."""
    if _norm(username) and failures(kind, username=username, now=now) >= MAX_FAILURES:
        return True
    return failures(kind, client_address=_address(client_address), now=now) >= MAX_FAILURES


def record(
    kind: str,
    username: str | None,
    client_address: str | None,
    success: bool,
    now: datetime | None = None,
    con: Connection | None = None,
) -> None:
    """Record one attempt (on CON: the caller's open transaction)."""
    stmt = insert(auth_attempts).values(
        at=now or clock.now(),
        kind=kind,
        username=_norm(username),
        client_address=_address(client_address),
        success=1 if success else 0,
    )
    if con is not None:
        con.execute(stmt)
        return
    with store.engine().begin() as own:
        own.execute(stmt)
