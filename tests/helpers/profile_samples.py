"""Build the sample exports of the example mapping profiles from the demo generator's output.

`python -m tests.helpers.profile_samples` regenerates tests/fixtures/profiles/: `contract/` (the demo
export trimmed to a few months, in the contract's format, the reference), `generic-pl-csv/` (the same
rows as a Polish accounting program writes them: Polish headers, codes, DD.MM.YYYY, decimal comma,
UTF-8 with BOM as Excel saves "CSV UTF-8", the address in one column, no manifest) and
`xlsx-workbook/` (one sheet per table).
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl

from ebok.core.contract import FILES
from ebok.demo import generate

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "profiles"
CUTOFF = "2026-06-01"  # keep the last months only: the samples stay small
AS_OF = dt.date(2026, 11, 20)

# Codes of a typical Polish program (mapped back by the profiles' value maps).
MEDIUM = {"cold_water": "ZW", "hot_water": "CW", "heat": "CO", "gas": "G", "electricity": "EE"}
KIND = {"residential": "M", "commercial": "U", "garage": "G"}
TENURE = {"municipal_rent": "NAJ", "social": "SOC", "tbs": "TBS", "coop_right": "SL", "ownership": "WO"}
LEDGER_KIND = {"charge": "NAL", "invoice": "FV", "correction": "KOR", "settlement": "ROZ",
               "interest": "ODS", "payment": "WPL"}  # fmt: skip

# contract table -> (CSV file, sheet, {contract column: Polish header}); tables not here are absent.
LAYOUT: dict[str, tuple[str, str, dict[str, str]]] = {
    "customers": ("kontrahenci.csv", "Kontrahenci", {
        "customer_id": "Symbol", "name": "Nazwa", "email": "E-mail", "phone": "Telefon",
        "email_consent": "Zgoda e-mail", "nip": "NIP", "registration_code": "Kod e-BOK"}),
    "premises": ("lokale.csv", "Lokale", {
        "premises_id": "Numer lokalu", "customer_id": "Kontrahent", "building_id": "Budynek",
        "address": "Adres", "postcode": "Kod pocztowy", "city": "Miejscowość", "kind": "Rodzaj",
        "tenure": "Tytuł prawny", "area_m2": "Powierzchnia [m²]", "persons": "Liczba osób",
        "storage_m2": "Komórka [m²]", "community_id": "Wspólnota", "share": "Udział",
        "bank_account": "Rachunek"}),
    "communities": ("", "Wspólnoty", {"community_id": "Symbol", "name": "Nazwa", "nip": "NIP"}),
    "charges": ("naliczenia.csv", "Naliczenia", {
        "premises_id": "Numer lokalu", "period": "Miesiąc", "component": "Składnik",
        "component_name": "Nazwa składnika", "basis": "Podstawa", "quantity": "Ilość",
        "rate": "Stawka", "amount": "Kwota"}),
    "ledger": ("kartoteka.csv", "Kartoteka", {
        "entry_id": "Nr zapisu", "premises_id": "Numer lokalu", "kind": "Rodzaj",
        "entry_date": "Data", "due_date": "Termin płatności", "document_no": "Dokument",
        "description": "Opis", "amount": "Kwota"}),
    "meters": ("liczniki.csv", "Liczniki", {
        "meter_id": "Licznik", "premises_id": "Numer lokalu", "medium": "Medium",
        "serial_no": "Nr fabryczny", "unit": "Jednostka", "installed_on": "Data montażu",
        "removed_on": "Data demontażu", "legalisation_until": "Legalizacja do",
        "initial_value": "Stan początkowy"}),
    "readings": ("odczyty.csv", "Odczyty", {
        "reading_id": "Nr odczytu", "meter_id": "Licznik", "reading_date": "Data odczytu",
        "value": "Stan", "source": "Źródło"}),
    "messages": ("komunikaty.csv", "Komunikaty", {
        "message_id": "Nr", "audience": "Adresaci", "target": "Adresat", "published_on": "Data publikacji",
        "subject": "Temat", "body": "Treść", "valid_until": "Ważny do"}),
    "resolutions": ("", "Uchwały", {
        "resolution_id": "Nr", "community_id": "Wspólnota", "number": "Numer uchwały",
        "title": "Tytuł", "body": "Treść", "vote_from": "Głosowanie od", "vote_to": "Głosowanie do"}),
    "waste_points": ("", "Odpady - punkty", {
        "point_id": "Punkt", "premises_id": "Numer lokalu", "street": "Ulica", "number": "Numer",
        "route_id": "Rejon", "containers": "Pojemniki", "fee_basis": "Podstawa opłaty",
        "declared_persons": "Osoby z deklaracji", "rate": "Stawka"}),
    "waste_schedule": ("", "Odpady - harmonogram", {
        "route_id": "Rejon", "fraction": "Frakcja", "collection_date": "Data odbioru"}),
    "settlements": ("rozliczenia.csv", "Rozliczenia", {
        "settlement_id": "Nr rozliczenia", "premises_id": "Numer lokalu", "medium": "Medium",
        "period_from": "Okres od", "period_to": "Okres do", "advances": "Zaliczki",
        "consumption": "Zużycie", "unit": "Jednostka", "cost": "Koszt"}),
}  # fmt: skip
DATE_COLUMNS = {c.name for s in FILES for c in s.columns if c.type in ("date", "datetime", "month")}
NUMBER_COLUMNS = {c.name for s in FILES for c in s.columns if c.type in ("dec", "dec4", "int")}
TRIM = {"charges": ("period", CUTOFF), "ledger": ("entry_date", CUTOFF),
        "readings": ("reading_date", CUTOFF), "settlements": ("period_to", "2025-06-01")}  # fmt: skip


def demo_rows() -> dict[str, list[dict[str, str]]]:
    """Return the trimmed demo export as text rows (contract columns, contract formats)."""
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), premises=20, seed=7, as_of=AS_OF, decimal="dot", pdf_sample=0)
        data = {}
        for spec in FILES:
            with open(Path(tmp) / spec.filename, encoding="utf-8-sig", newline="") as fh:
                data[spec.name] = list(csv.DictReader(fh, delimiter=";"))
    for table, (column, cutoff) in TRIM.items():
        data[table] = [r for r in data[table] if r[column] >= cutoff[: len(r[column])]]
    data["documents"] = []  # no PDFs in the samples: settlements and resolutions lose their links
    for r in data["settlements"]:
        r["document_id"] = ""
    for r in data["resolutions"]:
        r["file"] = ""
    return data


def write_contract(data: dict[str, list[dict[str, str]]], out: Path) -> None:
    """Write DATA in the contract's format (no manifest, no documents.csv)."""
    out.mkdir(parents=True, exist_ok=True)
    for spec in FILES:
        if data[spec.name]:
            with open(out / spec.filename, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=[c.name for c in spec.columns], delimiter=";")
                writer.writeheader()
                writer.writerows(data[spec.name])


