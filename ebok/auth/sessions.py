"""Server-side sessions: checked on every rerun; logout, password change and disabling revoke them.

streamlit-authenticator's logout only deletes the browser cookie, so a copied cookie would keep
working. Here a login creates a row; the cookie (its JWT holds username + exp_date, unique per
login) is bound to that row by a hash, and a cookie is honoured only while its row is alive.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError

from ebok.auth import users
from ebok.core import clock, config
from ebok.storage import store
from ebok.storage.tables import auth_sessions

# last_seen_at is written at most this often, so a rerun storm does not hammer the store.
TOUCH_EVERY = timedelta(seconds=20)
# The page redeems its cookie ticket within a second of login; a ticket found later (copied from a
# page, or a browser that never ran the script) is worth nothing.
TICKET_TTL = timedelta(minutes=2)


@dataclass(frozen=True)
class SessionInfo:
    """A live session."""

    session_id: str
    username: str
    created_at: datetime
    last_seen_at: datetime


def cookie_ref(username: str, exp_date: float | str) -> str:
    """Return the key binding a login cookie (username + exp_date) to its session."""
    return hashlib.sha256(f"{username.lower()}|{float(exp_date)!r}".encode()).hexdigest()


def create(
    username: str,
    client_address: str | None = None,
    now: datetime | None = None,
    con: Connection | None = None,
) -> str:
    """Start a session for USERNAME (on CON: the caller's open transaction) and return its id."""
    now = now or clock.now()
    session_id = secrets.token_hex(32)
    stmt = insert(auth_sessions).values(
        session_id=session_id,
        username=username.lower(),
        created_at=now,
        last_seen_at=now,
        client_address=(client_address or None) and client_address[:64],
    )
    if con is not None:
        con.execute(stmt)
        return session_id
    with store.engine().begin() as own:
        own.execute(stmt)
    return session_id


def bind_cookie(session_id: str, username: str, exp_date: float) -> None:
    """Remember which login cookie belongs to SESSION_ID."""
    with store.engine().begin() as con:
        con.execute(
            update(auth_sessions)
            .where(auth_sessions.c.session_id == session_id)
            .values(cookie_ref=cookie_ref(username, exp_date))
        )


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode("utf-8")).hexdigest()


def issue_ticket(session_id: str, now: datetime | None = None) -> str:
    """Return a one-time ticket for SESSION_ID's login cookie; only its hash is stored."""
    ticket = secrets.token_urlsafe(32)
    with store.engine().begin() as con:
        con.execute(
            update(auth_sessions)
            .where(auth_sessions.c.session_id == session_id)
            .values(cookie_ticket=_digest(ticket), cookie_ticket_at=now or clock.now())
        )
    return ticket


def redeem_ticket(ticket: str, now: datetime | None = None) -> SessionInfo | None:
    """Spend TICKET once; return its session while alive and the ticket fresh, else None."""
    if not ticket or not isinstance(ticket, str) or len(ticket) > 100:
        return None
    now = now or clock.now()
    digest = _digest(ticket)
    with store.engine().begin() as con:
        row = (
            con.execute(select(auth_sessions).where(auth_sessions.c.cookie_ticket == digest))
            .mappings()
            .first()
        )
        if row is None:
            return None
        # Compare-and-set: of two requests with one ticket, only one clears it.
        spent = con.execute(
            update(auth_sessions)
            .where(auth_sessions.c.session_id == row["session_id"], auth_sessions.c.cookie_ticket == digest)
            .values(cookie_ticket=None, cookie_ticket_at=None)
        )
    if spent.rowcount != 1 or row["cookie_ticket_at"] is None or now - row["cookie_ticket_at"] > TICKET_TTL:
        return None
    return validate(row["session_id"], now)


def ticket_pending(session_id: str, now: datetime | None = None) -> bool:
    """Return True while SESSION_ID holds a fresh ticket its page has not redeemed yet."""
    now = now or clock.now()
    with store.engine().connect() as con:
        issued = con.execute(
            select(auth_sessions.c.cookie_ticket_at).where(
                auth_sessions.c.session_id == session_id, auth_sessions.c.cookie_ticket.is_not(None)
            )
        ).scalar()
    return issued is not None and now - issued <= TICKET_TTL


