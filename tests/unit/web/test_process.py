"""ebok.web.process: the once-per-process warm-up (imports, gc.freeze, young-generation threshold)."""

from __future__ import annotations

import gc
import threading

from ebok.core import slots
from ebok.web import process


def test_warm_up_imports_freezes_and_raises_the_threshold(monkeypatch, caplog):
    monkeypatch.setattr(process, "WARM_MODULES", ("json", "ebok.no_such_module"))
    monkeypatch.setattr(process, "_prepared", False)
    before = gc.get_threshold()
    try:
        process.warm_up()
        assert gc.get_freeze_count() > 1000  # at least the modules imported so far
        assert gc.get_threshold() == (process.GEN0_THRESHOLD, before[1], before[2])
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
    # A module that cannot be imported is logged, and the warm-up still finishes.
    assert "ebok.no_such_module" in caplog.text


def test_prepare_runs_once_and_the_first_run_does_not_repeat_it(monkeypatch):
    """app.py prepares the process when the server imports it; the first run's warm-up then skips it."""
    monkeypatch.setattr(process, "_prepared", False)
    monkeypatch.setattr(process, "_no_delay_done", True)
    imported: list[str] = []
    monkeypatch.setattr(process.importlib, "import_module", imported.append)
    monkeypatch.setattr(process.gc, "freeze", lambda: None)
    monkeypatch.setattr(process.gc, "set_threshold", lambda *a: None)
    monkeypatch.setattr(process.atexit, "register", lambda f: None)
    patched: list[bool] = []
    monkeypatch.setattr(process.streamlit_speed, "apply", lambda: patched.append(True) or True)
    process.prepare()
    assert imported == list(process.WARM_MODULES)
    assert patched == [True]  # Streamlit's per-rerun repeats patched with it, once
    process.prepare()
    process.warm_up()
    assert imported == list(process.WARM_MODULES)


def test_start_warm_up_runs_once_per_process(monkeypatch):
    ran = threading.Event()
    calls: list[str] = []

    def fake() -> None:
        calls.append(threading.current_thread().name)
        ran.set()

    monkeypatch.setattr(process, "_started", False)
    monkeypatch.setattr(process, "warm_up", fake)
    assert process.start_warm_up() is True
    assert process.start_warm_up() is False
    assert ran.wait(10)
    assert calls == ["ebok-warm-up"]  # in its own thread, not in the first visitor's script run


def test_no_delay_on_tcp_sockets_covers_later_connections():
    import socket

    listener = socket.socket(socket.AF_INET)  # protocol 0, as Streamlit's server makes it
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    early = socket.create_connection(listener.getsockname())
    early_server, _ = listener.accept()
    try:
        assert early_server.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        assert process.no_delay_on_tcp_sockets() >= 3
        assert early_server.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        late = socket.create_connection(listener.getsockname())
        late_server, _ = listener.accept()
        with late, late_server:
            # Accepted after the pass: inherited from the listening socket.
            assert late_server.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        for sock in (early, early_server, listener):
            sock.close()


def test_run_slot_lets_a_bounded_number_of_runs_in(monkeypatch):
    sem = threading.BoundedSemaphore(2)
    monkeypatch.setattr(slots, "_run_slots", sem)
    inside, release = threading.Semaphore(0), threading.Event()
    peak, now = [0], [0]
    lock = threading.Lock()

    def run() -> None:
        with slots.run_slot():
            with lock:
                now[0] += 1
                peak[0] = max(peak[0], now[0])
            inside.release()
            release.wait(10)
            with lock:
                now[0] -= 1

    threads = [threading.Thread(target=run) for _ in range(5)]
    for t in threads:
        t.start()
    assert inside.acquire(timeout=10) and inside.acquire(timeout=10)
    assert not inside.acquire(timeout=0.3)  # the third run waits for a slot
    release.set()
    for t in threads:
        t.join(10)
    assert peak[0] == 2 and now[0] == 0
    # Slots come back even when the run ends with an exception (st.stop, st.rerun raise).
    for _ in range(3):
        try:
            with slots.run_slot():
                raise RuntimeError("stop")
        except RuntimeError:
            pass
    assert sem.acquire(timeout=1) and sem.acquire(timeout=1)


def test_slots_setting(monkeypatch):
    monkeypatch.setenv("EBOK_SCRIPT_SLOTS", "3")
    assert slots._slots() == 3
    monkeypatch.setenv("EBOK_SCRIPT_SLOTS", "0")
    assert slots._slots() == 1
    monkeypatch.setenv("EBOK_SCRIPT_SLOTS", "dużo")
    assert slots._slots() == 2


def test_slot_released_lets_another_run_in_while_waiting_on_the_network(monkeypatch):
    sem = threading.BoundedSemaphore(1)
    monkeypatch.setattr(slots, "_run_slots", sem)
    got = []

    def other() -> None:
        with slots.run_slot():
            got.append("other ran")

    with slots.run_slot():
        with slots.slot_released():  # e.g. waiting for the SMTP server
            t = threading.Thread(target=other)
            t.start()
            t.join(10)
            assert got == ["other ran"]
        assert not sem.acquire(timeout=0.2)  # the slot is held again after the wait
    assert sem.acquire(timeout=1)  # and given back at the end of the run
    sem.release()
    with slots.slot_released():  # outside a run (CLI, tests): nothing to give back
        assert sem.acquire(timeout=1)
    sem.release()


def test_mail_sending_gives_the_slot_back(monkeypatch):
    """The outbox flush and the office's SMTP test both talk to the server outside the slot."""
    from ebok.domain import smtp_check
    from ebok.storage import outbox

    sem = threading.BoundedSemaphore(1)
    monkeypatch.setattr(slots, "_run_slots", sem)
    free_while_talking: list[bool] = []

    class FakeSmtp:
        def send_message(self, msg) -> None:  # type: ignore[no-untyped-def]
            free_while_talking.append(sem.acquire(timeout=1))  # another run could take the slot
            sem.release()

        def quit(self) -> None:
            pass

    monkeypatch.setattr(outbox, "_connect", lambda cfg: FakeSmtp())
    outbox.queue("mieszkaniec@example.invalid", "Temat", "Treść")
    with slots.run_slot():
        outbox.try_send_now()
        assert smtp_check.send_test("biuro@example.invalid", "Spółdzielnia") is None
        assert not sem.acquire(timeout=0.2)  # held again by the run afterwards
    assert free_while_talking == [True, True]
    assert outbox.pending() == []  # the queued message was really sent through the fake server
