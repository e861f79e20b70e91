"""A resident's money: balance, account history, open items, overdue, next due, payment calendar.

Every function takes a premises id already checked by the guard and, where the answer depends
on the day, `today` (pages pass clock.today(), the Polish date); amounts are Decimal zł. Balance
sign as in the warehouse views: positive = overpayment (nadpłata), negative = arrears (zaległość).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select

from ebok.core import fmt
from ebok.core.contract import MEDIUM_NAMES, UNIT_NAMES
from ebok.core.i18n import N_, _, pgettext
from ebok.domain import meters
from ebok.storage import store, warehouse
from ebok.storage.tables import reading_submissions as t

ZERO = Decimal("0.00")

# Names of ledger kinds, for the history filters and tables (msgids: translate with _() where shown).
KIND_NAMES = {
    "charge": N_("Naliczenie"),
    "invoice": N_("Faktura"),
    "correction": N_("Korekta"),
    "settlement": N_("Rozliczenie mediów"),
    "interest": N_("Odsetki"),
    "payment": N_("Wpłata"),
}
PREMISES_KIND_NAMES = {
    "residential": N_("mieszkanie"),
    "commercial": N_("lokal użytkowy"),
    "garage": N_("garaż"),
}
TENURE_NAMES = {
    "municipal_rent": N_("najem komunalny"),
    "social": N_("najem socjalny"),
    "tbs": N_("najem TBS"),
    "coop_right": N_("spółdzielcze prawo do lokalu"),
    "ownership": N_("własność"),
}
BASIS_UNITS = {
    "m2": "m²",
    "person": N_("os."),
    "piece": N_("szt."),
    "flat": N_("lokal"),
    "m3": "m³",
    "gj": "GJ",
}


def balance_word(balance: Decimal) -> str:
    """Return 'nadpłata', 'do zapłaty' or 'saldo zerowe' for a balance in the resident's sign.

    A negative balance is not called arrears: part of it may not be due yet (Summary.state tells).
    """
    if balance > 0:
        return _("nadpłata")
    if balance < 0:
        return _("do zapłaty")
    return _("saldo zerowe")


def address(row: dict[str, Any]) -> str:
    """Return 'ul. Lipowa 7/12, 00-001 Miasto' from a row with the premises address columns."""
    unit = f"/{row['unit_no']}" if row.get("unit_no") else ""
    return f"{row['street']} {row['building_no']}{unit}, {row['postcode']} {row['city']}"


# --- balance, overdue, next due -------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """What one premises owes or has overpaid, as of a day."""

    premises_id: str
    address: str
    kind: str
    debits: Decimal  # zł charged in total
    credits: Decimal  # zł paid or credited in total
    balance: Decimal  # zł, > 0 overpayment, < 0 arrears
    overdue: Decimal  # zł unpaid after the due date
    next_due: dt.date | None  # the nearest due date not yet passed with something unpaid
    next_due_amount: Decimal  # zł unpaid due on next_due
    open_total: Decimal  # zł unpaid of every issued item (overdue + not yet due)

    @property
    def state(self) -> str:
        """The account in the words of Polish e-BOKs: what is overdue, due by a date, or overpaid.

        A charge not yet due is never called arrears (zaległość): only what is past its due date is.
        """
        if self.overdue > 0:
            return _("zaległość po terminie")
        if self.next_due is not None:
            return _("do zapłaty do {date}").format(date=fmt.date(self.next_due))
        if self.balance > 0:
            return _("nadpłata")
        return _("rozliczone")

    @property
    def not_due(self) -> Decimal:
        """Zł unpaid whose due date has not passed yet (due by next_due or later)."""
        return self.open_total - self.overdue

    @property
    def due_later(self) -> Decimal:
        """Zł unpaid due after next_due (later instalments, settlements)."""
        return self.not_due - self.next_due_amount

    @property
    def to_pay(self) -> Decimal:
        """Zł to transfer now: every unpaid issued item (overdue + due), 0 when overpaid."""
        return max(ZERO, self.open_total)


@dataclass(frozen=True)
class Figure:
    """One amount of the account summary with its Polish label and an explanation."""

    label: str
    amount: Decimal  # zł
    help: str


def summary_figures(s: Summary) -> list[Figure]:
    """Return the Saldo page's amounts: overdue, due by the next date, due later, overpaid or total."""
    out = [
        Figure(_("Zaległość po terminie"), s.overdue, _("Należności, których termin płatności już minął."))
    ]
    if s.next_due is not None:
        out.append(
            Figure(
                _("Do zapłaty do {date}").format(date=fmt.date(s.next_due)),
                s.next_due_amount,
                _("Należności z najbliższym terminem płatności: to jeszcze nie zaległość."),
            )
        )
    else:
        out.append(Figure(_("Do zapłaty w terminie"), ZERO, _("Nie ma należności przed terminem płatności.")))
    if s.due_later > 0:
        out.append(
            Figure(
                _("Do zapłaty w kolejnych terminach"),
                s.due_later,
                _("Należności z późniejszymi terminami."),
            )
        )
    if s.balance > 0:
        out.append(Figure(_("Nadpłata"), s.balance, _("Zostanie zaliczona na kolejne opłaty.")))
    else:
        out.append(
            Figure(
                _("Razem do zapłaty"),
                s.to_pay,
                _("Zaległość po terminie i należności przed terminem płatności."),
            )
        )
    return out


