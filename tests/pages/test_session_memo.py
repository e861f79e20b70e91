"""A browser session keeps its own last cached results (ebok/web/cached.py session_memo)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


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
