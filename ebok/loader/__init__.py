"""The nightly loader: `python -m ebok load DIR`, `rollback` and `status`.

See ebok.loader.run for the steps and docs/import-format.md for the export format.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ebok.core import config, i18n
from ebok.core.errors import FormError
from ebok.loader import profile_check, progress
from ebok.loader.run import LoadResult, discard, load, prepare, publish, rollback, status_text
from ebok.storage.warehouse import document_path, documents_dir

__all__ = [
    "LoadResult",
    "discard",
    "document_path",
    "documents_dir",
    "load",
    "prepare",
    "publish",
    "register",
    "rollback",
    "status_text",
]


def _cmd_load(args: argparse.Namespace) -> int:
    """Run one load; a --force without --reason is refused before anything is read."""
    with i18n.use(args.lang):
        try:
            result = load(
                Path(args.directory),
                profile=args.profile,
                force=args.force,
                reason=args.reason,
                progress=progress.for_cli(args.quiet),
            )
        except FormError as err:
            print("\n".join(err.messages), file=sys.stderr)
            return 2
    return result.exit_code


def _cmd_profile_check(args: argparse.Namespace) -> int:
    with i18n.use(args.lang):
        text, clean = profile_check.check_text(Path(args.directory), args.profile or _office_profile())
    print(text, file=sys.stdout)
    return 0 if clean else 1


def _cmd_profile_list(args: argparse.Namespace) -> int:
    with i18n.use(args.lang):
        print(profile_check.list_text(), file=sys.stdout)
    return 0


def _office_profile() -> str:
    """Return the profile named in the office config (export.profile)."""
    return config.load().export.profile


def _cmd_rollback(args: argparse.Namespace) -> int:
    with i18n.use(args.lang):
        return rollback(version=args.version)


def _cmd_status(args: argparse.Namespace) -> int:
    with i18n.use(args.lang):
        print(status_text(limit=args.limit), file=sys.stdout)
    return 0


PROFILE_HELP = (
    "profil eksportu (contract, generic-pl-csv, xlsx-workbook, własny z $EBOK_DATA_DIR/profiles "
    "albo ścieżka do pliku .yaml); domyślnie export.profile z konfiguracji biura"
)


def _add_lang(parser: argparse.ArgumentParser) -> None:
    """Add --lang: the language of the command's output (pl, en or uk)."""
    parser.add_argument(
        "--lang",
        choices=i18n.LANGS,
        default=i18n.DEFAULT,
        help="język raportu: pl, en albo uk (domyślnie pl)",
    )


def _register_profile(subparsers: argparse._SubParsersAction) -> None:
    """Add `profile check` and `profile list`."""
    p = subparsers.add_parser("profile", help="profile eksportu: sprawdź, jak profil czyta eksport")
    sub = p.add_subparsers(dest="profile_command", metavar="POLECENIE", required=True)
    c = sub.add_parser(
        "check",
        help="pokaż, jak profil odwzorowuje kolumny eksportu, z pierwszymi wierszami; nic nie ładuje",
        description="Kod wyjścia: 0 profil pasuje, 1 są problemy.",
    )
    c.add_argument("directory", metavar="KATALOG", help="katalog eksportu")
    c.add_argument("--profile", metavar="PROFIL", help=PROFILE_HELP)
    _add_lang(c)
    c.set_defaults(func=_cmd_profile_check)
    listing = sub.add_parser("list", help="wypisz dostępne profile")
    _add_lang(listing)
    listing.set_defaults(func=_cmd_profile_list)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the load, rollback and status subcommands."""
    p = subparsers.add_parser(
        "load",
        help="sprawdź eksport z systemu księgowego i zbuduj nową wersję hurtowni",
        description="Sprawdza każdy plik katalogu eksportu, porównuje nową hurtownię z obsługiwaną "
        "(ubytek lokali i klientów, historia zamkniętych miesięcy, saldo łączne, puste pliki) i, jeśli "
        "wszystko jest poprawne i wiarygodne, podmienia hurtownię na nową wersję. "
        "Kod wyjścia: 0 załadowano, 1 odrzucono, 2 błąd.",
    )
    p.add_argument(
        "directory", metavar="KATALOG", help="katalog eksportu (manifest.csv, pliki CSV, documents/)"
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="opublikuj mimo odrzucenia przez kontrolę wiarygodności (wymaga --reason; zapis w dzienniku zdarzeń)",
    )
    p.add_argument(
        "--reason",
        metavar="POWÓD",
        help="dlaczego publikujesz mimo odrzucenia, np. „sprzedaż budynku Lipowa 7”",
    )
    _add_lang(p)
    p.add_argument("--profile", metavar="PROFIL", help=PROFILE_HELP)
    p.add_argument(
        "--quiet", action="store_true", help="bez postępu etapów (sam raport końcowy, np. w cronie)"
    )
    p.set_defaults(func=_cmd_load)
    _register_profile(subparsers)

    p = subparsers.add_parser(
        "rollback",
        help="przywróć poprzednią wersję hurtowni",
        description="Przełącza CURRENT na WERSJĘ albo, bez niej, na najnowszą dobrą wersję sprzed "
        "bieżącej (uszkodzone pliki są pomijane). Kod wyjścia: 0 przywrócono, 1 brak wersji, 2 trwa ładowanie.",
    )
    p.add_argument(
        "version", nargs="?", metavar="WERSJA", help="plik hurtowni, np. wh-20261120T020000000000Z.duckdb"
    )
    _add_lang(p)
    p.set_defaults(func=_cmd_rollback)

    p = subparsers.add_parser("status", help="pokaż bieżącą wersję hurtowni i ostatnie ładowania")
    p.add_argument("--limit", type=int, default=10, help="ile ostatnich ładowań pokazać")
    _add_lang(p)
    p.set_defaults(func=_cmd_status)