def summaries(premises_ids: Sequence[str], today: dt.date) -> list[Summary]:
    """Return the money summary of each premises in PREMISES_IDS, ordered by premises id."""
    out = []
    for pid in sorted(set(premises_ids)):
        row = warehouse.one("finance_premises_address", premises_id=pid)
        if row is not None:
            out.append(summary_from(row, history(pid), today))
    return out


def summary_from(premises_row: dict[str, Any], entries: Sequence[Entry], today: dt.date) -> Summary:
    """Return the money summary of one premises from its address row and its whole ledger.

    The arithmetic of v_premises_balance and v_open_items, done on the premises' own entries: one
    point query of the sorted ledger instead of the views' windows (which cost 13-25 ms a premises
    at 100 000 premises); tests/unit/test_finance_fifo.py checks both agree on every demo premises.
    """
    return Summary(
        premises_id=premises_row["premises_id"],
        address=address(premises_row),
        kind=premises_row["kind"],
        **money_fields(entries, today),
    )


def money_fields(entries: Sequence[Entry], today: dt.date) -> dict[str, Any]:
    """Return a Summary's amounts (every field but the premises' identity) from its whole ledger."""
    unpaid_items = [i for i in open_items_from(entries) if i.remaining > 0]
    upcoming = [i for i in unpaid_items if i.due_date >= today]
    next_due = min((i.due_date for i in upcoming), default=None)
    debits = sum((e.charge for e in entries), ZERO)
    credits = sum((e.payment for e in entries), ZERO)
    return {
        "debits": debits,
        "credits": credits,
        "balance": credits - debits,
        "overdue": sum((i.remaining for i in unpaid_items if i.due_date < today), ZERO),
        "next_due": next_due,
        "next_due_amount": sum((i.remaining for i in upcoming if i.due_date == next_due), ZERO),
        "open_total": sum((i.remaining for i in unpaid_items), ZERO),
    }


def summary(premises_id: str, today: dt.date) -> Summary | None:
    """Return the money summary of one premises, or None when the warehouse lacks it."""
    found = summaries([premises_id], today)
    return found[0] if found else None


# --- account history -------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One ledger entry with the balance after it."""

    entry_id: str
    kind: str
    entry_date: dt.date
    due_date: dt.date | None
    document_no: str | None
    description: str
    amount: Decimal  # zł, > 0 charge, < 0 payment or credit
    balance_after: Decimal  # zł, resident's sign

    @property
    def kind_name(self) -> str:
        """Name of the entry's kind in the language of this run."""
        return _(KIND_NAMES.get(self.kind, self.kind))

    @property
    def charge(self) -> Decimal:
        """Zł this entry adds to what is owed (0 for a payment)."""
        return self.amount if self.amount > 0 else ZERO

    @property
    def payment(self) -> Decimal:
        """Zł this entry pays or credits (0 for a charge), positive."""
        return -self.amount if self.amount < 0 else ZERO


