"""The `python -m ebok` command line: each module registers its own subcommands."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

# Modules exposing register(subparsers); each adds its subcommands with a handler in
# set_defaults(func=...) that returns the exit status.
COMMAND_MODULES = (
    "ebok.loader",
    "ebok.demo",
    "ebok.demo.mailcatcher",
    "ebok.storage.sqlshell",
    "ebok.domain.readings_export",
    "ebok.domain.notify",
    "ebok.domain.mailbox",
    "ebok.storage.outbox",
    "ebok.auth.cli",
    "ebok.storage.migrations.cli",
    "ebok.domain.online_payments",
    "ebok.receiver",
    "ebok.demo.fake_gateway",
    "ebok.domain.payments_export",
    "ebok.core.catalogs",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every module's subcommands."""
    parser = argparse.ArgumentParser(
        prog="python -m ebok",
        description="e-BOK: ładowanie eksportu, dane demo, eksporty i prace administracyjne.",
    )
    sub = parser.add_subparsers(dest="command", metavar="POLECENIE")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)
