"""The demo mail catcher: a local SMTP server that keeps every message in the demo mailbox.

`bash run.sh` starts `python -m ebok mailcatcher` in the background only in demo mode (the data
directory it generated carries the DEMO marker); an office's own installation never starts it. The
process listens on 127.0.0.1 (settings.MAIL_CATCHER_PORT, or a free port when that one is taken, written
to mailbox/ADDRESS for the outbox), and every few seconds flushes the outbox, so an activation or
reset e-mail is in the mailbox moments after the form was sent, without a cron job. It stops when the
process that started it (the app) ends.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import time
from typing import Any

from aiosmtpd.controller import Controller

from ebok.core import settings
from ebok.domain import mailbox
from ebok.storage import outbox

log = logging.getLogger(__name__)

FLUSH_EVERY_SECONDS = 2.0


class _Keep:
    """aiosmtpd handler: store each accepted message in the demo mailbox."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        """Store the message as received; answer 250 only once it is on disk."""
        mailbox.deliver(envelope.original_content or envelope.content)
        return "250 OK: zapisano w skrzynce demo"


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def start(host: str = "127.0.0.1", port: int | None = None) -> Controller:
    """Start the SMTP server on HOST:PORT (the default port, or a free one when it is taken)."""
    port = port if port is not None else settings.MAIL_CATCHER_PORT
    if port and not _port_free(host, port):
        port = 0
    if not port:
        with socket.socket() as sock:
            sock.bind((host, 0))
            port = int(sock.getsockname()[1])
    controller = Controller(_Keep(), hostname=host, port=port)
    controller.start()
    address = settings.mailbox_dir() / "ADDRESS"
    tmp = address.with_name(".ADDRESS.tmp")
    tmp.write_text(f"{host}:{port}\n", encoding="utf-8")
    os.replace(tmp, address)
    return controller


def _alive(pid: int | None, parent: bool = False) -> bool:
    """True while the watched process (the app) runs; always True when none is watched.

    PARENT: PID started this process, so its end shows as a new parent pid even while it is an
    unreaped zombie (which still answers kill(pid, 0)).
    """
    if pid is None:
        return True
    if parent:
        return os.getppid() == pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, only not ours to signal
        return True
    return True


def serve(parent_pid: int | None = None, port: int | None = None, rounds: int | None = None) -> None:
    """Catch mail and flush the outbox every few seconds until PARENT_PID ends (or ROUNDS ran out)."""
    controller = start(port=port)
    parent = parent_pid is not None and os.getppid() == parent_pid
    host, bound = settings.mail_catcher_address()
    print(f"Poczta demo: serwer SMTP {host}:{bound}, wiadomości w {settings.mailbox_dir()}", flush=True)
    try:
        while _alive(parent_pid, parent) and (rounds is None or rounds > 0):
            try:
                outbox.flush(limit=50)
            except Exception:  # noqa: BLE001 - a store hiccup must not end the demo's mail; next round retries
                log.exception("Poczta demo: wysyłka z kolejki nie powiodła się")
            rounds = None if rounds is None else rounds - 1
            time.sleep(FLUSH_EVERY_SECONDS)
    finally:
        controller.stop()


def _cmd_mailcatcher(args: argparse.Namespace) -> int:
    if not settings.demo_mode():
        print("Serwer poczty demo działa tylko w trybie demo (EBOK_DEMO=1 albo plik DEMO w katalogu danych).")
        return 2
    serve(parent_pid=args.parent_pid, port=args.port)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `mailcatcher`."""
    p = subparsers.add_parser(
        "mailcatcher",
        help="Tryb demo: lokalny serwer SMTP zapisujący e-maile w skrzynce demo (uruchamia go run.sh).",
    )
    p.add_argument(
        "--port",
        type=int,
        default=None,
        help=f"Port SMTP na 127.0.0.1 (domyślnie {settings.MAIL_CATCHER_PORT}, 0 = dowolny wolny).",
    )
    p.add_argument(
        "--parent-pid", type=int, default=None, help="Zakończ, gdy ten proces (aplikacja) się skończy."
    )
    p.set_defaults(func=_cmd_mailcatcher)
