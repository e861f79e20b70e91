"""A tiny, consistent export written from Python, for loader tests.

`rows()` returns {table: [dict, ...]} with typed Python values; tests change it and
`write_export(dir, data, ...)` writes the CSVs, the PDFs and a matching manifest.csv.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from ebok.core.contract import FILES, MANIFEST

EXPORTED_AT = datetime(2026, 11, 20, 22, 15)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NRB = "61109010140000071219812874"  # valid check digits (PL61...)
NRB2 = "27114020040000300201355387"


def rows() -> dict[str, list[dict]]:
    """Return the tiny export: 2 customers, 3 premises, ledger, meters, readings, documents."""
    d = Decimal
    return {
        "customers": [
            {
                "customer_id": "L0001",
                "name": "Anna Nowak",
                "email": "anna@example.pl",
                "phone": "",
                "email_consent": True,
                "nip": "",
            },
            {
                "customer_id": "U0001",
                "name": "Zakład Fryzjerski Błażej Wiśniewski",
                "email": "",
                "phone": "600 100 200",
                "email_consent": False,
                "nip": "5260250274",
            },
        ],  # fmt: skip
        "premises": [
            _premises("P1", "L0001", "residential", "coop_right", d("48.50"), 2),
            _premises("P2", "L0001", "garage", "coop_right", d("18.00"), 0),
            _premises("P3", "U0001", "commercial", "municipal_rent", d("65.20"), 0),
        ],
        "charges": [
            {
                "premises_id": "P1",
                "period": date(2026, 11, 1),
                "component": "maintenance",
                "component_name": "Eksploatacja",
                "basis": "m2",
                "quantity": d("48.5"),
                "rate": d("3.2"),
                "amount": d("155.20"),
            },
        ],  # fmt: skip
        "ledger": [
            _entry("E1", "P1", "charge", date(2026, 9, 1), date(2026, 9, 10), d("500.00")),
            _entry("E2", "P1", "charge", date(2026, 10, 1), date(2026, 10, 10), d("500.00")),
            _entry("E3", "P1", "payment", date(2026, 10, 5), None, d("-700.00")),
            _entry("E4", "P2", "charge", date(2026, 10, 1), date(2026, 10, 10), d("80.00")),
            _entry("E5", "P2", "payment", date(2026, 10, 2), None, d("-100.00")),
            _entry("E6", "P3", "invoice", date(2026, 11, 1), date(2026, 11, 15), d("1234.56")),
        ],
        "meters": [
            {
                "meter_id": "M1",
                "premises_id": "P1",
                "medium": "cold_water",
                "serial_no": "ZW-1",
                "unit": "m3",
                "installed_on": date(2024, 1, 1),
                "removed_on": None,
                "legalisation_until": date(2029, 1, 1),
                "initial_value": d("10.000"),
            },
        ],  # fmt: skip
        "readings": [
            {
                "reading_id": "R1",
                "meter_id": "M1",
                "reading_date": date(2026, 9, 30),
                "value": d("20.5"),
                "source": "collector",
                "submission_id": "",
            },
            {
                "reading_id": "R2",
                "meter_id": "M1",
                "reading_date": date(2026, 10, 31),
                "value": d("24.25"),
                "source": "resident",
                "submission_id": "",
            },
        ],  # fmt: skip
        "documents": [
            {
                "document_id": "D1",
                "premises_id": "P3",
                "kind": "invoice",
                "title": "Faktura FV/2026/11/1",
                "issued_on": date(2026, 11, 1),
                "file": "fv_2026_11_1.pdf",
                "document_no": "FV/2026/11/1",
            },
            {
                "document_id": "D2",
                "premises_id": "",
                "kind": "regulation",
                "title": "Regulamin",
                "issued_on": date(2025, 1, 1),
                "file": "regulamin.pdf",
                "document_no": "",
            },
        ],  # fmt: skip
    }


def _premises(pid: str, customer: str, kind: str, tenure: str, area: Decimal, persons: int) -> dict:
    return {
        "premises_id": pid, "customer_id": customer, "building_id": "B1", "street": "Lipowa",
        "building_no": "7", "unit_no": pid[1:], "postcode": "00-950", "city": "Łódź", "kind": kind,
        "tenure": tenure, "area_m2": area, "persons": persons, "storage_m2": "", "community_id": "",
        "share": "", "bank_account": NRB if pid != "P3" else NRB2,
    }  # fmt: skip


def _entry(eid: str, pid: str, kind: str, day: date, due: date | None, amount: Decimal) -> dict:
    return {
        "entry_id": eid, "premises_id": pid, "kind": kind, "entry_date": day, "due_date": due,
        "document_no": "", "description": f"Zapis {eid} – opłata za lokal", "amount": amount,
    }  # fmt: skip


def fmt(value: object, *, decimal_comma: bool = False, polish_dates: bool = False) -> str:
    """Format one value the way an old accounting program might."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("tak" if value else "nie") if polish_dates else ("true" if value else "false")
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M" if polish_dates else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y" if polish_dates else "%Y-%m-%d")
    if isinstance(value, Decimal):
        text = f"{value:f}"
        if decimal_comma:
            whole, _, frac = text.partition(".")
            sign = "-" if whole.startswith("-") else ""
            whole = f"{int(whole.lstrip('-')):,}".replace(",", " ")
            text = sign + whole + ("," + frac if frac else "")
        return text
    return str(value)


