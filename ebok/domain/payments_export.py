"""`python -m ebok export-payments`: confirmed online payments handed to the accounting system as CSV.

The batch itself (which payments, exactly once, the CSV) is online_payments.export_batch; this module
writes it to a file the way the readings export does (docs/payments-export-format.md): the file is
written atomically, and a batch can be written again with --batch.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ebok.core import fmt
from ebok.core.i18n import ngettext
from ebok.domain import online_payments, pending

COMMAND = "python -m ebok export-payments --out PLIK.csv"
MIME = "text/csv"


def filename(batch_id: str) -> str:
    """Return the suggested file name of a batch (as online_payments.ExportBatch.filename)."""
    return f"platnosci-online-{batch_id}.csv"


def payments_count(n: int) -> str:
    """Return '1 płatność', '3 płatności', '5 płatności'."""
    return ngettext("{n} płatność", "{n} płatności", n).format(n=n)


def batch_text(batch_id: str, rows: int, total_grosze: int) -> str:
    """Return 'Paczka 20261203-…: 3 płatności na kwotę 1 234,56 zł.'."""
    return ngettext(
        "Paczka {batch}: {n} płatność na kwotę {amount}.",
        "Paczka {batch}: {n} płatności na kwotę {amount}.",
        rows,
    ).format(batch=batch_id, n=rows, amount=fmt.money(pending.zl(total_grosze)))


def batch_label(info: online_payments.BatchInfo) -> str:
    """Return the office's label of an earlier batch: time, count, sum and id."""
    when = fmt.local_datetime(info.exported_at)
    return (
        f"{when} · {payments_count(info.rows)} · {fmt.money(pending.zl(info.total_grosze))} · {info.batch_id}"
    )


def write(path: Path, content: bytes) -> None:
    """Write CONTENT to PATH through a temporary file and a rename (never a half-written file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `export-payments` to the CLI."""
    p = subparsers.add_parser(
        "export-payments",
        help="eksport opłaconych płatności online do systemu księgowego (CSV)",
        description="Zapisuje opłacone, jeszcze nie eksportowane płatności online jako nową paczkę CSV "
        "(docs/payments-export-format.md); każda płatność trafia do jednej paczki. Z --batch ponownie "
        "zapisuje wskazaną wcześniejszą paczkę, z --list wypisuje paczki.",
    )
    p.add_argument("--out", type=Path, help="plik wynikowy CSV (domyślnie platnosci-online-PACZKA.csv)")
    p.add_argument("--batch", help="identyfikator wcześniejszej paczki do ponownego zapisania")
    p.add_argument("--list", action="store_true", help="wypisz wcześniejsze paczki i zakończ")
    p.set_defaults(func=_cli)


def _cli(args: argparse.Namespace) -> int:
    """Run export-payments; exit status 0 also when there was nothing new, 1 for an unknown batch."""
    if args.list:
        for info in online_payments.batches():
            print(batch_label(info))
        return 0
    if args.batch:
        found = online_payments.batch(args.batch)
        if found is None:
            print(f"Nie ma paczki eksportu {args.batch}.")
            return 1
    else:
        found = online_payments.export_batch("cli")
        if found is None:
            print("Brak nowych opłaconych płatności online do eksportu; nie zapisano pliku.")
            return 0
    out = args.out or Path(filename(found.batch_id))
    try:
        write(out, found.content)
    except OSError as exc:
        # The batch is already claimed (exactly once): say how to write the same batch again.
        print(
            f"Nie udało się zapisać pliku {out}: {exc}. Paczka {found.batch_id} jest utworzona; zapisz ją "
            f"ponownie poleceniem: python -m ebok export-payments --batch {found.batch_id} --out PLIK.csv"
        )
        return 1
    print(f"{batch_text(found.batch_id, found.rows, found.total_grosze)} Zapisano do {out}.")
    return 0
