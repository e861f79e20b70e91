"""The nightly loader: `python -m ebok load DIR`, `rollback` and `status`.

See ebok.loader.run for the steps and docs/import-format.md for the export format.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ebok.loader import progress
from ebok.loader.run import LoadResult, load, rollback, status_text
from ebok.storage.warehouse import document_path, documents_dir

__all__ = [
    "LoadResult",
    "document_path",
    "documents_dir",
    "load",
    "register",
    "rollback",
    "status_text",
]


def _cmd_load(args: argparse.Namespace) -> int:
    return load(Path(args.directory), lang=args.lang, progress=progress.for_cli(args.quiet)).exit_code


def _cmd_rollback(args: argparse.Namespace) -> int:
    return rollback(lang=args.lang, version=args.version)


def _cmd_status(args: argparse.Namespace) -> int:
    print(status_text(limit=args.limit, lang=args.lang), file=sys.stdout)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the load, rollback and status subcommands."""
    p = subparsers.add_parser(
        "load",
        help="sprawdź eksport z systemu księgowego i zbuduj nową wersję hurtowni",
        description="Sprawdza każdy plik katalogu eksportu i, jeśli wszystko jest poprawne, "
        "podmienia hurtownię na nową wersję. Kod wyjścia: 0 załadowano, 1 odrzucono, 2 błąd.",
    )
    p.add_argument(
        "directory", metavar="KATALOG", help="katalog eksportu (manifest.csv, pliki CSV, documents/)"
    )
    p.add_argument("--lang", choices=("pl", "en"), default="pl", help="język raportu (domyślnie pl)")
    p.add_argument(
        "--quiet", action="store_true", help="bez postępu etapów (sam raport końcowy, np. w cronie)"
    )
    p.set_defaults(func=_cmd_load)

    p = subparsers.add_parser(
        "rollback",
        help="przywróć poprzednią wersję hurtowni",
        description="Przełącza CURRENT na WERSJĘ albo, bez niej, na najnowszą dobrą wersję sprzed "
        "bieżącej (uszkodzone pliki są pomijane). Kod wyjścia: 0 przywrócono, 1 brak wersji, 2 trwa ładowanie.",
    )
    p.add_argument(
        "version", nargs="?", metavar="WERSJA", help="plik hurtowni, np. wh-20261120T020000000000Z.duckdb"
    )
    p.add_argument("--lang", choices=("pl", "en"), default="pl")
    p.set_defaults(func=_cmd_rollback)

    p = subparsers.add_parser("status", help="pokaż bieżącą wersję hurtowni i ostatnie ładowania")
    p.add_argument("--limit", type=int, default=10, help="ile ostatnich ładowań pokazać")
    p.add_argument("--lang", choices=("pl", "en"), default="pl")
    p.set_defaults(func=_cmd_status)
