"""Outbox e-mail: a real aiosmtpd server on loopback; a down server loses nothing."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from ebok.core import settings
from ebok.storage import outbox

T0 = datetime(2026, 11, 21, 9, 0)


class Collect:
    """aiosmtpd handler keeping every accepted message."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield (
        handler,
        outbox.SmtpSettings(host="127.0.0.1", port=controller.port, sender="ebok@example.pl", timeout=5),
    )
    controller.stop()


def test_queue_then_flush_delivers_utf8(smtp):
    handler, cfg = smtp
    outbox.queue("anna@example.com", "e-BOK: żółta łódź", "Treść z ąćęłńóśźż\nlink", now=T0)
    assert outbox.flush(now=T0, settings=cfg) == {"sent": 1, "failed": 0}
    assert len(handler.messages) == 1
    env = handler.messages[0]
    assert env.rcpt_tos == ["anna@example.com"]
    msg = message_from_bytes(env.content)
    assert str(make_header(decode_header(msg["Subject"]))) == "e-BOK: żółta łódź"
    assert "ąćęłńóśźż" in msg.get_payload(decode=True).decode("utf-8")
    assert outbox.pending() == []
    assert outbox.flush(now=T0, settings=cfg) == {"sent": 0, "failed": 0}  # nothing sent twice


def test_down_server_loses_nothing_and_retries_later(smtp):
    handler, cfg = smtp
    down = outbox.SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2)
    for i in range(3):
        outbox.queue(f"r{i}@example.com", "Temat", "Treść", now=T0)
    assert outbox.flush(now=T0, settings=down) == {"sent": 0, "failed": 3}
    rows = outbox.pending()
    assert len(rows) == 3 and all(r["attempts"] == 1 and r["last_error"] for r in rows)
    # Backoff: not due again immediately …
    assert outbox.flush(now=T0 + timedelta(seconds=30), settings=cfg) == {"sent": 0, "failed": 0}
    # … but after the backoff, the server that is back up gets every message.
    assert outbox.flush(now=T0 + timedelta(minutes=2), settings=cfg) == {"sent": 3, "failed": 0}
    assert sorted(e.rcpt_tos[0] for e in handler.messages) == [
        "r0@example.com",
        "r1@example.com",
        "r2@example.com",
    ]


def test_backoff_grows_and_is_capped():
    assert outbox._backoff(1) == timedelta(minutes=1)
    assert outbox._backoff(3) == timedelta(minutes=4)
    assert outbox._backoff(30) == outbox.MAX_BACKOFF


def test_header_injection_is_refused():
    with pytest.raises(ValueError):
        outbox.queue("a@example.com\nBcc: x@evil.example", "s", "b")
    outbox.queue("a@example.com", "Temat\r\nBcc: x@evil.example", "b")
    assert "\n" not in outbox.pending()[0]["subject"]


def test_cli_mail_flush_sends_through_the_config(smtp, data_dir):
    handler, cfg = smtp
    from ebok.core import config

    config.save(config.replace_section(config.default(), "smtp", host="127.0.0.1", port=cfg.port))
    assert outbox.smtp_settings().port == cfg.port
    outbox.queue("jan@example.com", "Temat", "Treść")
    out = subprocess.run(
        [sys.executable, "-m", "ebok", "mail-flush"],
        cwd=settings.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "Wysłano: 1" in out.stdout
    assert [e.rcpt_tos for e in handler.messages] == [["jan@example.com"]]


def test_smtp_settings_read_the_typed_config(data_dir, monkeypatch):
    from ebok.core import config

    config.save(
        config.replace_section(
            config.default(),
            "smtp",
            host="smtp.example.pl",
            port=465,
            security="ssl",
            username="biuro",
            password="z-pliku",
            password_env="EBOK_TEST_SMTP_PASSWORD",
            sender="",
            sender_name="SM Lipowa",
        )
    )
    monkeypatch.setenv("EBOK_TEST_SMTP_PASSWORD", "ze-zmiennej")
    assert outbox.smtp_settings() == outbox.SmtpSettings(
        host="smtp.example.pl",
        port=465,
        username="biuro",
        password="ze-zmiennej",
        security="ssl",
        sender="ebok@localhost",  # no sender in the config: the outbox's own default
        sender_name="SM Lipowa",
    )
    monkeypatch.delenv("EBOK_TEST_SMTP_PASSWORD")
    config.save(config.replace_section(config.default(), "smtp", username="", password=""))
    settings_now = outbox.smtp_settings()
    assert (settings_now.username, settings_now.password) == (None, None)
    assert settings_now.sender == config.default().smtp.sender
