"""`python -m ebok receiver`: serve the notification receiver with uvicorn."""

from __future__ import annotations

import argparse

import uvicorn

from ebok.core import lifetime
from ebok.receiver.app import create_app

DEFAULT_PORT = 8591


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `receiver`."""
    p = subparsers.add_parser(
        "receiver",
        help="odbiornik powiadomień bramek płatności (Przelewy24, PayU) pod /platnosci/",
        description="Uruchamia usługę, która przyjmuje i sprawdza powiadomienia bramek płatności "
        "(POST /platnosci/przelewy24, /platnosci/payu; GET /platnosci/health). W produkcji za nginx "
        "(deploy/nginx), jako usługa systemd (deploy/systemd/ebok-receiver.service).",
    )
    p.add_argument("--host", default="127.0.0.1", help="adres nasłuchu (domyślnie 127.0.0.1: za nginx)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (domyślnie {DEFAULT_PORT})")
    p.add_argument("--parent-pid", type=int, default=None, help="tryb demo: zakończ razem z aplikacją")
    p.set_defaults(func=_cli)


def _cli(args: argparse.Namespace) -> int:
    """Run the receiver until stopped."""
    lifetime.end_with_parent(args.parent_pid)
    # nginx in front: trust X-Forwarded-* only from the local proxy.
    uvicorn.run(
        create_app(),
        host=args.host,
        port=args.port,
        log_level="info",
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )
    return 0
