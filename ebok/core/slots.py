"""Script-run slots: at most EBOK_SCRIPT_SLOTS (default 2) runs of app.py execute at once per process.

Core, not web: the outbox gives its slot back while it waits on the SMTP server, and storage must not
import the web layer.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator


def _slots() -> int:
    """Return how many script runs may execute at once (EBOK_SCRIPT_SLOTS, default 2)."""
    try:
        return max(1, int(os.environ.get("EBOK_SCRIPT_SLOTS", "2")))
    except ValueError:
        return 2


_run_slots = threading.BoundedSemaphore(_slots())


_held = threading.local()  # .slot: this thread holds a script-run slot


@contextlib.contextmanager
def run_slot() -> Iterator[None]:
    """Hold one of the process's script-run slots for the block (waits for a free one).

    Why: Streamlit runs every session's rerun in a thread of its own, and all of them share one
    GIL. With more runs in flight than cores, each run's time stretches to the sum of all of them,
    the event loop that sends their messages waits behind them, and at 200 residents a process's
    throughput fell from 70 to 48 reruns/s (docs/benchmarks.md, finding 16). Queued runs wait
    here without touching the GIL and then run at full speed, so throughput holds under overload.
    """
    _run_slots.acquire()
    _held.slot = True
    try:
        yield
    finally:
        _held.slot = False
        _run_slots.release()


@contextlib.contextmanager
def slot_released() -> Iterator[None]:
    """Give this thread's slot back while it waits on the network (SMTP), then take it again.

    A run that sends e-mail can wait up to the SMTP timeout; holding its slot meanwhile would stall
    every other resident's page in the process. Outside a slot (CLI, tests) this does nothing.
    """
    if not getattr(_held, "slot", False):
        yield
        return
    _held.slot = False
    _run_slots.release()
    try:
        yield
    finally:
        _run_slots.acquire()
        _held.slot = True
