"""Residents' reading submissions for the office: review per period and export to accounting.

The export file is a `readings.csv` fragment in the nightly export's own format (see
docs/readings-export-format.md), so the accounting system imports it and the next nightly
export brings the rows back as booked readings (source=resident, submission_id filled).
Exported submissions are marked (exported_at, export_batch) in the same transaction that
reads them: no submission is exported twice and none is lost; a batch can be downloaded again.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select, update

from ebok.core import clock, fmt, uploads
from ebok.core.contract import READINGS
from ebok.core.i18n import _, ngettext, pgettext
from ebok.domain import meters
from ebok.storage import audit, store, warehouse
from ebok.storage.tables import reading_submissions

T = reading_submissions
COLUMNS = tuple(c.name for c in READINGS.columns)  # reading_id … submission_id
DELIMITER = ";"
ENCODING = "utf-8"  # no BOM
DECIMAL_POINT = ","
SOURCE = "resident"
READING_ID_PREFIX = "EBOK-"


@dataclass(frozen=True)
class Batch:
    """One export batch: its id, moment, number of rows and the CSV bytes."""

    batch_id: str
    exported_at: dt.datetime | None
    rows: int
    content: bytes

    @property
    def filename(self) -> str:
        """Return the suggested file name."""
        return f"odczyty-{self.batch_id}.csv"


def reading_id(submission_id: str) -> str:
    """Return the readings.reading_id the export gives a submission."""
    return READING_ID_PREFIX + submission_id


def format_value(value: Decimal) -> str:
    """Format a meter state with a decimal comma and up to 4 decimals: 140,5."""
    text = format(Decimal(value).quantize(Decimal("0.0001")), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", DECIMAL_POINT)


def csv_rows(rows: list[dict[str, Any]]) -> list[list[str]]:
    """Return the readings.csv data rows for submission rows."""
    out = []
    for r in rows:
        day = r["reading_date"]
        day = day.date() if isinstance(day, dt.datetime) else day
        out.append(
            [
                reading_id(r["submission_id"]),
                r["meter_id"],
                day.isoformat(),
                format_value(r["value"]),
                SOURCE,
                r["submission_id"],
            ]
        )
    return out


def render_csv(rows: list[dict[str, Any]], header: bool = True) -> bytes:
    """Return the CSV file (UTF-8, ';', decimal comma, '\\n' line ends) for submission rows."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=DELIMITER, lineterminator="\n")
    if header:
        writer.writerow(COLUMNS)
    writer.writerows(csv_rows(rows))
    return buf.getvalue().encode(ENCODING)


def _order():
    """Return the stable export order: meter, then date, then id."""
    return (T.c.meter_id, T.c.reading_date, T.c.submission_id)


def export_new(
    now: dt.datetime | None = None,
    username: str | None = None,
    include_implausible: bool = True,
    write_to: Path | None = None,
) -> Batch:
    """Mark every not yet exported submission with a new batch and return the batch's CSV.

    With WRITE_TO, the file is written (atomically) before the marks are committed, so a failed
    write leaves the submissions unexported. An empty batch (rows == 0) marks nothing.
    """
    now = now or clock.now()
    batch_id = f"{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6].upper()}"
    condition = T.c.export_batch.is_(None)
    if not include_implausible:
        condition = and_(condition, T.c.implausible == 0)
    with store.engine().begin() as con:
        # The UPDATE claims the rows first: a concurrent export waits on the same rows and
        # then finds them claimed (export_batch no longer NULL).
        con.execute(update(T).where(condition).values(exported_at=now, export_batch=batch_id))
        rows = [
            dict(r._mapping)
            for r in con.execute(select(T).where(T.c.export_batch == batch_id).order_by(*_order()))
        ]
        content = render_csv(rows)
        if write_to is not None:
            _atomic_write(write_to, content)
    if rows:
        audit.record(
            "readings_exported",
            username,
            at=now,
            batch=batch_id,
            rows=len(rows),
            submissions=[r["submission_id"] for r in rows],
        )
    return Batch(batch_id if rows else "", now if rows else None, len(rows), content)


def batch(batch_id: str) -> Batch | None:
    """Return an earlier batch again (same rows, same order), or None if unknown."""
    with store.engine().connect() as con:
        rows = [
            dict(r._mapping)
            for r in con.execute(select(T).where(T.c.export_batch == batch_id).order_by(*_order()))
        ]
    if not rows:
        return None
    return Batch(batch_id, rows[0]["exported_at"], len(rows), render_csv(rows))