def history(premises_id: str) -> list[Entry]:
    """Return every ledger entry of the premises, oldest first, with the running balance."""
    rows = sorted(
        warehouse.rows("finance_history", premises_id=premises_id),
        key=lambda r: (r["entry_date"], r["entry_id"]),
    )
    out = []
    balance = ZERO
    for r in rows:
        balance -= r["amount"]  # resident's sign: a charge lowers the balance, a payment raises it
        out.append(Entry(**r, balance_after=balance))
    return out


def filter_history(
    entries: Iterable[Entry],
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    kinds: Iterable[str] | None = None,
) -> list[Entry]:
    """Return the entries within [DATE_FROM, DATE_TO] whose kind is in KINDS (None = all)."""
    wanted = set(kinds) if kinds is not None else None
    return [
        e
        for e in entries
        if (date_from is None or e.entry_date >= date_from)
        and (date_to is None or e.entry_date <= date_to)
        and (wanted is None or e.kind in wanted)
    ]


def balance_before(entries: Sequence[Entry], day: dt.date) -> Decimal:
    """Return the balance at the start of DAY from the full, ordered history."""
    balance = ZERO
    for e in entries:
        if e.entry_date >= day:
            break
        balance = e.balance_after
    return balance


def balance_on(entries: Sequence[Entry], day: dt.date) -> Decimal:
    """Return the balance at the end of DAY from the full, ordered history."""
    return balance_before(entries, day + dt.timedelta(days=1))


@dataclass(frozen=True)
class MonthGroup:
    """The entries of one month with its totals."""

    month: dt.date  # first day of the month
    entries: tuple[Entry, ...]
    charges: Decimal  # zł charged in the month (shown entries only)
    payments: Decimal  # zł paid or credited in the month (shown entries only)
    closing_balance: Decimal  # zł balance after the month's last entry (whole account)

    @property
    def title(self) -> str:
        """'listopad 2026'."""
        return fmt.month(self.month)


def by_month(entries: Sequence[Entry], newest_first: bool = True) -> list[MonthGroup]:
    """Group ENTRIES (ordered oldest first) by month of entry_date."""
    groups: dict[dt.date, list[Entry]] = {}
    for e in entries:
        groups.setdefault(e.entry_date.replace(day=1), []).append(e)
    out = [
        MonthGroup(
            month=m,
            entries=tuple(reversed(es)) if newest_first else tuple(es),
            charges=sum((e.charge for e in es), ZERO),
            payments=sum((e.payment for e in es), ZERO),
            closing_balance=es[-1].balance_after,
        )
        for m, es in groups.items()
    ]
    out.sort(key=lambda g: g.month, reverse=newest_first)
    return out


def history_rows(entries: Iterable[Entry]) -> list[dict[str, str]]:
    """Return display rows (Polish column names, formatted values) for a table of entries."""
    return [
        {
            N_("Data"): fmt.date(e.entry_date),
            N_("Naliczenie"): fmt.money(e.charge) if e.charge else "",
            N_("Wpłata"): fmt.money(e.payment) if e.payment else "",
            N_("Saldo po"): fmt.money(e.balance_after),
            N_("Rodzaj"): e.kind_name,
            N_("Opis"): e.description,
            N_("Dokument"): e.document_no or "",
        }
        for e in entries
    ]


# --- open items and payment calendar ----------------------------------------------------------


@dataclass(frozen=True)
class OpenItem:
    """A charge or invoice with what remains of it after FIFO allocation of payments."""

    entry_id: str
    kind: str
    entry_date: dt.date
    due_date: dt.date
    document_no: str | None
    description: str
    amount: Decimal  # zł charged
    remaining: Decimal  # zł still unpaid

    def status(self, today: dt.date) -> str:
        """'zapłacone', 'częściowo zapłacone', 'po terminie' or 'do zapłaty'."""
        if self.remaining <= 0:
            return _("zapłacone")
        if self.due_date < today:
            return _("po terminie")
        if self.remaining < self.amount:
            return _("częściowo zapłacone")
        return _("do zapłaty")


def open_items(premises_id: str) -> list[OpenItem]:
    """Return every charge of the premises with its remaining amount, by due date."""
    return open_items_from(history(premises_id))


