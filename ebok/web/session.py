"""The signed-in user of this browser session: a server-side session checked on every rerun.

The session id lives in st.session_state but means nothing unless the store has it alive, so planting
session_state keys (authentication_status, roles, …) never signs anyone in. A browser reload restores
the session from the login cookie (ebok.web.cookie) only while its row is alive (not logged out, not
expired, password unchanged, account enabled).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass

import streamlit as st

from ebok.auth import premises, service, sessions, users
from ebok.core.i18n import _
from ebok.web import client, cookie

SID_KEY = "_ebok_sid"

PREMISES_KEY = "_ebok_premises"

FLASH = "_ebok_flash"

STAUTH_KEYS = ("name", "username", "authentication_status", "email", "roles")


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user as pages see it."""

    username: str
    name: str
    email: str
    roles: tuple[str, ...]
    customer_id: str | None
    premises_ids: tuple[str, ...]
    must_change_password: bool = False
    session_id: str = ""

    def has_role(self, role: str) -> bool:
        """Return True when the user may open pages of ROLE ('any' = every signed-in user)."""
        return role == "any" or role in self.roles


def clear() -> None:
    for key in (SID_KEY, PREMISES_KEY, *STAUTH_KEYS):
        if key in st.session_state:
            del st.session_state[key]


# The user app.py checked at the top of this script run, for the page it runs next (a 1-tuple, so a
# signed-out run is remembered too). Unset when a page runs on its own (AppTest, fragments).
_CHECKED: contextvars.ContextVar[tuple[CurrentUser | None] | None] = contextvars.ContextVar(
    "ebok_checked_user", default=None
)


@contextlib.contextmanager
def checked_user(user: CurrentUser | None) -> Iterator[None]:
    """Let the page run inside this block reuse USER, just checked by app.py, instead of checking again."""
    token = _CHECKED.set((user,))
    try:
        yield
    finally:
        _CHECKED.reset(token)


def current_user() -> CurrentUser | None:
    """Return the signed-in user after checking the server-side session, else None."""
    checked = _CHECKED.get()
    if checked is not None:  # app.py checked it a moment ago in this same run
        return checked[0]
    sid = st.session_state.get(SID_KEY)
    info = sessions.validate(sid) if sid else None
    if sid and info is None:
        clear()
        st.session_state[FLASH] = _("Sesja wygasła albo została zakończona. Zaloguj się ponownie.")
    if info is None:
        info = cookie.session_from_browser()
        if info is None:
            return None
        st.session_state[SID_KEY] = info.session_id
    record = users.get(info.username)
    if record is None or not record.active:
        sessions.revoke(info.session_id, "account_disabled")
        clear()
        return None
    refs = premises.premises_of(record.customer_id, record.premises) if "resident" in record.roles else ()
    return CurrentUser(
        username=record.username,
        name=record.name,
        email=record.email,
        roles=record.roles,
        customer_id=record.customer_id,
        premises_ids=tuple(p.premises_id for p in refs),
        must_change_password=record.must_change_password,
        session_id=info.session_id,
    )


def start_session(result: service.LoginResult) -> None:
    """Put a successful login into this browser session."""
    clear()
    st.session_state[SID_KEY] = result.session_id
    st.session_state.pop(FLASH, None)
    if result.username and result.session_id:
        cookie.remember(result.session_id)


def logout(user: CurrentUser | None = None) -> None:
    """Revoke the server-side session, forget it here and delete the cookie on the next run."""
    sid = st.session_state.get(SID_KEY)
    service.logout(sid, user.username if user else None, client.client_address())
    clear()
    st.session_state.pop(cookie.PENDING, None)
    st.session_state[cookie.DELETE] = True
    st.session_state["logout"] = True
