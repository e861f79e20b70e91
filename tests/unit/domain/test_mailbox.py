"""The demo mailbox: messages stored as .eml files, listed in Warsaw time, shown with their links."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from email.message import EmailMessage

from ebok.core import settings
from ebok.domain import mailbox


def _raw(to: str, subject: str, body: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "e-BOK <ebok@example.pl>"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body, charset="utf-8")
    return msg.as_bytes()


def test_messages_are_numbered_from_the_oldest_with_links_and_local_time():
    # 23:30 UTC on 30 June is 01:30 on 1 July in Warsaw (CEST, UTC+2).
    mailbox.deliver(
        _raw(
            "anna@example.com",
            "e-BOK: potwierdź adres",
            "Otwórz: http://localhost:8600/rejestracja?aktywacja=abc\n",
        ),
        now=datetime(2026, 6, 30, 23, 30),
    )
    mailbox.deliver(_raw("jan@example.com", "Żółta łódź", "Bez linku.\n"), now=datetime(2026, 7, 1, 8, 0))
    first, second = mailbox.messages()
    assert (first.number, first.recipient, first.subject) == (1, "anna@example.com", "e-BOK: potwierdź adres")
    assert first.received_local == "01.07.2026 01:30"
    assert first.links == ["http://localhost:8600/rejestracja?aktywacja=abc"]
    assert (second.number, second.subject, second.links) == (2, "Żółta łódź", [])
    assert mailbox.get() == second and mailbox.get(1) == first and mailbox.get(3) is None
    assert not list(settings.mailbox_dir().glob(".*.tmp"))  # written whole, then renamed


def test_an_empty_mailbox():
    assert mailbox.messages() == [] and mailbox.get() is None


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "ebok", "mailbox", *args],
        cwd=settings.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_lists_and_shows_a_message_with_its_links():
    mailbox.deliver(
        _raw(
            "anna@example.com",
            "e-BOK: ustawienie nowego hasła",
            "Link:\nhttp://localhost:8501/reset_hasla?token=xyz\n",
        ),
        now=datetime(2026, 11, 21, 9, 5),
    )
    listed = _cli()
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["Nr", "Odebrano", "Do", "Temat"]
    assert lines[1].split() == [
        "1",
        "21.11.2026",
        "10:05",
        "anna@example.com",
        "e-BOK:",
        "ustawienie",
        "nowego",
        "hasła",
    ]
    shown = _cli("show", "1")
    assert shown.returncode == 0, shown.stderr
    assert "Do:       anna@example.com" in shown.stdout
    assert "Temat:    e-BOK: ustawienie nowego hasła" in shown.stdout
    assert shown.stdout.rstrip().endswith("Linki:\n  http://localhost:8501/reset_hasla?token=xyz")
    assert _cli("show").stdout == shown.stdout  # no number: the newest
    missing = _cli("show", "7")
    assert missing.returncode == 1 and "Nie ma takiej wiadomości" in missing.stdout


def test_cli_on_an_empty_mailbox():
    out = _cli()
    assert out.returncode == 0 and out.stdout.startswith("Skrzynka demo jest pusta")