def open_items_from(entries: Iterable[Entry]) -> list[OpenItem]:
    """Allocate payments and credits to the charges with the oldest due date first (FIFO), by due date.

    The arithmetic of the analysts' view v_open_items: a charge without a due date is due on its
    entry date; what remains of a charge is its amount minus what the payments left after every
    earlier-due charge, never below 0 nor above the amount.
    """
    entries = list(entries)
    paid = sum((e.payment for e in entries), ZERO)
    debits = sorted(
        (e for e in entries if e.amount > 0),
        key=lambda e: (e.due_date or e.entry_date, e.entry_date, e.entry_id),
    )
    out = []
    cumulative = ZERO
    for e in debits:
        cumulative += e.amount
        out.append(
            OpenItem(
                entry_id=e.entry_id,
                kind=e.kind,
                entry_date=e.entry_date,
                due_date=e.due_date or e.entry_date,
                document_no=e.document_no,
                description=e.description,
                amount=e.amount,
                remaining=max(ZERO, min(e.amount, cumulative - paid)),
            )
        )
    return out


def items_rows(
    items: Iterable[OpenItem], today: dt.date, pdfs: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """Return display rows for a table of charges and invoices, amounts first.

    PDFS maps a document number to the link of its PDF (the premises' own documents only); when
    given, every row has a 'PDF' column, empty for an item without a file.
    """
    rows = []
    for i in items:
        row = {
            N_("Termin"): fmt.date(i.due_date),
            N_("Pozostało"): fmt.money(i.remaining),
            N_("Kwota"): fmt.money(i.amount),
            N_("Status"): i.status(today),
            N_("Dokument"): i.document_no or "",
            N_("Opis"): i.description,
            N_("Wystawiono"): fmt.date(i.entry_date),
        }
        if pdfs:
            row["PDF"] = pdfs.get(i.document_no or "", "")
        rows.append(row)
    return rows


@dataclass(frozen=True)
class DueDay:
    """What remains to pay on one due date."""

    due_date: dt.date
    amount: Decimal  # zł remaining, sum of the items
    overdue: bool
    items: tuple[OpenItem, ...] = field(default=())


def payment_calendar(items: Iterable[OpenItem], today: dt.date) -> list[DueDay]:
    """Return the unpaid amounts per due date, oldest first (overdue ones flagged)."""
    days: dict[dt.date, list[OpenItem]] = {}
    for i in items:
        if i.remaining > 0:
            days.setdefault(i.due_date, []).append(i)
    return [
        DueDay(d, sum((i.remaining for i in its), ZERO), d < today, tuple(its))
        for d, its in sorted(days.items())
    ]


def month_grid(year: int, month: int, calendar_days: Iterable[DueDay]) -> list[list[str]]:
    """Return weeks (Mon–Sun) of MONTH as cell texts: day number plus the amount due that day."""
    import calendar

    due = {d.due_date: d for d in calendar_days}
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = []
        for day in week:
            if day.month != month:
                cells.append("")
            elif day in due:
                mark = " ⚠" if due[day].overdue else ""
                cells.append(f"{day.day}: {fmt.money(due[day].amount)}{mark}")
            else:
                cells.append(str(day.day))
        weeks.append(cells)
    return weeks


WEEKDAYS = (N_("Pn"), N_("Wt"), N_("Śr"), N_("Cz"), N_("Pt"), N_("So"), N_("Nd"))


# --- premises data and charge components ------------------------------------------------------


@dataclass(frozen=True)
class PremisesInfo:
    """A premises with its customer, address, bank account and charge parameters."""

    premises_id: str
    customer_id: str
    customer_name: str
    email: str | None
    phone: str | None
    nip: str | None
    building_id: str
    street: str
    building_no: str
    unit_no: str | None
    postcode: str
    city: str
    kind: str
    tenure: str
    area_m2: Decimal
    persons: int
    storage_m2: Decimal | None
    community_id: str | None
    share: Decimal | None
    bank_account: str
    meters: int  # meters installed and not removed on the day asked

    @property
    def address(self) -> str:
        """Full postal address."""
        return address(self.__dict__)

    @property
    def kind_name(self) -> str:
        """Name of the premises kind in the language of this run."""
        return _(PREMISES_KIND_NAMES.get(self.kind, self.kind))

    @property
    def tenure_name(self) -> str:
        """Name of the legal title in the language of this run."""
        return _(TENURE_NAMES.get(self.tenure, self.tenure))


def premises_info(premises_id: str, today: dt.date) -> PremisesInfo | None:
    """Return the premises' data (None when the warehouse lacks it)."""
    row = warehouse.one("finance_premises", premises_id=premises_id, today=today)
    return PremisesInfo(**row) if row else None


@dataclass(frozen=True)
class Component:
    """One component of the monthly fee in one period."""

    period: dt.date
    component: str
    component_name: str
    basis: str
    quantity: Decimal
    rate: Decimal  # zł per basis unit
    amount: Decimal  # zł

    @property
    def unit(self) -> str:
        """Display unit of the basis (m², os., szt. …)."""
        return _(BASIS_UNITS.get(self.basis, self.basis))


@dataclass(frozen=True)
class Account:
    """A premises' data and its whole ledger, oldest entry first: what most resident pages start from."""

    info: PremisesInfo
    entries: tuple[Entry, ...]

    def summary(self, today: dt.date) -> Summary:
        """The money summary as of TODAY (as summary(), without reading again)."""
        return summary_from(vars(self.info), self.entries, today)


def account(premises_id: str, today: dt.date) -> Account | None:
    """Return the premises' data (as of TODAY) and whole ledger, or None when the warehouse lacks it."""
    info = premises_info(premises_id, today)
    return Account(info, tuple(history(premises_id))) if info else None


def charge_components(premises_id: str) -> list[Component]:
    """Return every fee component of the premises, oldest period first."""
    rows = warehouse.rows("finance_charges", premises_id=premises_id)
    return [Component(**r) for r in sorted(rows, key=lambda r: (r["period"], r["component"]))]


def latest_components(components: Sequence[Component]) -> list[Component]:
    """Return the components of the latest period only."""
    if not components:
        return []
    last = max(c.period for c in components)
    return [c for c in components if c.period == last]


def components_rows(components: Iterable[Component]) -> list[dict[str, str]]:
    """Return display rows for a table of fee components."""
    return [
        {
            N_("Składnik"): c.component_name,
            N_("Podstawa"): f"{fmt.number(c.quantity, 2)} {c.unit}",
            N_("Stawka"): f"{fmt.number(c.rate, 2)} zł/{c.unit}",
            N_("Kwota"): fmt.money(c.amount),
        }
        for c in components
    ]


def monthly_fee(components: Iterable[Component]) -> dict[dt.date, Decimal]:
    """Return the total fee per period (zł)."""
    out: dict[dt.date, Decimal] = {}
    for c in components:
        out[c.period] = out.get(c.period, ZERO) + c.amount
    return dict(sorted(out.items()))


# --- media settlements (issue 3 §13) ------------------------------------------------------------


@dataclass(frozen=True)
class Settlement:
    """One media settlement: advances charged vs the actual cost."""

    settlement_id: str
    medium: str
    period_from: dt.date
    period_to: dt.date
    advances: Decimal  # zł
    consumption: Decimal  # in unit
    unit: str
    cost: Decimal  # zł
    result: Decimal  # zł advances - cost: > 0 overpayment, < 0 underpayment
    document_id: str | None
    document_title: str | None

    @property
    def medium_name(self) -> str:
        """Name of the medium in the language of this run."""
        return _(MEDIUM_NAMES.get(self.medium, self.medium))

    @property
    def result_word(self) -> str:
        """'nadpłata', 'niedopłata' or 'rozliczone na zero'."""
        if self.result > 0:
            return _("nadpłata")
        if self.result < 0:
            return _("niedopłata")
        return _("rozliczone na zero")


def settlements(premises_id: str) -> list[Settlement]:
    """Return the media settlements of the premises, newest period first."""
    return [Settlement(**r) for r in warehouse.rows("finance_settlements", premises_id=premises_id)]


def settlements_rows(items: Iterable[Settlement]) -> list[dict[str, str]]:
    """Return display rows for a table of settlements."""
    return [
        {
            _("Okres"): f"{fmt.date(s.period_from)} – {fmt.date(s.period_to)}",
            _("Medium"): s.medium_name,
            _("Zaliczki"): fmt.money(s.advances),
            _("Zużycie"): f"{fmt.number(s.consumption, 3)} {UNIT_NAMES.get(s.unit, s.unit)}",
            _("Koszt"): fmt.money(s.cost),
            _("Wynik"): f"{s.result_word} {fmt.money(abs(s.result))}",
            _("Dokument"): s.document_title or "",
        }
        for s in items
    ]


# --- submissions waiting for the nightly booking ----------------------------------------------


@dataclass(frozen=True)
class PendingReading:
    """A meter reading a resident submitted that the nightly load has not booked yet."""

    submission_id: str
    meter_id: str
    reading_date: dt.datetime
    value: Decimal
    submitted_at: dt.datetime


# Built once: Saldo and Media run it on every rerun (building it each time cost more than the query).
_SUBMISSIONS = (
    select(t.c.submission_id, t.c.meter_id, t.c.reading_date, t.c.value, t.c.submitted_at)
    .where(t.c.premises_id == bindparam("premises_id"))
    .order_by(t.c.submitted_at.desc(), t.c.submission_id)
)


def pending_submissions(
    premises_id: str, booked: set[str] | frozenset[str] | None = None
) -> list[PendingReading]:
    """Return the premises' submissions (store) whose id the warehouse readings do not have yet.

    BOOKED: the warehouse's booked submission ids when the caller has them cached; else they are
    read through ebok.domain.meters.booked_submission_ids, and only when the store has submissions.
    """
    with store.engine().connect() as con:
        rows = [PendingReading(**r._mapping) for r in con.execute(_SUBMISSIONS, {"premises_id": premises_id})]
    if not rows:
        return []
    if booked is None:
        booked = meters.booked_submission_ids(premises_id)
    return [r for r in rows if r.submission_id not in booked]


def summaries_rows(items: Iterable[Summary]) -> list[dict[str, str]]:
    """Return display rows for a table of the user's premises and their balances."""
    return [
        {
            N_("Lokal"): s.premises_id,
            N_("Saldo"): fmt.money(abs(s.balance)),
            N_("Po terminie"): fmt.money(s.overdue),
            N_("Stan"): s.state,
            N_("Najbliższy termin"): fmt.date(s.next_due),
            N_("Adres"): s.address,
        }
        for s in items
    ]


def pending_rows(items: Iterable[PendingReading]) -> list[dict[str, str]]:
    """Return display rows for submissions waiting for the nightly booking (meters by name, not id)."""
    items = list(items)
    names = meters.office_meter_names(s.meter_id for s in items)
    return [
        {
            _("Licznik"): names.get(s.meter_id, _("licznik usunięty z ewidencji lokalu")),
            _("Data odczytu"): fmt.date(s.reading_date.date()),
            pgettext("licznik", "Stan"): fmt.number(s.value, 3),
            _("Przyjęto"): fmt.datetime(s.submitted_at),
        }
        for s in items
    ]


def month_grid_rows(year: int, month: int, calendar_days: Iterable[DueDay]) -> list[dict[str, str]]:
    """Return the month grid as table rows keyed by weekday abbreviations in the run's language."""
    days = [_(d) for d in WEEKDAYS]
    return [dict(zip(days, week, strict=True)) for week in month_grid(year, month, calendar_days)]


def calendar_rows(calendar_days: Iterable[DueDay]) -> list[dict[str, str]]:
    """Return display rows: due date, amount, status and the documents due that day."""
    return [
        {
            N_("Termin"): fmt.date(d.due_date),
            N_("Kwota"): fmt.money(d.amount),
            N_("Status"): _("po terminie") if d.overdue else _("do zapłaty"),
            N_("Dotyczy"): ", ".join(i.document_no or i.description for i in d.items),
        }
        for d in calendar_days
    ]


def calendar_totals(calendar_days: Iterable[DueDay]) -> tuple[Decimal, Decimal]:
    """Return (overdue, not yet due) zł of a payment calendar."""
    overdue = upcoming = ZERO
    for d in calendar_days:
        if d.overdue:
            overdue += d.amount
        else:
            upcoming += d.amount
    return overdue, upcoming


@dataclass(frozen=True)
class PeriodTotals:
    """Balances around a period and the totals of the entries shown."""

    opening: Decimal  # zł at the start of the period (whole account)
    charges: Decimal  # zł charged in the shown entries
    payments: Decimal  # zł paid or credited in the shown entries
    closing: Decimal  # zł at the end of the period (whole account)


def period_totals(
    full: Sequence[Entry], shown: Iterable[Entry], date_from: dt.date, date_to: dt.date
) -> PeriodTotals:
    """Return the opening/closing balance of the period (from FULL) and the totals of SHOWN."""
    shown = list(shown)
    return PeriodTotals(
        opening=balance_before(full, date_from),
        charges=sum((e.charge for e in shown), ZERO),
        payments=sum((e.payment for e in shown), ZERO),
        closing=balance_on(full, date_to),
    )


def unpaid(items: Iterable[OpenItem]) -> list[OpenItem]:
    """Return the items with something left to pay, oldest due date first."""
    return [i for i in items if i.remaining > 0]


def newest_first(items: Sequence[OpenItem]) -> list[OpenItem]:
    """Return the items newest due date first."""
    return list(reversed(items))


def customer_rows(info: PremisesInfo) -> list[dict[str, str]]:
    """Return 'Pole'/'Wartość' rows describing the customer."""
    rows = [
        (_("Symbol klienta"), info.customer_id),
        (_("Nazwa"), info.customer_name),
        (_("NIP"), info.nip or ""),
        (_("E-mail w systemie księgowym"), info.email or ""),
        (_("Telefon"), info.phone or ""),
    ]
    return [{_("Pole"): k, _("Wartość"): v} for k, v in rows if v]


def premises_rows(info: PremisesInfo) -> list[dict[str, str]]:
    """Return 'Pole'/'Wartość' rows describing the premises and its charge parameters."""
    rows = [
        (_("Adres"), info.address),
        (_("Rodzaj lokalu"), info.kind_name),
        (_("Tytuł prawny"), info.tenure_name),
        (_("Rachunek do wpłat"), fmt.nrb(info.bank_account)),
        (_("Powierzchnia użytkowa"), f"{fmt.number(info.area_m2, 2)} m²"),
        (_("Liczba osób"), str(info.persons)),
        (_("Liczba liczników"), str(info.meters)),
        (
            _("Powierzchnia komórki lokatorskiej"),
            f"{fmt.number(info.storage_m2, 2)} m²" if info.storage_m2 else "",
        ),
        (
            _("Udział w nieruchomości wspólnej"),
            fmt.number(info.share, 4) if info.share is not None else "",
        ),
    ]
    return [{_("Pole"): k, _("Wartość"): v} for k, v in rows if v]


def frame(rows: list[dict[str, str]]) -> Any:
    """Return display rows as an Arrow table: st.dataframe sends it without a pandas conversion."""
    import pyarrow as pa

    return pa.Table.from_pylist(rows)


def history_bounds(entries: Sequence[Entry]) -> tuple[dt.date, dt.date] | None:
    """Return the first and last entry date, or None for an empty history."""
    return (entries[0].entry_date, entries[-1].entry_date) if entries else None


def months_back(day: dt.date, months: int) -> dt.date:
    """Return the first day of the month MONTHS before DAY's month."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_label(group: MonthGroup) -> str:
    """Return the expander label of a month: name, charges, payments, balance after it."""
    return _("{month} — naliczenia {charges}, wpłaty {payments}, saldo po miesiącu {balance}").format(
        month=group.title,
        charges=fmt.money(group.charges),
        payments=fmt.money(group.payments),
        balance=fmt.money(group.closing_balance),
    )


def calendar_months(calendar_days: Iterable[DueDay], today: dt.date) -> list[dt.date]:
    """Return the months (first days) with something due, plus the current month, in order."""
    return sorted({d.due_date.replace(day=1) for d in calendar_days} | {today.replace(day=1)})


def settlement_text(s: Settlement) -> str:
    """Return one settlement in a sentence (Markdown, bold result)."""
    return _(
        "**{medium}, {date_from} – {date_to}**: zaliczki {advances}, zużycie {consumption} {unit}, "
        "koszt {cost}, {result} **{amount}**"
    ).format(
        medium=s.medium_name.capitalize(),
        date_from=fmt.date(s.period_from),
        date_to=fmt.date(s.period_to),
        advances=fmt.money(s.advances),
        consumption=fmt.number(s.consumption, 3),
        unit=UNIT_NAMES.get(s.unit, s.unit),
        cost=fmt.money(s.cost),
        result=s.result_word,
        amount=fmt.money(abs(s.result)),
    )
