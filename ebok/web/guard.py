"""The page guard: every page calls require_login(), require_resident_page() or guard_public_page() first."""

from __future__ import annotations

import datetime as dt
import functools

import streamlit as st

from ebok.core import clock, config, fmt, i18n
from ebok.core.i18n import N_, _
from ebok.storage import audit, warehouse
from ebok.web import client, failure, language, login, premises, session
from ebok.web.session import CurrentUser


def ensure_app_navigation() -> None:
    """Rerun through app.py when Streamlit ran this page on its own (its legacy pages/ folder mode).

    Streamlit decides per process, on the first session, that an app with a pages/ folder is a v1
    multipage app, and only app.py's st.navigation switches that off. When the first request after
    a start named a page (a bookmark, a reload), every session ran pages without app.py: no
    sidebar, no logout button, Streamlit's own list of every file in pages/, and a folder scan on
    every rerun. One rerun of the first such run puts the whole process on app.py's navigation.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def require_login(role: str = "any") -> CurrentUser:
    """Return the signed-in user allowed to open a ROLE page; otherwise render login/refusal and stop."""
    ensure_app_navigation()
    user = session.current_user()
    _language(user)
    if user is None:
        login.login_form()
        st.stop()
    assert user is not None
    if user.must_change_password:
        if login.password_change_form(user, forced=True):
            st.rerun()
        st.stop()
    if not user.has_role(role):
        audit.record("access_denied", user.username, client_address=client.client_address(), role=role)
        st.error(_("Nie masz dostępu do tej strony."))
        st.stop()
    return user


def require_module(name: str) -> None:
    """Stop the page when the office switched module NAME off."""
    if not config.load().module_on(name):
        st.info(_("Ta część portalu jest wyłączona przez biuro."))
        st.stop()


NO_DATA_TEXT = N_("Brak danych z systemu księgowego. Spróbuj później.")  # msgid: shown with _()
UNAVAILABLE_TEXT = failure.UNAVAILABLE_TEXT  # msgid: shown with _()


def require_readable_warehouse() -> None:
    """Stop the page with an honest notice when CURRENT's file is broken and no good version exists.

    Before the premises: an unreadable warehouse yields no premises, and "no premises assigned"
    would then be false. The office sees the cause and the fix in "Stan danych".
    """
    fault = warehouse.fault()
    if fault is not None and fault.unavailable:
        st.warning(_(UNAVAILABLE_TEXT))
        st.stop()


def require_resident_page(
    title: str, module: str | None = None, *, need_data: bool = False
) -> tuple[CurrentUser, str, str | None]:
    """Start a resident page: guard, premises, module switch, title, data caption; return (user, premises, version).

    With NEED_DATA the page stops with a notice before the first load, so version is then a str.
    """
    user = require_login("resident")
    st.title(_(title))  # TITLE is marked N_(): translated here, after the language is set
    require_readable_warehouse()
    premises_id = premises.select_premises(user)
    if module is not None:
        require_module(module)
    data_as_of()
    version = warehouse.current_version()
    if need_data and version is None:
        st.info(_(NO_DATA_TEXT))
        st.stop()
    return user, premises_id, version


def guard_public_page() -> CurrentUser | None:
    """Start a page open to signed-out visitors (registration, password reset); return the user if any."""
    ensure_app_navigation()
    user = session.current_user()
    _language(user)
    flash = st.session_state.pop(session.FLASH, None)
    if flash:
        st.warning(flash)
    return user


def _language(user: CurrentUser | None) -> None:
    """Set the run's language (app.py did when it runs the page; a page run alone needs it too)."""
    language.apply(user.username if user else None, user.customer_id if user else None)


def data_as_of_time() -> dt.datetime | None:
    """Return when the data in force were exported or loaded, else the file's time, else None."""
    try:
        value = warehouse.data_as_of()
    except Exception:  # noqa: BLE001 - the caption must never break a page
        value = None
    if value is not None:
        return value
    path = warehouse.current_path()
    if path is None or not path.exists():
        return None
    return dt.datetime.fromtimestamp(path.stat().st_mtime, clock.LOCAL_TZ).replace(tzinfo=None)  # Polish time


def data_as_of() -> None:
    """Show the caption 'Dane na dzień …'."""
    st.caption(_data_as_of_text(warehouse.current_version(), i18n.current()))


@functools.lru_cache(maxsize=8)
def _data_as_of_text(version: str | None, lang: str) -> str:
    """Return the caption for a warehouse version in LANG (a published version never changes)."""
    when = data_as_of_time()
    if when is None:
        return _("Brak danych z systemu księgowego.")
    return _("Dane na dzień {when}").format(when=fmt.datetime(when))
