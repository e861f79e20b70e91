"""The page's side of the login cookie: it posts the one-time ticket until redeemed, never the token."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ebok.auth import service, sessions
from ebok.web import cookie
from tests.helpers.auth import RESIDENT_PASSWORD, write_demo_auth


def _sync_script() -> None:
    import streamlit as st

    from ebok.web import cookie, session

    if st.session_state.get("do_logout"):
        del st.session_state["do_logout"]
        session.logout(None)
    cookie.sync_cookie()


def _pending_login() -> tuple[str, str]:
    write_demo_auth()
    sid = service.authenticate("anna.nowak", RESIDENT_PASSWORD, None).session_id
    return sid, sessions.issue_ticket(sid)


def _scripts(at: AppTest) -> list[str]:
    return [str(el.proto.body) for el in at.get("html")]


def test_ticket_is_posted_until_the_server_redeemed_it():
    sid, ticket = _pending_login()
    at = AppTest.from_function(_sync_script)
    at.session_state[cookie.PENDING] = (sid, ticket)
    at.run()
    at.run()  # a rerun before the browser ran the script: the element is drawn again
    assert not at.exception
    [script] = _scripts(at)
    assert '"/_ebok/session"' in script and f'"{ticket}"' in script and "same-origin" in script
    assert cookie.COOKIE_NAME not in script  # the page never holds the login token itself
    assert sessions.redeem_ticket(ticket) is not None  # what /_ebok/session does for the browser
    at.run()
    assert cookie.PENDING not in at.session_state and _scripts(at) == []


def test_logout_drops_an_unredeemed_ticket_and_asks_the_server_to_clear_the_cookie():
    sid, ticket = _pending_login()
    at = AppTest.from_function(_sync_script)
    at.session_state[cookie.PENDING] = (sid, ticket)
    at.run()
    at.session_state["do_logout"] = True
    at.run()
    assert not at.exception
    assert cookie.PENDING not in at.session_state
    assert at.session_state[cookie.DELETE] is True
    [script] = _scripts(at)
    assert '"/_ebok/logout"' in script and ticket not in script


def test_routes_follow_streamlit_s_base_path(monkeypatch):
    monkeypatch.setattr(cookie.st, "get_option", lambda name: "/portal/")
    assert cookie.base_path() == "/portal/"
    assert cookie.route_path("session") == "/portal/_ebok/session"
