"""Export of a resident's own account history to CSV and XLSX (files for download).

CSV: UTF-8 with BOM, ';' separated, amounts with a decimal comma and no thousands separator,
dates YYYY-MM-DD — what Polish Excel and LibreOffice open without an import wizard.
XLSX: the same columns with real dates and numbers (format '# ##0,00').
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from ebok.core.i18n import N_, _
from ebok.domain import finance
from ebok.domain.finance import Entry

COLUMNS = (
    N_("Data"),
    N_("Rodzaj"),
    N_("Opis"),
    N_("Dokument"),
    N_("Termin płatności"),
    N_("Naliczenie [zł]"),
    N_("Wpłata [zł]"),
    N_("Saldo po zapisie [zł]"),
)
SHEET_TITLE = N_("Historia konta")
MIME_CSV = "text/csv"
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dec(value: Decimal) -> str:
    """Return an amount as '1234,56' (Polish decimal comma, no grouping)."""
    return f"{value:.2f}".replace(".", ",")


def _row(e: Entry) -> list[object]:
    """Return one history entry as export cells (Python values)."""
    return [
        e.entry_date,
        e.kind_name,
        e.description,
        e.document_no or "",
        e.due_date,
        e.charge,
        e.payment,
        e.balance_after,
    ]


def history_csv(entries: Iterable[Entry]) -> bytes:
    """Return the entries as a CSV file (bytes)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_(c) for c in COLUMNS])
    for e in entries:
        writer.writerow(
            [
                v.isoformat() if hasattr(v, "isoformat") else _dec(v) if isinstance(v, Decimal) else (v or "")
                for v in _row(e)
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def history_xlsx(entries: Sequence[Entry], title: str | None = None) -> bytes:
    """Return the entries as an XLSX workbook (bytes); TITLE: the sheet's name (default 'Historia konta')."""
    wb = Workbook()
    ws = wb.active
    ws.title = (title or _(SHEET_TITLE))[:31]
    ws.append([_(c) for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for e in entries:
        ws.append([float(v) if isinstance(v, Decimal) else v for v in _row(e)])
    for row in ws.iter_rows(min_row=2):
        for cell in (row[0], row[4]):
            cell.number_format = "DD.MM.YYYY"
        for cell in row[5:8]:
            cell.number_format = "#,##0.00"
    widths = (12, 18, 40, 20, 16, 16, 16, 20)
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filename(premises_id: str, extension: str) -> str:
    """Return a safe download name: historia_<premises>.<extension>."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in premises_id)
    return f"historia_{safe}.{extension}"


def _entries(premises_id: str, date_from: dt.date, date_to: dt.date, kinds: Iterable[str]) -> list[Entry]:
    """Return the premises' history filtered as on the page."""
    return finance.filter_history(finance.history(premises_id), date_from, date_to, kinds)


def premises_csv(premises_id: str, date_from: dt.date, date_to: dt.date, kinds: Iterable[str]) -> bytes:
    """Return the CSV of the premises' history within the period and kinds (for deferred downloads)."""
    return history_csv(_entries(premises_id, date_from, date_to, kinds))


def premises_xlsx(premises_id: str, date_from: dt.date, date_to: dt.date, kinds: Iterable[str]) -> bytes:
    """Return the XLSX of the premises' history within the period and kinds (for deferred downloads)."""
    return history_xlsx(_entries(premises_id, date_from, date_to, kinds))
