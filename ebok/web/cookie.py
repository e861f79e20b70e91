"""The login cookie: its signing key, the signed token bound to a session row, and who sets it.

The cookie is HttpOnly, so no script in the page can read it: the server sets and clears it
(ebok/web/asgi.py, routes /_ebok/session and /_ebok/logout that `streamlit run app.py` serves through
st.App). A Streamlit script talks to the browser over a WebSocket and cannot send a Set-Cookie
header, so after a login the page posts a one-time ticket (sessions.issue_ticket, two minutes,
spent once) to /_ebok/session, whose response carries the cookie. The token never reaches the page.
"""

from __future__ import annotations

import datetime as dt
import json

import jwt
import streamlit as st

from ebok.auth import sessions, tokens
from ebok.core import clock, config

COOKIE_NAME = "ebok_auth"

PENDING = "_ebok_cookie_pending"

DELETE = "_ebok_cookie_delete"


def cookie_key() -> str:
    """Return the per-installation cookie signing key, created on first use (never committed)."""
    return tokens.installation_secret("cookie_key")


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


def remember(session_id: str) -> None:
    """Give the new session a cookie ticket; the page redeems it at /_ebok/session on the next run."""
    st.session_state[PENDING] = (session_id, sessions.issue_ticket(session_id))
    st.session_state.pop(DELETE, None)


def base_path() -> str:
    """Return the portal's path prefix (Streamlit's server.baseUrlPath), '/' or '/prefix/'."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/" if base else "/"


def route_path(name: str) -> str:
    """Return the absolute path of our route NAME (ebok/web/asgi.py)."""
    return f"{base_path()}_ebok/{name}"


def _post_script(path: str, body: str) -> str:
    """Return a <script> that POSTs BODY to PATH once, same origin, so its Set-Cookie applies."""
    options = (
        "{method: 'POST', credentials: 'same-origin', cache: 'no-store', body: " + json.dumps(body) + "}"
    )
    return f"<script>fetch({json.dumps(path)}, {options}).catch(function () {{}});</script>"


def sync_cookie() -> None:
    """Have the browser fetch the cookie for a new login, or have the server clear it after logout."""
    pending = st.session_state.get(PENDING)
    if pending:
        session_id, ticket = pending
        if not sessions.ticket_pending(session_id):  # redeemed (or stale): nothing left to post
            st.session_state.pop(PENDING, None)
            return
        # Rendered on every run until redeemed: a rerun that came first may have dropped the element
        # before its script ran. The same element on a rerun is not run again; a spent ticket is refused.
        st.html(_post_script(route_path("session"), ticket), unsafe_allow_javascript=True)
    elif st.session_state.get(DELETE):
        st.html(_post_script(route_path("logout"), ""), unsafe_allow_javascript=True)
