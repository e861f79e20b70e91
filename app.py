"""e-BOK entry point: login, navigation built from ebok/web/navigation.py, sidebar with logout.

Run as the page script (`__main__`) on every rerun; imported once by `streamlit run app.py` as the
ASGI app (st.App) that also serves the login cookie's routes.
"""

from __future__ import annotations

from collections import defaultdict

import streamlit as st

from ebok.core import config, i18n, slots, text
from ebok.core.i18n import _
from ebok.web import (
    asgi,
    client,
    cookie,
    failure,
    guard,
    language,
    login,
    navigation,
    polish,
    process,
    session,
)

_NAV_PAGES = "_ebok_nav_pages"


def _login_page() -> None:
    """Signed-out start page: the office's announcement, the login form and public links."""
    cfg = config.load()
    st.title(f"e-BOK — {cfg.company.name}")
    if cfg.texts.login_announcement.strip():
        st.info(cfg.texts.login_announcement)
    language.switch()
    login.login_form()
    for spec in navigation.allowed_pages(None):  # exactly the public pages the navigation holds
        st.page_link(spec.file, label=_(spec.title), icon=spec.icon)


def _welcome_page() -> None:
    """Shown while no page of the user's role exists yet."""
    st.title("e-BOK")
    st.write(_("Witamy w e-BOK."))


def _pages_for(user: session.CurrentUser | None) -> dict[str, list]:
    """Return st.Page objects grouped by section for USER (None = signed out).

    Kept in this browser session while the allowed pages stay the same: building ~20 st.Page
    objects resolves and stats every page file, on every rerun. Per session, never shared, because
    st.navigation marks the chosen page object as the one allowed to run.
    """
    specs = tuple(navigation.allowed_pages(user))
    key = (specs, i18n.current())  # titles and sections are shown in the run's language
    cached = st.session_state.get(_NAV_PAGES)
    if cached is not None and cached[0] == key:
        return cached[1]
    start = navigation.start_page(list(specs))  # residents land on Saldo, the office on its Pulpit
    groups: dict[str, list] = defaultdict(list)
    for spec in specs:
        visibility = "hidden" if spec.hidden else "visible"
        page = st.Page(
            spec.file, title=_(spec.title), icon=spec.icon, default=spec is start, visibility=visibility
        )
        groups[_(spec.section) if spec.section else ""].append(page)
    st.session_state[_NAV_PAGES] = (key, dict(groups))
    return dict(groups)


def _main() -> None:
    """Check the session, build the navigation and the sidebar, run the chosen page."""
    user = session.current_user()
    # The page's language before anything is written: the session's, the account's, the browser's.
    language.apply(user.username if user else None, user.customer_id if user else None)
    polish.install()  # Streamlit's own widget texts in that language, <html lang> (ebok/web/polish.py)
    if user is None:
        pages = {"": [st.Page(_login_page, title=_("Logowanie"), icon=":material/login:", default=True)]}
        pages.update(_pages_for(None))
        nav = st.navigation(pages, expanded=True)  # no English "View N more" fold in a Polish UI
        cookie.sync_cookie()
    else:
        pages = _pages_for(user) or {
            "": [st.Page(_welcome_page, title=_("Start"), icon=":material/home:", default=True)]
        }
        # st.navigation first: it settles which page runs, and widget ids include that page, so the
        # sidebar's logout button keeps one id across reruns (the first click after login counts).
        nav = st.navigation(pages, expanded=True)  # no English "View N more" fold in a Polish UI
        with st.sidebar:
            # Name and login in one element: each element is a message of its own on every rerun.
            st.markdown(f"**{text.escape_markdown(user.name)}**  \n{text.escape_markdown(user.username)}")
            if st.button(_("Wyloguj się"), key="ebok_logout", icon=":material/logout:"):
                session.logout(user)
                st.rerun()
            if not user.has_role("resident"):  # resident pages show "Dane na dzień" under their title
                guard.data_as_of()
            cookie.sync_cookie()
    # The page's own guard reuses the user checked above: one session check per rerun, not two.
    # Whatever a page did not foresee is told in Polish with a reference for the office's log,
    # never in Streamlit's English exception box (ebok/web/failure.py).
    with session.checked_user(user), failure.shown_in_polish(nav.url_path or "start"):
        nav.run()


if __name__ == "__main__":  # Streamlit runs this file as the page script, on every rerun
    st.set_page_config(page_title="e-BOK", page_icon=navigation.favicon(), layout="wide")
    process.start_warm_up()  # once per process: TCP_NODELAY, imports, gc.freeze() (ebok/process.py)
    # A bounded number of script runs execute at once (ebok/process.py): the others wait for a slot
    # instead of sharing the GIL a hundred ways, which made throughput fall under overload.
    with slots.run_slot():
        _main()
else:
    # `streamlit run app.py` finds this st.App and serves it with uvicorn before any script run:
    # Streamlit's routes plus ours, which set and clear the HttpOnly login cookie (ebok/web/asgi.py).
    client.check_proxy_setting()
    # Once per process, before the server answers: the pages' imports, gc.freeze() and the patches of
    # Streamlit's per-rerun repeats (ebok/web/process.py, ebok/web/streamlit_speed.py).
    process.prepare()
    app = st.App(__file__, routes=asgi.routes(), middleware=asgi.middleware())
