"""Once per server process: TCP_NODELAY, the pages' imports, then those objects out of the GC's way.

Why (docs/benchmarks.md "Load", findings 13, 14, 16): after the imports a Streamlit process holds about
2 million objects the cyclic garbage collector tracks (modules, plotly's validators, pandas, babel
data). Each full collection walked all of them: 200–280 ms with the GIL held, every 10–15 s
under load, so every resident whose rerun was in flight waited for it. gc.freeze() moves the
objects alive after start-up into a permanent generation that collections skip; what sessions
allocate later is collected as before. The warm-up imports also spare the first visitor of
Dokumenty or Media the import time (fpdf2 and its fonts, plotly).
"""

from __future__ import annotations

import atexit
import gc
import importlib
import logging
import os
import socket
import threading

from ebok.web import streamlit_speed

log = logging.getLogger(__name__)

# Modules the resident and office pages import on their first visit.
WARM_MODULES = (
    "pandas",
    "pyarrow",
    "plotly.graph_objects",
    "ebok.domain.charts",
    "ebok.domain.documents",
    "ebok.domain.finance",
    "ebok.domain.meters",
    "ebok.domain.payments",
    "ebok.domain.statement_pdf",
    "ebok.web.cached",
    "fpdf",
)
# Young-generation threshold: Python's default 700 runs a collection every few hundred container
# allocations, i.e. many times per page rerun; 10 000 keeps short-lived rerun objects (freed by
# reference counting anyway) from being promoted, so full collections come far less often.
GEN0_THRESHOLD = 10_000

_lock = threading.Lock()
_started = False


def no_delay_on_tcp_sockets() -> int:
    """Set TCP_NODELAY on this process's TCP sockets (Linux); return how many were set.

    Streamlit 1.67's server creates its listening socket with protocol 0, so asyncio's own
    TCP_NODELAY (it checks for IPPROTO_TCP) is skipped on every connection: after a script run's
    first message, the rest waited for the browser's delayed ACK, 40 ms on every rerun
    (docs/benchmarks.md, finding 13). Sockets accepted later inherit the option from the
    listening socket, so one pass at start-up covers them.
    """
    count = 0
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:  # not Linux: nothing to do
        return 0
    for name in fds:
        fd = int(name)
        try:
            if not os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                continue
            with socket.socket(fileno=os.dup(fd)) as sock:
                if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    count += 1
        except OSError:  # closed meanwhile, or not ours to change
            continue
    return count


_no_delay_done = False


def no_delay_once() -> None:
    """Run no_delay_on_tcp_sockets() on the first call in this process only."""
    global _no_delay_done
    with _lock:
        if _no_delay_done:
            return
        _no_delay_done = True
    no_delay_on_tcp_sockets()


_prepared = False


def prepare() -> None:
    """Patch Streamlit (streamlit_speed), import WARM_MODULES, collect and freeze (once per process).

    app.py calls it when `streamlit run` imports it, before the server listens: the health check
    answers only when the process is ready, so the first residents after a restart do not wait for
    the imports or a full collection behind them (issue 18: the cold start counts).
    """
    global _prepared
    with _lock:
        if _prepared:
            return
        _prepared = True
    streamlit_speed.apply()  # class-level patches: every session of the process gets them
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing optional module must not stop the server
            log.warning("warm-up import of %s failed", name, exc_info=True)
    gc.collect()
    gc.freeze()
    # At exit the frozen objects are ordinary garbage again, so the interpreter's shutdown frees
    # them (native extensions such as nanobind's report instances still alive as leaks).
    atexit.register(gc.unfreeze)
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)
    log.info("process warmed up: %d objects frozen", gc.get_freeze_count())


def warm_up() -> None:
    """TCP_NODELAY, and prepare() when the server did not run it at start."""
    no_delay_once()
    prepare()


def start_warm_up() -> bool:
    """Start warm_up() in a background thread the first time this is called; return True then."""
    global _started
    with _lock:
        if _started:
            return False
        _started = True
    threading.Thread(target=warm_up, name="ebok-warm-up", daemon=True).start()
    return True
