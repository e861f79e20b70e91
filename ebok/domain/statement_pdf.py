"""Account statement of one premises for a period, as a PDF (fpdf2, DejaVu font for Polish letters).

Opening balance (end of the day before the period), the period's entries with the balance after
each, totals and the closing balance; balances in the resident's sign (+ overpayment, − arrears).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from fpdf import FPDF

from ebok.core import assets, config, fmt, i18n
from ebok.core.i18n import _
from ebok.domain import finance


@dataclass(frozen=True)
class Statement:
    """The numbers of an account statement."""

    premises_id: str
    date_from: dt.date
    date_to: dt.date
    opening_balance: Decimal  # zł at the start of date_from
    entries: tuple[finance.Entry, ...]
    charges: Decimal  # zł charged in the period
    payments: Decimal  # zł paid or credited in the period
    closing_balance: Decimal  # zł at the end of date_to


def statement(premises_id: str, date_from: dt.date, date_to: dt.date) -> Statement:
    """Return the statement of the premises for [DATE_FROM, DATE_TO]."""
    if date_from > date_to:
        raise ValueError(_("Okres: data początkowa jest późniejsza niż końcowa."))
    full = finance.history(premises_id)
    return statement_from(premises_id, full, date_from, date_to)


def statement_from(
    premises_id: str, full: list[finance.Entry], date_from: dt.date, date_to: dt.date
) -> Statement:
    """Return the statement computed from an already loaded full history."""
    entries = tuple(finance.filter_history(full, date_from, date_to))
    opening = finance.balance_before(full, date_from)
    charges = sum((e.charge for e in entries), finance.ZERO)
    payments = sum((e.payment for e in entries), finance.ZERO)
    return Statement(
        premises_id=premises_id,
        date_from=date_from,
        date_to=date_to,
        opening_balance=opening,
        entries=entries,
        charges=charges,
        payments=payments,
        closing_balance=opening - charges + payments,
    )


def signed(balance: Decimal) -> str:
    """Return '1 234,56 zł (nadpłata)' / '… (do zapłaty)'."""
    word = finance.balance_word(balance)
    return f"{fmt.money(abs(balance))} ({word})"


def render(
    stmt: Statement,
    info: finance.PremisesInfo | None,
    today: dt.date,
    cfg: config.Config | None = None,
) -> bytes:
    """Return the statement as PDF bytes, its texts in the language of this run (see i18n.use)."""
    company = (cfg or config.load()).company
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(_("Zestawienie konta lokalu {premises}").format(premises=stmt.premises_id))
    pdf.set_author(company.name or "e-BOK")
    pdf.set_creation_date(dt.datetime.combine(today, dt.time(0, 0), tzinfo=dt.UTC))
    # The Latin/Polish subset loads faster but has no Cyrillic: the full fonts for Ukrainian.
    family = assets.add_fonts(pdf, subset=i18n.current() != "uk")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(family, "", 9)
    pdf.multi_cell(0, 4.5, f"{company.name}\n{company.address}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _heading(pdf, family, stmt, info, today)
    _entries(pdf, family, stmt)
    _totals(pdf, family, stmt)
    return bytes(pdf.output())


def _heading(
    pdf: FPDF, family: str, stmt: Statement, info: finance.PremisesInfo | None, today: dt.date
) -> None:
    """Title, premises, customer, account, period, date made and the opening balance."""
    pdf.set_font(family, "B", 14)
    pdf.cell(0, 8, _("Zestawienie konta lokalu"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    if info:
        lines = [
            _("Lokal: {premises}, {address}").format(premises=stmt.premises_id, address=info.address),
            _("Klient: {customer} {name}").format(customer=info.customer_id, name=info.customer_name),
            _("Rachunek do wpłat: {account}").format(account=fmt.nrb(info.bank_account)),
        ]
    else:
        lines = [_("Lokal: {premises}").format(premises=stmt.premises_id)]
    lines.append(
        _("Okres: {date_from} – {date_to}").format(
            date_from=fmt.date(stmt.date_from), date_to=fmt.date(stmt.date_to)
        )
    )
    lines.append(_("Data sporządzenia: {date}").format(date=fmt.date(today)))
    for line in lines:
        pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(family, "B", 10)
    pdf.cell(
        0,
        6,
        _("Saldo otwarcia ({date}): {balance}").format(
            date=fmt.date(stmt.date_from), balance=signed(stmt.opening_balance)
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)


def _entries(pdf: FPDF, family: str, stmt: Statement) -> None:
    """The table of the period's entries with the balance after each (or a line saying there are none)."""
    widths = (20, 62, 30, 26, 26, 26)
    pdf.set_font(family, "B", 8)
    with pdf.table(
        col_widths=widths, text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT")
    ) as table:
        table.row((_("Data"), _("Opis"), _("Dokument"), _("Naliczenie"), _("Wpłata"), _("Saldo po")))
        pdf.set_font(family, "", 8)
        for e in stmt.entries:
            table.row(
                (
                    fmt.date(e.entry_date),
                    f"{e.kind_name}: {e.description}",
                    e.document_no or "",
                    fmt.money(e.charge) if e.charge else "",
                    fmt.money(e.payment) if e.payment else "",
                    fmt.money(e.balance_after),
                )
            )
        if not stmt.entries:
            table.row(("", _("Brak zapisów w tym okresie."), "", "", "", ""))
    pdf.ln(3)


def _totals(pdf: FPDF, family: str, stmt: Statement) -> None:
    """The period's totals, the closing balance and the note on signs."""
    pdf.set_font(family, "", 10)
    charges = _("Razem naliczenia: {amount}").format(amount=fmt.money(stmt.charges))
    payments = _("Razem wpłaty i uznania: {amount}").format(amount=fmt.money(stmt.payments))
    pdf.cell(0, 5.5, charges, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5.5, payments, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", 10)
    pdf.cell(
        0,
        6,
        _("Saldo zamknięcia ({date}): {balance}").format(
            date=fmt.date(stmt.date_to), balance=signed(stmt.closing_balance)
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    pdf.set_font(family, "", 8)
    pdf.multi_cell(
        0,
        4,
        _(
            "Saldo dodatnie oznacza nadpłatę, ujemne zaległość. Zestawienie wygenerowane w e-BOK "
            "na podstawie danych z systemu księgowego; nie wymaga podpisu."
        ),
    )


def build(
    premises_id: str, date_from: dt.date, date_to: dt.date, today: dt.date, cfg: config.Config | None = None
) -> bytes:
    """Return the PDF statement of the premises for the period."""
    return render(
        statement(premises_id, date_from, date_to), finance.premises_info(premises_id, today), today, cfg
    )


def filename(premises_id: str, date_from: dt.date, date_to: dt.date) -> str:
    """Return the download name: zestawienie_<premises>_<from>_<to>.pdf."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in premises_id)
    return f"zestawienie_{safe}_{date_from:%Y%m%d}_{date_to:%Y%m%d}.pdf"
