"""The login cookie: its signing key, the signed token bound to a session row, and writing it in the browser."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from pathlib import Path
from typing import Any

import extra_streamlit_components as stx
import jwt
import streamlit as st
import streamlit.components.v1 as components
import yaml
from filelock import FileLock

from ebok.auth import sessions
from ebok.core import clock, config, settings

# The package's own cookie frontend, declared here so that writing a cookie is one iframe whose answer
# we get back: CookieManager.set() drops the component's answer and draws a second (getAll) iframe
# whose answer reruns the script, often before the setting iframe has even loaded.
_FRONTEND = Path(stx.__file__).resolve().parent / "CookieManager" / "frontend" / "build"
_cookie_frontend = components.declare_component("cookie_writer", path=str(_FRONTEND))
_HIDE_EMPTY_FRAME = '<style>.element-container:has(iframe[height="0"]) { display: none; }</style>'


def write(name: str, token: str, expires: dt.datetime, secure: bool = False) -> bool:
    """Render the component that sets cookie NAME (SameSite=Strict, Secure on HTTPS) until EXPIRES.

    Return True once the browser reported the cookie set; until then the caller must keep rendering
    it (a rerun that removes the iframe before it ran means the cookie is never written).
    """
    options: dict[str, object] = {
        "path": "/",
        "expires": expires.astimezone().replace(tzinfo=None).isoformat(),
        "sameSite": "strict",
    }
    if secure:
        options["secure"] = True
    # One key per token: a component keeps its answer under its key, so an earlier login's "written"
    # must never count for a later cookie.
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]
    # A constant style rule, never user or export data: it hides the zero-height setter frame.
    st.markdown(_HIDE_EMPTY_FRAME, unsafe_allow_html=True)
    answer = _cookie_frontend(
        method="set",
        cookie=name,
        value=token,
        options=options,
        key=f"ebok_cookie_set_{digest}",
        default=False,
    )
    return answer is True


def delete(name: str) -> None:
    """Render the component that deletes cookie NAME if the browser has it."""
    manager = stx.CookieManager(key="ebok_cookie_manager")
    if name in (manager.cookies or {}):
        manager.delete(name, key="ebok_cookie_delete")


COOKIE_NAME = "ebok_auth"

PENDING = "_ebok_cookie_pending"

DELETE = "_ebok_cookie_delete"


def cookie_key() -> str:
    """Return the per-installation cookie signing key, created on first use (never committed)."""
    path = settings.secrets_file()
    with FileLock(str(path) + ".lock", timeout=30):
        data: dict[str, Any] = {}
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not data.get("cookie_key"):
            data["cookie_key"] = secrets.token_urlsafe(48)
            tmp = path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                yaml.safe_dump(data, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
    return str(data["cookie_key"])


def session_from_token(token: str | None) -> sessions.SessionInfo | None:
    """Return the live session a login cookie value belongs to; None if forged, expired or revoked."""
    if not token or not isinstance(token, str):
        return None
    try:
        claims = jwt.decode(token, cookie_key(), algorithms=["HS256"])
        username = str(claims["username"])
        exp_date = float(claims["exp_date"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return None
    if exp_date <= clock.now().replace(tzinfo=dt.UTC).timestamp():
        return None
    return sessions.validate_cookie(username, exp_date)


def make_cookie_token(username: str, session_id: str) -> tuple[str, dt.datetime]:
    """Return a login cookie value (stauth's JWT: username + exp_date) bound to SESSION_ID, and its expiry."""
    hours = config.load().security.absolute_timeout_hours
    expires = clock.now().replace(tzinfo=dt.UTC) + dt.timedelta(hours=hours)
    # exp_date carries microseconds, so it is unique per login and keys the session row.
    exp_date = expires.timestamp()
    token = jwt.encode({"username": username, "exp_date": exp_date}, cookie_key(), algorithm="HS256")
    sessions.bind_cookie(session_id, username, exp_date)
    return token, expires


def session_from_browser() -> sessions.SessionInfo | None:
    """Restore a session after a browser reload from the signed login cookie, if its row is alive."""
    if st.session_state.get(DELETE):
        return None
    try:
        token = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # noqa: BLE001 - no request context
        return None
    return session_from_token(token if isinstance(token, str) else None)


def remember(username: str, session_id: str) -> None:
    """Bind a fresh login cookie to the session; it is written to the browser on the next run."""
    token, expires = make_cookie_token(username, session_id)
    st.session_state[PENDING] = (token, expires.isoformat())
    st.session_state.pop(DELETE, None)


def _browser_sent(token: str) -> bool:
    """Return True when this connection's request already carried TOKEN as the login cookie."""
    try:
        return st.context.cookies.get(COOKIE_NAME) == token
    except Exception:  # noqa: BLE001 - no request context (AppTest, bare mode)
        return False


def sync_cookie() -> None:
    """Write or delete the login cookie in the browser; the write stays pending until confirmed."""
    pending = st.session_state.get(PENDING)
    to_delete = st.session_state.get(DELETE)
    if not pending and not to_delete:
        return
    try:
        if pending:
            token, expires = pending
            https = config.base_url().startswith("https://")
            # Pending until the browser confirms it: a rerun that comes first (a click, another
            # component) removes the iframe before it ran, and the cookie would never be written.
            written = write(COOKIE_NAME, token, dt.datetime.fromisoformat(expires), secure=https)
            if written or _browser_sent(token):
                st.session_state.pop(PENDING, None)
        elif to_delete:
            delete(COOKIE_NAME)
    except Exception:  # noqa: BLE001 - no cookie only means no restore after a reload
        st.session_state.pop(PENDING, None)