def batches() -> list[dict[str, Any]]:
    """Return the export batches, newest first: batch_id, exported_at, rows, implausible."""
    query = (
        select(
            T.c.export_batch.label("batch_id"),
            func.min(T.c.exported_at).label("exported_at"),
            func.count().label("rows"),
            func.sum(T.c.implausible).label("implausible"),
        )
        .where(T.c.export_batch.is_not(None))
        .group_by(T.c.export_batch)
        .order_by(func.min(T.c.exported_at).desc(), T.c.export_batch.desc())
    )
    with store.engine().connect() as con:
        return [dict(r._mapping) for r in con.execute(query)]


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Return [first moment of MONTH, first moment of the next month)."""
    start = dt.datetime(month.year, month.month, 1)
    end = dt.datetime(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return start, end


def period_submissions(month: dt.date | None = None, only_pending: bool = False) -> list[dict[str, Any]]:
    """Return the submissions of MONTH (by submission time; all if None) for the office, oldest first.

    Each row carries the store columns plus booked (bool) from the current warehouse.
    """
    query = select(T).order_by(T.c.submitted_at, T.c.submission_id)
    if month is not None:
        start, end = month_bounds(month)
        query = query.where(T.c.submitted_at >= start, T.c.submitted_at < end)
    if only_pending:
        query = query.where(T.c.export_batch.is_(None))
    with store.engine().connect() as con:
        rows = [dict(r._mapping) for r in con.execute(query)]
    booked = _booked_ids()
    for r in rows:
        r.pop("idempotency_key", None)
        r["implausible"] = bool(r["implausible"])
        r["booked"] = r["submission_id"] in booked
    return rows


def _booked_ids() -> set[str]:
    """Return every submission id the current warehouse has booked."""
    if warehouse.current_version() is None:
        return set()
    with warehouse.cursor() as cur:
        rows = cur.execute("SELECT submission_id FROM readings WHERE submission_id IS NOT NULL").fetchall()
    return {r[0] for r in rows}


def _atomic_write(path: Path, content: bytes) -> None:
    """Write CONTENT to PATH via a temporary file and rename."""
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


# --- command line ---


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `export-readings` to the CLI."""
    p = subparsers.add_parser(
        "export-readings",
        help="eksport odczytów zgłoszonych przez mieszkańców do systemu księgowego (CSV)",
        description="Zapisuje nowe (jeszcze nie eksportowane) odczyty mieszkańców w formacie readings.csv "
        "(docs/readings-export-format.md) i oznacza je jako wyeksportowane. Z --batch ponownie zapisuje "
        "wskazaną wcześniejszą paczkę.",
    )
    p.add_argument("--out", required=True, type=Path, help="plik wynikowy CSV")
    p.add_argument("--batch", help="identyfikator wcześniejszej paczki do ponownego pobrania")
    p.add_argument(
        "--skip-implausible", action="store_true", help="pomiń odczyty oznaczone jako nieprawdopodobne"
    )
    p.set_defaults(func=_cli)


def _cli(args: argparse.Namespace) -> int:
    """Run export-readings."""
    if args.batch:
        found = batch(args.batch)
        if found is None:
            print(f"Nie ma paczki eksportu {args.batch}.")
            return 1
        _atomic_write(args.out, found.content)
        print(f"Paczka {found.batch_id}: zapisano {readings_count(found.rows)} do {args.out}.")
        return 0
    result = export_new(username="cli", include_implausible=not args.skip_implausible, write_to=args.out)
    if result.rows:
        print(f"Paczka {result.batch_id}: zapisano {readings_count(result.rows)} do {args.out}.")
    else:
        print(f"Brak nowych odczytów do eksportu; zapisano pusty plik {args.out}.")
    return 0


# --- display rows for the office page ---


def readings_count(n: int) -> str:
    """Return '1 odczyt', '3 odczyty', '5 odczytów'."""
    return ngettext("{n} odczyt", "{n} odczyty", n).format(n=n)


def recent_months(today: dt.date, count: int = 12) -> list[dt.date]:
    """Return the first days of the last COUNT months, newest first."""
    out = []
    year, month = today.year, today.month
    for _unused in range(count):
        out.append(dt.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


def office_rows(rows: list[dict[str, Any]], names: dict[str, str] | None = None) -> list[dict[str, str]]:
    """Return display rows for period_submissions() rows, implausible ones flagged.

    NAMES: {meter_id: name} (meters.office_meter_names); read here when not given. The meter id
    stays in the CSV for the accounting system; people read the medium and serial number.
    """
    if names is None:
        names = meters.office_meter_names(r["meter_id"] for r in rows)
    out = []
    for r in rows:
        prev = r.get("previous_value")
        jump = (Decimal(r["value"]) - Decimal(prev)) if prev is not None else None
        out.append(
            {
                _("Zgłoszono"): fmt.datetime(r["submitted_at"]),
                _("Lokal"): r["premises_id"],
                _("Licznik"): meter_label(r["meter_id"], names),
                pgettext("licznik", "Stan"): fmt.number(r["value"], 3),
                _("Poprzedni stan"): fmt.number(prev, 3) if prev is not None else "—",
                _("Zużycie"): fmt.number(jump, 3) if jump is not None else "—",
                _("Nietypowy"): "⚠ " + _("tak") if r["implausible"] else "",
                _("Zdjęcie"): _("tak") if r.get("photo") else "",
                _("Paczka eksportu"): r["export_batch"] or _("nie wyeksportowano"),
                _("Zaksięgowany"): _("tak") if r["booked"] else _("nie"),
                _("Nr zgłoszenia"): r["submission_id"],
            }
        )
    return out


def meter_label(meter_id: str, names: dict[str, str]) -> str:
    """Return the meter's name; a meter the warehouse no longer lists keeps its id, the office's only lead."""
    return names.get(meter_id) or _("licznik usunięty z ewidencji (id {meter_id})").format(meter_id=meter_id)


def photo_label(row: dict[str, Any], names: dict[str, str]) -> str:
    """Return 'S20261121-… — Woda zimna, nr ZW26787177, lokal P1' for the photo chooser."""
    return _("{submission} — {meter}, lokal {premises}").format(
        submission=row["submission_id"],
        meter=meter_label(row["meter_id"], names),
        premises=row["premises_id"],
    )


def photo(submission_id: str) -> bytes | None:
    """Return the photo attached to a submission (for the office), or None."""

    with store.engine().connect() as con:
        name = con.execute(select(T.c.photo).where(T.c.submission_id == submission_id)).scalar_one_or_none()
    return uploads.read(name, uploads.READING_PHOTO)
