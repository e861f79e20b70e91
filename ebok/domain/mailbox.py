"""The demo mailbox: what the local mail catcher accepted, one .eml file per message, to read back.

In demo mode (settings.demo_mode()) the outbox delivers to the catcher that run.sh starts
(ebok.demo.mailcatcher), which stores each message here through deliver(). The office reads them on
the "Poczta demo" page or with `python -m ebok mailbox`, so a new user can follow an activation or
password reset link end to end without a real mail server.
"""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from ebok.core import clock, fmt, settings
from ebok.core.i18n import _

_NAME = re.compile(r"^(\d{8}T\d{12})-\d+-\d+\.eml$")  # UTC stamp with microseconds, pid, sequence
_LINK = re.compile(r"https?://[^\s<>\"')]+")
_stamp_format = "%Y%m%dT%H%M%S%f"
_sequence = 0


@dataclass(frozen=True)
class Mail:
    """One message in the demo mailbox; number is its place counted from the oldest (stable)."""

    number: int
    received_at: datetime  # naive UTC
    sender: str
    recipient: str
    subject: str
    body: str
    path: Path

    @property
    def received_local(self) -> str:
        """Return when the catcher accepted it, Polish local time: 21.11.2026 14:05."""
        return fmt.datetime(clock.local_time(self.received_at).replace(tzinfo=None))

    @property
    def links(self) -> list[str]:
        """Return the links in the body, in order (activation, reset, documents)."""
        return _LINK.findall(self.body)


def deliver(raw: bytes, now: datetime | None = None) -> Path:
    """Store one accepted message (RFC 5322 bytes) atomically; return its file."""
    global _sequence
    _sequence += 1
    now = now or clock.now()
    folder = settings.mailbox_dir()
    name = f"{now.strftime(_stamp_format)}-{os.getpid()}-{_sequence}.eml"
    tmp = folder / f".{name}.tmp"
    tmp.write_bytes(raw)
    os.replace(tmp, folder / name)  # a reader never sees half a message
    return folder / name


def _read(path: Path, number: int, stamp: str) -> Mail:
    # policy.default makes an EmailMessage (get_body, decoded headers); the stub says Message.
    msg: EmailMessage = message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[assignment]
    part = msg.get_body(preferencelist=("plain", "html"))
    body = part.get_content() if part is not None else ""
    return Mail(
        number=number,
        received_at=datetime.strptime(stamp, _stamp_format).replace(tzinfo=UTC).replace(tzinfo=None),
        sender=str(msg.get("From", "")),
        recipient=str(msg.get("To", "")),
        subject=str(msg.get("Subject", "")),
        body=body,
        path=path,
    )


def messages() -> list[Mail]:
    """Return every message in the demo mailbox, oldest first, numbered from 1."""
    found = sorted(
        (m.group(1), p.name, p) for p in settings.mailbox_dir().glob("*.eml") if (m := _NAME.match(p.name))
    )
    return [_read(path, number, stamp) for number, (stamp, _, path) in enumerate(found, start=1)]


def get(number: int | None = None) -> Mail | None:
    """Return message NUMBER (the newest when None), or None when there is no such message."""
    found = messages()
    if not found:
        return None
    if number is None:
        return found[-1]
    return next((m for m in found if m.number == number), None)


def _cmd_mailbox(args: argparse.Namespace) -> int:
    if args.action == "show":
        return _show(args.number)
    found = messages()
    if not found:
        print(_("Skrzynka demo jest pusta ({folder}).").format(folder=settings.mailbox_dir()))
        return 0
    print(f"{_('Nr'):>4}  {_('Odebrano'):<16}  {_('Do'):<32}  {_('Temat')}")
    for mail in found[-args.limit :]:
        print(f"{mail.number:>4}  {mail.received_local:<16}  {mail.recipient:<32}  {mail.subject}")
    print(
        _("Treść i linki: python -m ebok mailbox show NR (najnowsza: {number}).").format(
            number=found[-1].number
        )
    )
    return 0


def _show(number: int | None) -> int:
    mail = get(number)
    if mail is None:
        print(_("Nie ma takiej wiadomości w skrzynce demo.") if number else _("Skrzynka demo jest pusta."))
        return 1
    rows = (
        (_("Nr:"), mail.number),
        (_("Odebrano:"), mail.received_local),
        (_("Od:"), mail.sender),
        (_("Do:"), mail.recipient),
        (_("Temat:"), mail.subject),
    )
    width = max(len(label) for label, _value in rows) + 1
    for label, value in rows:
        print(f"{label:<{width}}{value}")
    print()
    print(mail.body.rstrip())
    if mail.links:
        print()
        print(_("Linki:"))
        for link in mail.links:
            print(f"  {link}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `mailbox`."""
    p = subparsers.add_parser(
        "mailbox",
        help="Pokaż skrzynkę demo: e-maile przechwycone przez lokalny serwer poczty (tryb demo).",
        description="Bez argumentów: lista wiadomości (data, odbiorca, temat). "
        "`show NR` pokazuje jedną wiadomość z linkami (bez numeru: najnowszą).",
    )
    p.add_argument("action", nargs="?", choices=("list", "show"), default="list", help="list albo show")
    p.add_argument("number", nargs="?", type=int, default=None, help="numer wiadomości (dla show)")
    p.add_argument("--limit", type=int, default=50, help="Najwięcej wiadomości na liście (najnowsze).")
    p.set_defaults(func=_cmd_mailbox)
