"""A browser session keeps its own last cached results (ebok/web/cached.py session_memo) and app.py
sends the widget-text layer (ebok/web/polish.py) only until a run has finished with it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.pages.test_app_menu import signed_in


def _memo_script() -> None:
    import streamlit as st

    from ebok.web import cached

    calls = st.session_state.setdefault("calls", [])

    def load(premises_id, version, tags=()):
        calls.append((premises_id, version))
        return [premises_id, version]

    load.clear = lambda: None
    memo = cached.session_memo(load)
    first = memo("P1", "v1")
    st.session_state["same"] = first is memo("P1", "v1")
    memo("P1", "v2")  # a new warehouse version is a new key
    memo("P2", "v1")  # so is another premises
    memo("P1", "v1", tags=["unhashable"])  # no key: straight to the function, every time
    for n in range(st.session_state.get("many", 0)):
        memo(f"X{n}", "v1")
    st.session_state["memo_size"] = len(st.session_state[cached.MEMO_KEY])


def test_a_session_asks_the_cache_once_per_key_and_keeps_a_bounded_memo():
    at = AppTest.from_function(_memo_script)
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["calls"] == [("P1", "v1"), ("P1", "v2"), ("P2", "v1"), ("P1", "v1")]
    assert at.session_state["same"] is True
    at.run()  # the next rerun: only the unhashable call reaches the function
    assert at.session_state["calls"][4:] == [("P1", "v1")]
    at.session_state["many"] = 40
    at.run()
    assert at.session_state["memo_size"] == 32  # cached.MEMO_SIZE: the oldest keys fell out
    other = AppTest.from_function(_memo_script)  # another browser session has its own memo
    other.run()
    assert other.session_state["calls"] == [("P1", "v1"), ("P1", "v2"), ("P2", "v1"), ("P1", "v1")]


def _layers(at: AppTest) -> int:
    return sum('id="ebok-polish"' in h.proto.body for h in at.get("html"))


def test_the_widget_text_layer_is_sent_until_a_run_has_finished_with_it(data_dir):
    from ebok.core import clock
    from ebok.web import navigation
    from tests.helpers import meters_demo as md
    from tests.helpers.auth import write_demo_auth

    write_demo_auth()
    md.use(data_dir)
    navigation.customer_modules.clear()
    clock.set_clock(lambda: md.NOW_UTC)
    try:
        at = signed_in("anna.nowak")
        assert _layers(at) == 1
        at.run()
        assert _layers(at) == 0  # the tab holds it since the first finished run
        assert [t.value for t in at.title] == ["Saldo"]
        at.session_state["_ebok_polish_installed"] = "en"  # the tab holds another language's layer
        at.run()
        assert _layers(at) == 1
    finally:
        clock.set_clock(None)