def csv_text(table: str, records: list[dict], delimiter: str = ",", **fmt_options: bool) -> str:
    """Return TABLE's CSV text (header + rows)."""
    spec = MANIFEST if table == "manifest" else {f.name: f for f in FILES}[table]
    names = list(records[0]) if records else [c.name for c in spec.columns]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(names)
    for rec in records:
        values = []
        for n in names:
            v = rec.get(n)
            if n == "period" and isinstance(v, date):
                v = v.strftime("%m.%Y" if fmt_options.get("polish_dates") else "%Y-%m")
            values.append(fmt(v, **fmt_options))
        writer.writerow(values)
    return out.getvalue()


def write_export(
    folder: Path,
    data: dict[str, list[dict]] | None = None,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    decimal_comma: bool = False,
    polish_dates: bool = False,
    bom: bool = False,
    manifest: bool = True,
    manifest_rows: dict[str, int] | None = None,
    sha: bool = True,
    exported_at: datetime = EXPORTED_AT,
) -> Path:
    """Write DATA (default rows()) as an export folder; return the folder."""
    data = rows() if data is None else data
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "documents").mkdir(exist_ok=True)
    entries = []
    for table, records in data.items():
        text = csv_text(table, records, delimiter, decimal_comma=decimal_comma, polish_dates=polish_dates)
        raw = (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
        path = folder / f"{table}.csv"
        path.write_bytes(raw)
        count = (manifest_rows or {}).get(table, len(records))
        entries.append({"file": path.name, "rows": count,
                        "sha256": hashlib.sha256(raw).hexdigest() if sha else "", "exported_at": exported_at})  # fmt: skip
        for rec in records:
            if table in ("documents", "resolutions") and rec.get("file"):
                (folder / "documents" / rec["file"]).write_bytes(PDF)
    if manifest:
        text = csv_text("manifest", entries, delimiter, polish_dates=polish_dates)
        (folder / "manifest.csv").write_bytes(text.encode(encoding))
    return folder


def rewrite_manifest(folder: Path) -> None:
    """Recompute manifest.csv rows and sha256 after a test edited files by hand."""
    entries = []
    for path in sorted(folder.glob("*.csv")):
        if path.name == "manifest.csv":
            continue
        raw = path.read_bytes()
        lines = [ln for ln in raw.split(b"\n")[1:] if ln.strip()]
        entries.append({"file": path.name, "rows": len(lines), "sha256": hashlib.sha256(raw).hexdigest(),
                        "exported_at": EXPORTED_AT})  # fmt: skip
    (folder / "manifest.csv").write_text(csv_text("manifest", entries), encoding="utf-8")
