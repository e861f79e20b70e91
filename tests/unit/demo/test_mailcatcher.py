"""The demo mail catcher: a message queued in the outbox arrives in the demo mailbox."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from ebok.core import settings
from ebok.demo import mailcatcher
from ebok.domain import mailbox
from ebok.storage import outbox


@pytest.fixture
def demo(data_dir):
    settings.demo_marker().write_text("demo\n", encoding="utf-8")
    return data_dir


def test_the_outbox_delivers_to_the_catcher_in_demo_mode(demo):
    controller = mailcatcher.start(port=0)  # a free port, written where the outbox looks
    try:
        host, port = settings.mail_catcher_address()
        assert (host, port) == ("127.0.0.1", controller.port)
        outbox.queue(
            "anna@example.com",
            "e-BOK: potwierdź adres e-mail",
            "Link: http://localhost:8600/rejestracja?aktywacja=t0k\n",
        )
        assert outbox.flush() == {"sent": 1, "failed": 0}  # smtp_settings() points at the catcher
    finally:
        controller.stop()
    (mail,) = mailbox.messages()
    assert (mail.recipient, mail.subject) == ("anna@example.com", "e-BOK: potwierdź adres e-mail")
    assert mail.links == ["http://localhost:8600/rejestracja?aktywacja=t0k"]
    assert outbox.state_for("anna@example.com").state == outbox.SENT


def test_serve_flushes_the_outbox_without_a_manual_step(demo, monkeypatch):
    monkeypatch.setattr(mailcatcher, "FLUSH_EVERY_SECONDS", 0.01)
    outbox.queue("jan@example.com", "Temat", "Treść\n")
    mailcatcher.serve(port=0, rounds=1)
    assert [m.recipient for m in mailbox.messages()] == ["jan@example.com"]


def test_a_taken_default_port_falls_back_to_a_free_one(demo):
    first = mailcatcher.start(port=0)
    try:
        second = mailcatcher.start(port=first.port)
        try:
            assert second.port != first.port
            assert settings.mail_catcher_address()[1] == second.port
        finally:
            second.stop()
    finally:
        first.stop()


def test_serve_ends_with_the_process_that_started_it(demo):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )  # noqa: S603
    mailcatcher.serve(parent_pid=int(dead.stdout), port=0)  # returns at once: the parent is gone
    assert not mailcatcher._alive(int(dead.stdout))


def test_the_command_refuses_outside_demo_mode(data_dir):
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "ebok", "mailcatcher", "--port", "0"],
        cwd=settings.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2 and "tylko w trybie demo" in out.stdout


def test_the_catcher_started_by_run_sh_ends_with_it(demo, tmp_path):
    """The parent's end is seen even when nobody reaps it (a zombie still answers kill(pid, 0))."""
    script = (
        "import subprocess, sys, os; "
        "subprocess.Popen([sys.executable, '-m', 'ebok', 'mailcatcher', '--port', '0', "
        "'--parent-pid', str(os.getpid())], stdout=open(sys.argv[1], 'w')); "
        "import time, pathlib; log = pathlib.Path(sys.argv[1]); "
        "[time.sleep(0.1) for _ in range(600) if 'SMTP' not in log.read_text()]"  # up, then exit
    )
    log = tmp_path / "catcher.log"
    subprocess.run([sys.executable, "-c", script, str(log)], cwd=settings.ROOT, timeout=120, check=True)  # noqa: S603
    host, port = settings.mail_catcher_address()
    for _ in range(100):  # the catcher notices within one round (2 s) and closes its port
        if mailcatcher._port_free(host, port):
            break
        time.sleep(0.1)
    assert mailcatcher._port_free(host, port)
    assert "Poczta demo: serwer SMTP" in log.read_text(encoding="utf-8")