def _expired(row: dict, now: datetime) -> str | None:
    """Return the reason the row is no longer valid at NOW, or None."""
    cfg = config.load()
    if row["revoked_at"] is not None:
        return row["revoke_reason"] or "revoked"
    if now - row["last_seen_at"] > timedelta(minutes=cfg.security.idle_timeout_minutes):
        return "idle_timeout"
    if now - row["created_at"] > timedelta(hours=cfg.security.absolute_timeout_hours):
        return "absolute_timeout"
    user = users.get(row["username"])
    if user is None or not user.active:
        return "account_disabled"
    changed = user.password_changed_at
    if isinstance(changed, str):
        changed = datetime.fromisoformat(changed)
    if isinstance(changed, datetime) and changed.replace(tzinfo=None) > row["created_at"]:
        return "password_changed"
    return None


# Built once: every rerun checks its session, and a statement object made anew each time costs
# SQLAlchemy its cache-key walk again (about half of a check); these keep their compiled form.
_BY_SESSION_ID = select(auth_sessions).where(auth_sessions.c.session_id == bindparam("key"))
_BY_COOKIE_REF = select(auth_sessions).where(auth_sessions.c.cookie_ref == bindparam("key"))


def _check(stmt, key: str, now: datetime | None) -> SessionInfo | None:  # type: ignore[no-untyped-def]
    now = now or clock.now()
    with store.engine().connect() as con:
        row = con.execute(stmt, {"key": key}).mappings().first()
    if row is None:
        return None
    row = dict(row)
    reason = _expired(row, now)
    if reason:
        if row["revoked_at"] is None:
            revoke(row["session_id"], reason, now)
        return None
    if now - row["last_seen_at"] >= TOUCH_EVERY:
        try:
            with store.engine().begin() as con:
                con.execute(
                    update(auth_sessions)
                    .where(auth_sessions.c.session_id == row["session_id"])
                    .values(last_seen_at=now)
                )
        except DBAPIError as exc:
            # A full disk or a read-only store must not sign anyone out or break the page: reading
            # still works, and a form that writes tells in Polish that nothing was saved.
            if store.write_refusal(exc) is None:
                raise
    return SessionInfo(row["session_id"], row["username"], row["created_at"], row["last_seen_at"])


def validate(session_id: str | None, now: datetime | None = None) -> SessionInfo | None:
    """Return the live session SESSION_ID (and mark it seen), or None; an expired one is revoked."""
    if not session_id or not isinstance(session_id, str):
        return None
    return _check(_BY_SESSION_ID, session_id, now)


def validate_cookie(username: str, exp_date: float, now: datetime | None = None) -> SessionInfo | None:
    """Return the live session a login cookie belongs to, or None (logged out, expired, replayed)."""
    session = _check(_BY_COOKIE_REF, cookie_ref(username, exp_date), now)
    if session is not None and session.username != username.lower():
        return None
    return session


def revoke(session_id: str, reason: str = "logout", now: datetime | None = None) -> None:
    """End one session."""
    with store.engine().begin() as con:
        con.execute(
            update(auth_sessions)
            .where(auth_sessions.c.session_id == session_id, auth_sessions.c.revoked_at.is_(None))
            .values(revoked_at=now or clock.now(), revoke_reason=reason)
        )


def revoke_user(
    username: str, reason: str, now: datetime | None = None, con: Connection | None = None
) -> int:
    """End every session of USERNAME (on CON: the caller's open transaction); return how many."""
    stmt = (
        update(auth_sessions)
        .where(auth_sessions.c.username == username.lower(), auth_sessions.c.revoked_at.is_(None))
        .values(revoked_at=now or clock.now(), revoke_reason=reason)
    )
    if con is not None:
        return int(con.execute(stmt).rowcount or 0)
    with store.engine().begin() as own:
        return int(own.execute(stmt).rowcount or 0)
