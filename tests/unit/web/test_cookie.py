"""The login cookie write: pending until the browser confirms it, never replayed after logout."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from ebok.web import cookie

EXPIRES = dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC).isoformat()


def _sync_script() -> None:
    import streamlit as st

    from ebok.web import cookie, session

    if st.session_state.get("do_logout"):
        del st.session_state["do_logout"]
        session.logout(None)
    cookie.sync_cookie()


@pytest.fixture
def browser(monkeypatch):
    """A fake cookie component: records each write/delete; answers what the test queues."""
    state = {"answers": [], "writes": [], "deletes": 0}

    def write(name, token, expires, secure=False):  # type: ignore[no-untyped-def]
        state["writes"].append((name, token))
        return state["answers"].pop(0) if state["answers"] else False

    def delete(name):  # type: ignore[no-untyped-def]
        state["deletes"] += 1

    monkeypatch.setattr(cookie, "write", write)
    monkeypatch.setattr(cookie, "delete", delete)
    return state


def test_cookie_stays_pending_until_the_browser_confirms_it(browser):
    at = AppTest.from_function(_sync_script)
    at.session_state[cookie.PENDING] = ("token-1", EXPIRES)
    at.run()
    at.run()  # a rerun before the component answered (the race that lost the cookie)
    assert not at.exception
    assert browser["writes"] == [(cookie.COOKIE_NAME, "token-1")] * 2
    assert at.session_state[cookie.PENDING] == ("token-1", EXPIRES)
    browser["answers"] = [True]
    at.run()
    assert cookie.PENDING not in at.session_state
    at.run()
    assert len(browser["writes"]) == 3  # confirmed: the component is not drawn any more


def test_logout_drops_an_unconfirmed_cookie_and_deletes_it(browser):
    at = AppTest.from_function(_sync_script)
    at.session_state[cookie.PENDING] = ("token-2", EXPIRES)
    at.run()
    at.session_state["do_logout"] = True
    at.run()
    assert not at.exception
    assert cookie.PENDING not in at.session_state
    assert at.session_state[cookie.DELETE] is True
    assert browser["writes"] == [(cookie.COOKIE_NAME, "token-2")]
    assert browser["deletes"] == 1


def _two_writes_script() -> None:
    import datetime as dt

    import streamlit as st

    from ebok.web import cookie

    expires = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    st.session_state["answers"] = [
        cookie.write("ebok_auth", "first-token", expires),
        cookie.write("ebok_auth", "second-token", expires, secure=True),
    ]


def test_component_is_keyed_by_token_and_unconfirmed_without_a_browser():
    """Each token has its own component (an earlier 'written' never counts for a new cookie)."""
    at = AppTest.from_function(_two_writes_script)
    at.run()
    assert not at.exception  # two writes in one run: no duplicate widget key
    assert at.session_state["answers"] == [False, False]