def _polish(table: str, row: dict[str, str]) -> dict[str, str]:
    """Return ROW as the Polish program would hold it: codes, one-column address, street and number."""
    row = dict(row)
    if table == "premises":
        unit = f"/{row['unit_no']}" if row["unit_no"] else ""
        row["address"] = f"{row['street']} {row['building_no']}{unit}"
        row["kind"], row["tenure"] = KIND[row["kind"]], TENURE[row["tenure"]]
    if table in ("meters", "settlements"):
        row["medium"] = MEDIUM[row["medium"]]
    if table == "ledger":
        row["kind"] = LEDGER_KIND[row["kind"]]
    if table == "customers":
        row["email_consent"] = "T" if row["email_consent"] == "tak" else "N"
    if table == "waste_points":
        row["street"], _, row["number"] = row["address"].rpartition(" ")
    return row


def _pl_text(column: str, value: str) -> str:
    """Write VALUE as the Polish program does: DD.MM.YYYY, MM.YYYY, 1 234,56."""
    if not value:
        return value
    if column in DATE_COLUMNS:
        day, _, time = value.partition(" ")
        parts = day.split("-")
        return ".".join(reversed(parts)) + (f" {time[:5]}" if time else "")
    if column in NUMBER_COLUMNS:
        whole, _, frac = value.partition(".")
        sign = "-" if whole.startswith("-") else ""
        digits = f"{int(whole.lstrip('-')):,}".replace(",", " ")
        return sign + digits + ("," + frac if frac else "")
    return value


def write_generic_pl(data: dict[str, list[dict[str, str]]], out: Path) -> None:
    """Write the CSV tables of LAYOUT in UTF-8 with BOM with Polish headers and formats."""
    out.mkdir(parents=True, exist_ok=True)
    for table, (filename, _sheet, headers) in LAYOUT.items():
        if not filename:
            continue
        with open(out / filename, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            writer.writerow(headers.values())
            for row in data[table]:
                polish = _polish(table, row)
                writer.writerow(_pl_text(col, polish.get(col, "")) for col in headers)


def _cell(column: str, value: str) -> object:
    """Return VALUE as a typed workbook cell: dates as dates, numbers as numbers."""
    if not value:
        return None
    if column in DATE_COLUMNS:
        if len(value) == 7:
            return value  # a month stays text: YYYY-MM
        return dt.datetime.fromisoformat(value) if " " in value else dt.date.fromisoformat(value)
    if column in NUMBER_COLUMNS:
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() and "." not in value else float(number)
    return value


def write_xlsx(data: dict[str, list[dict[str, str]]], out: Path) -> None:
    """Write one workbook, eksport.xlsx, with one sheet per table of LAYOUT."""
    out.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook(write_only=True)
    for table, (_filename, sheet, headers) in LAYOUT.items():
        ws = book.create_sheet(sheet)
        ws.append(list(headers.values()))
        for row in data[table]:
            polish = _polish(table, row)
            ws.append([_cell(col, polish.get(col, "")) for col in headers])
    book.save(out / "eksport.xlsx")


def build(root: Path = ROOT) -> None:
    """Regenerate the three sample folders under ROOT."""
    data = demo_rows()
    for name in ("contract", "generic-pl-csv", "xlsx-workbook"):
        shutil.rmtree(root / name, ignore_errors=True)
    write_contract(data, root / "contract")
    write_generic_pl(data, root / "generic-pl-csv")
    write_xlsx(data, root / "xlsx-workbook")


if __name__ == "__main__":
    build()
