"""Real PDF documents of the demo export (fpdf2 + DejaVu, so Polish letters render)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from ebok.core import fmt
from ebok.core.assets import add_fonts


@dataclass(frozen=True)
class Party:
    """A seller, issuer or addressee printed on a document."""

    name: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Line:
    """One row of an invoice or notice table: name, quantity with unit, rate, net amount in grosze."""

    name: str
    quantity: str
    rate: str
    amount_cents: int


def money(cents: int) -> str:
    """Format grosze as '1 234,56 zł'."""
    return fmt.money(Decimal(cents) / 100)


class _Doc(FPDF):
    """A4 page with DejaVu fonts, an issuer header and a footer with page numbers."""

    def __init__(self, issuer: Party, created: dt.datetime) -> None:
        super().__init__(format="A4")
        self.issuer = issuer
        self.family = add_fonts(self)
        # A fixed creation date (and so a fixed /ID) keeps the files byte-identical.
        self.set_creation_date(created)
        self.set_author(issuer.name)
        self.set_creator("e-BOK, dane demonstracyjne")
        self.set_auto_page_break(True, margin=18)
        self.add_page()

    def header(self) -> None:
        self.set_font(self.family, "B", 11)
        self.cell(0, 6, self.issuer.name, new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.family, "", 8)
        for line in self.issuer.lines:
            self.cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 7)
        self.cell(0, 5, f"Dokument demonstracyjny e-BOK – strona {self.page_no()}/{{nb}}", align="C")

    def title_block(self, title: str, subtitle: str = "") -> None:
        self.set_font(self.family, "B", 14)
        self.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.set_font(self.family, "", 9)
            self.multi_cell(0, 5, subtitle, new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def party(self, label: str, party: Party) -> None:
        self.set_font(self.family, "B", 9)
        self.cell(0, 5, label, new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.family, "", 9)
        for line in (party.name, *party.lines):
            self.cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        self.set_font(self.family, "B", 8)
        for text, width in zip(header, widths, strict=True):
            self.cell(width, 6, text, border=1, align="C")
        self.ln()
        self.set_font(self.family, "", 8)
        for row in rows:
            for i, (text, width) in enumerate(zip(row, widths, strict=True)):
                self.cell(width, 5.5, text, border=1, align="L" if i == 0 else "R")
            self.ln()
        self.ln(2)

    def text(self, body: str, bold: bool = False, size: float = 9) -> None:  # type: ignore[override]
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, 5, body, new_x="LMARGIN", new_y="NEXT")

    def save(self, path: Path) -> None:
        self.output(str(path))


def _created(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 8, 0, tzinfo=dt.UTC)


def invoice(
    path: Path,
    *,
    seller: Party,
    buyer: Party,
    document_no: str,
    issued_on: dt.date,
    period_label: str,
    due_date: dt.date,
    lines: Sequence[Line],
    vat_percent: int,
    bank_account: str,
) -> None:
    """Write a VAT invoice (or a utility invoice with gross prices when vat_percent is 0)."""
    doc = _Doc(seller, _created(issued_on))
    doc.title_block(
        f"Faktura VAT nr {document_no}", f"Data wystawienia: {fmt.date(issued_on)}, okres: {period_label}"
    )
    doc.party("Nabywca:", buyer)
    net = sum(line.amount_cents for line in lines)
    rows = [(ln.name, ln.quantity, ln.rate, money(ln.amount_cents)) for ln in lines]
    doc.table(("Pozycja", "Ilość", "Cena jedn.", "Wartość"), rows, (90, 30, 30, 40))
    if vat_percent:
        vat = (net * vat_percent + 50) // 100
        doc.text(f"Razem netto: {money(net)}")
        doc.text(f"VAT {vat_percent}%: {money(vat)}")
        gross = net + vat
    else:
        doc.text("Ceny zawierają podatek VAT.")
        gross = net
    doc.text(f"Do zapłaty: {money(gross)}", bold=True, size=11)
    doc.text(f"Termin płatności: {fmt.date(due_date)}, przelew na rachunek {bank_account}")
    doc.save(path)


def notice(
    path: Path,
    *,
    issuer: Party,
    addressee: Party,
    premises_label: str,
    valid_from: dt.date,
    issued_on: dt.date,
    lines: Sequence[Line],
    bank_account: str,
) -> None:
    """Write a notice of the monthly fee from VALID_FROM (zawiadomienie o wysokości opłat)."""
    doc = _Doc(issuer, _created(issued_on))
    doc.title_block(
        f"Zawiadomienie o wysokości opłat od {fmt.date(valid_from)}",
        f"{premises_label}. Warszawa, dnia {fmt.date(issued_on)}",
    )
    doc.party("Szanowni Państwo,", addressee)
    doc.text(
        "Uprzejmie zawiadamiamy, że od dnia wskazanego wyżej miesięczne opłaty za lokal wynoszą "
        "jak poniżej. Opłaty należy wnosić do 10. dnia każdego miesiąca."
    )
    doc.ln(2)
    total = sum(line.amount_cents for line in lines)
    rows = [(ln.name, ln.quantity, ln.rate, money(ln.amount_cents)) for ln in lines]
    doc.table(("Składnik", "Podstawa", "Stawka", "Kwota"), rows, (90, 30, 30, 40))
    doc.text(f"Razem miesięcznie: {money(total)}", bold=True, size=11)
    doc.text(f"Indywidualny rachunek do wpłat: {bank_account}")
    doc.save(path)


def water_settlement(
    path: Path,
    *,
    issuer: Party,
    addressee: Party,
    premises_label: str,
    document_no: str,
    year: int,
    issued_on: dt.date,
    rows: Sequence[tuple[str, str, str, int, int]],
    bank_account: str,
) -> None:
    """Write a yearly water settlement; ROWS are (medium, consumption, price, advances, cost) in grosze."""
    doc = _Doc(issuer, _created(issued_on))
    doc.title_block(f"Rozliczenie kosztów wody za {year} r.", f"Nr {document_no}, {premises_label}")
    doc.party("Adresat:", addressee)
    table = []
    result = 0
    for medium, consumption, price, advances, cost in rows:
        table.append((medium, consumption, price, money(advances), money(cost), money(cost - advances)))
        result += cost - advances
    doc.table(
        ("Medium", "Zużycie", "Cena za m³", "Zaliczki", "Koszt", "Wynik"), table, (40, 25, 25, 32, 32, 32)
    )
    if result > 0:
        doc.text(f"Niedopłata do zapłaty: {money(result)}", bold=True, size=11)
        doc.text(f"Prosimy o wpłatę w ciągu 30 dni na rachunek {bank_account}.")
    else:
        doc.text(f"Nadpłata: {money(-result)}", bold=True, size=11)
        doc.text("Nadpłata zostanie zaliczona na poczet przyszłych opłat.")
    doc.save(path)


def regulation(
    path: Path, *, issuer: Party, title: str, paragraphs: Sequence[str], issued_on: dt.date
) -> None:
    """Write a regulation (regulamin) with numbered paragraphs."""
    doc = _Doc(issuer, _created(issued_on))
    doc.title_block(title, f"Przyjęty uchwałą Rady Nadzorczej z dnia {fmt.date(issued_on)}")
    for paragraph in paragraphs:
        doc.text(paragraph)
        doc.ln(2)
    doc.save(path)


def resolution(
    path: Path,
    *,
    community: str,
    manager: str,
    number: str,
    title: str,
    body: str,
    vote_from: dt.datetime,
    vote_to: dt.datetime,
) -> None:
    """Write a community resolution put to a vote (TITLE starts with 'w sprawie …')."""
    doc = _Doc(Party(community, (f"zarządca: {manager}",)), _created(vote_from.date()))
    doc.title_block(f"Uchwała nr {number} właścicieli lokali", title[:1].upper() + title[1:])
    doc.text(body)
    doc.ln(3)
    doc.text(
        f"Głosowanie w trybie indywidualnego zbierania głosów (także przez e-BOK) od "
        f"{fmt.datetime(vote_from)} do {fmt.datetime(vote_to)}. Uchwała zapada większością "
        "głosów liczoną według wielkości udziałów."
    )
    doc.save(path)


def meter_protocol(
    path: Path,
    *,
    issuer: Party,
    premises_label: str,
    day: dt.date,
    old_serial: str,
    old_value: str,
    new_serial: str,
    new_value: str,
    legalisation_until: dt.date,
) -> None:
    """Write a water meter replacement protocol (protokół wymiany wodomierza)."""
    doc = _Doc(issuer, _created(day))
    doc.title_block("Protokół wymiany wodomierza zimnej wody", f"{premises_label}, dnia {fmt.date(day)}")
    doc.table(
        ("", "Numer fabryczny", "Stan (m³)"),
        [("Wodomierz zdemontowany", old_serial, old_value), ("Wodomierz zamontowany", new_serial, new_value)],
        (60, 60, 40),
    )
    doc.text(f"Legalizacja nowego wodomierza ważna do {fmt.date(legalisation_until)}.")
    doc.text("Plomby założono, szczelność sprawdzono. Użytkownik lokalu potwierdza zgodność stanów.")
    doc.save(path)
