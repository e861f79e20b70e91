"""ebok/web/streamlit_speed.py: the patched Streamlit internals keep their shape and their results."""

from __future__ import annotations

import asyncio
import inspect
import threading

import streamlit
from streamlit.proto.NewSession_pb2 import CustomThemeConfig
from streamlit.runtime import app_session

from ebok.web import streamlit_speed as speed


def test_the_installed_streamlit_is_the_one_the_patches_were_written_for():
    """An upgrade fails here first: read the new version's app_session.py, then move STREAMLIT_VERSION."""
    assert streamlit.__version__ == speed.STREAMLIT_VERSION
    assert speed.compatible() == []
    assert list(inspect.signature(speed._original_theme).parameters) == ["msg", "section"]
    assert list(inspect.signature(speed._original_call_soon).parameters) == ["self", "callback"]
    # The new_session message still asks for the theme through the module-level function, by name.
    source = inspect.getsource(app_session.AppSession._create_new_session_message)
    assert source.count("_populate_theme_msg(") == 6
    # ...and the script thread's events still reach the loop through _call_soon_on_event_loop.
    assert "self._call_soon_on_event_loop(" in inspect.getsource(
        app_session.AppSession._on_scriptrunner_event
    )


def test_apply_installs_both_once():
    assert speed.apply() is True
    assert speed.apply() is True
    assert app_session._populate_theme_msg is speed._populate_theme_msg
    assert app_session.AppSession._call_soon_on_event_loop is speed._call_soon_on_event_loop


def test_each_theme_section_is_what_streamlit_builds(monkeypatch):
    """Same bytes as Streamlit's own, for every section the new_session message fills."""
    from streamlit import config

    monkeypatch.setattr(speed, "_themes", {})
    sections = ["theme"] + [f"theme.{c.value}" for c in config.CustomThemeCategories]
    for section in sections:
        own = CustomThemeConfig()
        speed._original_theme(own, section)
        for _ in range(2):  # built, then copied
            ours = CustomThemeConfig()
            speed._populate_theme_msg(ours, section)
            assert ours.SerializeToString() == own.SerializeToString(), section
    assert len(speed._themes) == len(sections)


class _Session:
    """The part of an AppSession the batching uses: its loop, and Streamlit's own handoff."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._event_loop = loop
        self.wakeups = 0

    def _call_soon_on_event_loop(self, callback):
        return speed._call_soon_on_event_loop(self, callback)


def test_callbacks_run_in_order_on_the_loop_with_fewer_wakeups(monkeypatch):
    loop = asyncio.new_event_loop()
    runner = threading.Thread(target=loop.run_forever, daemon=True)
    session = _Session(loop)

    def counting(self, callback):
        self.wakeups += 1
        self._event_loop.call_soon_threadsafe(callback)

    monkeypatch.setattr(speed, "_original_call_soon", counting)
    ran: list[tuple[int, bool]] = []
    done = threading.Event()

    def record(n):
        def callback():
            if n == 3:
                raise RuntimeError("one callback fails")  # logged; the others still run
            ran.append((n, threading.current_thread() is runner))
            if n == 499:
                done.set()

        return callback

    # The loop is not running yet: everything queued meanwhile is one wake-up, as under load.
    for n in range(250):
        session._call_soon_on_event_loop(record(n))
    runner.start()
    for n in range(250, 500):
        session._call_soon_on_event_loop(record(n))
    assert done.wait(10)
    loop.call_soon_threadsafe(loop.stop)
    runner.join(10)
    loop.close()
    assert [n for n, _ in ran] == [n for n in range(500) if n != 3]
    assert all(on_loop for _, on_loop in ran)
    assert 1 <= session.wakeups < 250
