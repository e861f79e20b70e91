"""Two patches of Streamlit 1.67's per-rerun work, applied once per server process (app.py).

Why (docs/benchmarks.md "Load", issue 18): under load a third of the process's time was
Streamlit's own, per element and per rerun, not the pages'. Two parts of it repeat work whose
answer never changes while the process runs:

* **The theme in every new_session message.** Each rerun starts with a new_session message whose
  six theme sections are read option by option from the config (`_populate_theme_msg`): 3–4 % of
  a loaded process's time. The theme is fixed at start (a changed config.toml needs a restart
  anyway), so each section is built once and copied.
* **One event-loop wake-up per element.** The script thread hands every message to the event loop
  with its own `call_soon_threadsafe` (a write to the loop's self-pipe, a wake-up, a callback).
  `AppSession._call_soon_on_event_loop` now queues the callbacks of a session in order and wakes
  the loop once for all those queued while it was busy; they still run in the order they were
  scheduled, on the loop, each on its own (one failing is logged and the rest run).

tests/unit/web/test_streamlit_speed.py checks the patched functions still have the shape these
patches expect and that the results are the same as Streamlit's own; an upgrade that changes them
fails there, loudly, instead of silently changing behaviour.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable
from typing import Any

import streamlit
from streamlit.runtime import app_session

log = logging.getLogger(__name__)

STREAMLIT_VERSION = "1.67.0"  # the version these patches were written and tested against

_lock = threading.Lock()
_applied = False
_original_theme = app_session._populate_theme_msg
_original_call_soon = app_session.AppSession._call_soon_on_event_loop
_themes: dict[tuple[type, str], Any] = {}


def _populate_theme_msg(msg: Any, section: str = "theme") -> None:
    """Fill MSG with the theme SECTION as Streamlit does, from a copy built once per process."""
    key = (type(msg), section)
    built = _themes.get(key)
    if built is None:
        built = type(msg)()
        _original_theme(built, section)
        _themes[key] = built
    msg.CopyFrom(built)


class _Batch:
    """A session's callbacks waiting for the event loop, and whether a drain is scheduled."""

    __slots__ = ("lock", "items", "scheduled")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: collections.deque[Callable[[], None]] = collections.deque()
        self.scheduled = False


_BATCH_ATTR = "_ebok_batch"


def _call_soon_on_event_loop(self: Any, callback: Callable[[], None]) -> None:
    """Queue CALLBACK for the session's event loop; wake the loop only when no drain is pending."""
    batch = self.__dict__.get(_BATCH_ATTR)
    if batch is None:
        batch = self.__dict__.setdefault(_BATCH_ATTR, _Batch())  # setdefault: one batch per session
    with batch.lock:
        batch.items.append(callback)
        if batch.scheduled:
            return
        batch.scheduled = True
    _original_call_soon(self, lambda: _drain(self, batch))


def _drain(session: Any, batch: _Batch) -> None:
    """Run, on the loop, the callbacks queued so far, in order; reschedule if more came meanwhile."""
    with batch.lock:
        items = list(batch.items)
        batch.items.clear()
    for callback in items:
        try:
            callback()
        except Exception:  # as asyncio does for a failing callback: log it, run the others
            log.exception("Streamlit event-loop callback failed")
    with batch.lock:
        if not batch.items:
            batch.scheduled = False
            return
    # More arrived while these ran: let the loop send what is ready before running them.
    session._event_loop.call_soon(lambda: _drain(session, batch))


def compatible() -> list[str]:
    """Return why the patches do not fit the installed Streamlit (empty when they do)."""
    problems = []
    if streamlit.__version__ != STREAMLIT_VERSION:
        problems.append(f"Streamlit {streamlit.__version__}, patches written for {STREAMLIT_VERSION}")
    if not callable(getattr(app_session, "_populate_theme_msg", None)):
        problems.append("app_session._populate_theme_msg is gone")
    if not callable(getattr(app_session.AppSession, "_call_soon_on_event_loop", None)):
        problems.append("AppSession._call_soon_on_event_loop is gone")
    return problems


def apply() -> bool:
    """Install both patches once per process; return False (and log why) when they do not fit."""
    global _applied
    with _lock:
        if _applied:
            return True
        problems = compatible()
        if problems:
            log.warning("Streamlit speed patches not applied: %s", "; ".join(problems))
            return False
        app_session._populate_theme_msg = _populate_theme_msg
        app_session.AppSession._call_soon_on_event_loop = _call_soon_on_event_loop
        _applied = True
        return True
