"""Demo data: `python -m ebok demo --out DIR` writes a realistic export in the contract's format."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from ebok.demo.csvout import DECIMALS, DELIMITERS, ENCODINGS
from ebok.demo.generator import MIN_PREMISES, PERSONA_CUSTOMERS, PERSONA_PREMISES, PERSONAS, generate

__all__ = ["MIN_PREMISES", "PERSONAS", "PERSONA_CUSTOMERS", "PERSONA_PREMISES", "generate", "register"]


def _as_of(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"--as-of: niepoprawna data '{text}', oczekiwano RRRR-MM-DD"
        ) from exc


def _premises(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--premises: '{text}' nie jest liczbą całkowitą") from exc
    if value < MIN_PREMISES:
        raise argparse.ArgumentTypeError(f"--premises: co najmniej {MIN_PREMISES} lokali")
    return value


def _cmd_demo(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    counts = generate(
        Path(args.out),
        premises=args.premises,
        seed=args.seed,
        as_of=args.as_of,
        encoding=args.encoding,
        decimal=args.decimal,
        delimiter=args.delimiter,
        pdf_sample=args.pdf_sample,
    )
    elapsed = time.perf_counter() - started
    for name, rows in counts.items():
        print(f"{name + '.csv':<20} {rows:>12}")
    print(f"Zapisano eksport demo w {args.out} ({elapsed:.1f} s).", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the demo subcommand."""
    p = subparsers.add_parser(
        "demo",
        help="wygeneruj realistyczny eksport demonstracyjny (CSV + PDF)",
        description="Zapisuje w katalogu KATALOG wszystkie pliki eksportu, manifest.csv i dokumenty PDF: "
        "spółdzielnię, wspólnotę i odbiorców wody z pięcioletnią historią. Ten sam seed i data dają "
        "identyczne pliki.",
    )
    p.add_argument("--out", required=True, metavar="KATALOG", help="katalog wyjściowy (zostanie utworzony)")
    p.add_argument("--premises", type=_premises, default=200, help="liczba lokali (domyślnie 200)")
    p.add_argument("--seed", type=int, default=0, help="ziarno losowania (domyślnie 0)")
    p.add_argument("--as-of", type=_as_of, default=None, help="dane na dzień RRRR-MM-DD (domyślnie dziś)")
    p.add_argument(
        "--encoding", choices=ENCODINGS, default="utf-8", help="kodowanie plików (domyślnie utf-8)"
    )
    p.add_argument("--decimal", choices=tuple(DECIMALS), default="comma", help="separator dziesiętny")
    p.add_argument("--delimiter", choices=DELIMITERS, default=";", help="separator pól (domyślnie ;)")
    p.add_argument("--pdf-sample", type=int, default=10, help="ilu lokalom spoza person dodać PDF-y")
    p.set_defaults(func=_cmd_demo)
