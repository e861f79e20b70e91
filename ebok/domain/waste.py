"""Waste collection: the customer's points, the schedule per fraction, the next collection and the fee."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from ebok.core import fmt
from ebok.core.i18n import N_, _, ngettext
from ebok.storage import warehouse

FRACTION_NAMES = {
    "mixed": N_("zmieszane"),
    "paper": N_("papier"),
    "glass": N_("szkło"),
    "metals_plastics": N_("metale i tworzywa sztuczne"),
    "bio": N_("bio"),
}
# What each calendar entry and table row says: the fraction in words. Colour emoji alone showed as
# empty boxes where no emoji font exists, and colour alone fails WCAG 1.4.1 (use of colour).
FRACTION_LABELS = {
    "mixed": N_("Zmieszane"),
    "paper": N_("Papier"),
    "glass": N_("Szkło"),
    "metals_plastics": N_("Metale i tworzywa"),
    "bio": N_("Bio"),
}
BIN_COLOUR_NAMES = {  # the usual Polish bin colours, in words: residents look for the bin by them
    "mixed": N_("czarny"),
    "paper": N_("niebieski"),
    "glass": N_("zielony"),
    "metals_plastics": N_("żółty"),
    "bio": N_("brązowy"),
}
FRACTION_COLOURS = {  # the same colours for a chart or badge, always beside the name
    "mixed": "#4a4a4a",
    "paper": "#1f5fbf",
    "glass": "#2e8b3a",
    "metals_plastics": "#e0b000",
    "bio": "#7a4a1e",
}
WEEKDAYS = (N_("Pn"), N_("Wt"), N_("Śr"), N_("Cz"), N_("Pt"), N_("So"), N_("Nd"))
_CONTAINER_RE = re.compile(r"(\d+)\s*[x×*]", re.IGNORECASE)


def fraction_name(code: str) -> str:
    """Return the fraction's name within a sentence: 'metale i tworzywa sztuczne' (the run's language)."""
    return _(FRACTION_NAMES.get(code, code))


def fraction_label(code: str) -> str:
    """Return the fraction's short name for a calendar entry or a table: 'Metale i tworzywa'."""
    return _(FRACTION_LABELS.get(code, code))


def container_count(containers: str | None) -> int:
    """Return the number of containers in '2 x 120 l zmieszane; 1 x 240 l bio' (3)."""
    if not containers:
        return 0
    found = _CONTAINER_RE.findall(containers)
    if found:
        return sum(int(n) for n in found)
    return len([part for part in containers.split(";") if part.strip()])  # one container per item


@dataclass(frozen=True)
class WastePoint:
    """A collection point with the basis of its monthly waste fee."""

    point_id: str
    premises_id: str
    address: str
    route_id: str
    containers: str
    fee_basis: str  # persons or containers
    declared_persons: int | None
    rate: Decimal

    @property
    def quantity(self) -> int:
        """Return the fee's quantity: declared persons or the number of containers."""
        if self.fee_basis == "persons":
            return int(self.declared_persons or 0)
        return container_count(self.containers)

    @property
    def monthly_fee(self) -> Decimal:
        """Return the monthly fee in zł: quantity × rate."""
        return (Decimal(self.quantity) * Decimal(self.rate)).quantize(Decimal("0.01"))

    def basis_text(self) -> str:
        """Return the basis in words: '3 osoby × 32,00 zł' or '3 pojemniki × 45,00 zł'."""
        q = self.quantity
        if self.fee_basis == "persons":
            text = ngettext(
                "Liczba osób z deklaracji: {n} osoba × {rate} = {fee} miesięcznie",
                "Liczba osób z deklaracji: {n} osoby × {rate} = {fee} miesięcznie",
                q,
            )
        else:
            text = ngettext(
                "Liczba pojemników: {n} pojemnik × {rate} = {fee} miesięcznie",
                "Liczba pojemników: {n} pojemniki × {rate} = {fee} miesięcznie",
                q,
            )
        return text.format(n=q, rate=fmt.money(self.rate), fee=fmt.money(self.monthly_fee))


def points(premises_id: str) -> list[WastePoint]:
    """Return the premises' waste collection points."""
    return [WastePoint(**r) for r in warehouse.rows("waste_points", premises_id=premises_id)]


def monthly_fee(premises_id: str) -> Decimal:
    """Return the premises' total monthly waste fee in zł."""
    return sum((p.monthly_fee for p in points(premises_id)), Decimal("0.00"))


def schedule(premises_id: str, date_from: dt.date, date_to: dt.date) -> dict[dt.date, tuple[str, ...]]:
    """Return {collection day: fractions collected} for the premises' routes between two dates."""
    out: dict[dt.date, list[str]] = {}
    for r in warehouse.rows("waste_schedule", premises_id=premises_id, date_from=date_from, date_to=date_to):
        fractions = out.setdefault(r["collection_date"], [])
        if r["fraction"] not in fractions:
            fractions.append(r["fraction"])
    return {day: tuple(sorted(f, key=list(FRACTION_NAMES).index)) for day, f in out.items()}


def schedule_by_fraction(premises_id: str, date_from: dt.date, date_to: dt.date) -> dict[str, list[dt.date]]:
    """Return {fraction: [days]} in the fixed order zmieszane, papier, szkło, metale, bio."""
    days = schedule(premises_id, date_from, date_to)
    out: dict[str, list[dt.date]] = {f: [] for f in FRACTION_NAMES}
    for day in sorted(days):
        for f in days[day]:
            out[f].append(day)
    return {f: d for f, d in out.items() if d}


@dataclass(frozen=True)
class NextCollection:
    """The next collection day and what is collected."""

    date: dt.date
    fractions: tuple[str, ...]
    addresses: tuple[str, ...]

    @property
    def fraction_names(self) -> tuple[str, ...]:
        """Return the fractions' names in the language of this run."""
        return tuple(fraction_name(f) for f in self.fractions)

    def text(self, today: dt.date | None = None) -> str:
        """Return 'Najbliższy wywóz: 24.11.2026 (za 3 dni): papier, szkło'."""
        values = {"date": fmt.date(self.date), "fractions": ", ".join(self.fraction_names)}
        if today is None:
            return _("Najbliższy wywóz: {date}: {fractions}").format(**values)
        days = (self.date - today).days
        if days == 0:
            return _("Najbliższy wywóz: {date} (dziś): {fractions}").format(**values)
        if days == 1:
            return _("Najbliższy wywóz: {date} (jutro): {fractions}").format(**values)
        return ngettext(
            "Najbliższy wywóz: {date} (za {n} dzień): {fractions}",
            "Najbliższy wywóz: {date} (za {n} dni): {fractions}",
            days,
        ).format(n=days, **values)


def next_collection(premises_id: str, today: dt.date) -> NextCollection | None:
    """Return the next collection on or after TODAY for the premises' points, or None."""
    rows = warehouse.rows("waste_next", premises_id=premises_id, today=today)
    if not rows:
        return None
    r = rows[0]
    fractions = tuple(sorted(r["fractions"], key=list(FRACTION_NAMES).index))
    return NextCollection(r["collection_date"], fractions, tuple(r["addresses"]))


def month_calendar(
    premises_id: str, year: int, month: int
) -> list[list[tuple[dt.date | None, tuple[str, ...]]]]:
    """Return the month as weeks (Monday first) of (day or None, fractions collected that day)."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    days = schedule(premises_id, first, last)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([(d, days.get(d, ())) if d.month == month else (None, ()) for d in week])
    return weeks


def day_entry(day: dt.date, fractions: tuple[str, ...]) -> str:
    """Return one calendar cell: '24: Papier, Szkło' on a collection day, else just '24'."""
    if not fractions:
        return str(day.day)
    return f"{day.day}: {', '.join(fraction_label(f) for f in fractions)}"


def calendar_table(premises_id: str, year: int, month: int) -> list[dict[str, str]]:
    """Return the month calendar as rows {Pn: '24: Papier, Szkło', …} for a table on the page."""
    names = [_(d) for d in WEEKDAYS]
    return [
        {
            name: day_entry(day, fractions) if day else ""
            for name, (day, fractions) in zip(names, week, strict=True)
        }
        for week in month_calendar(premises_id, year, month)
    ]


def legend() -> list[tuple[str, str, str]]:
    """Return (name, bin colour in words, colour code) per fraction for the calendar's legend."""
    return [(_(FRACTION_LABELS[f]), _(BIN_COLOUR_NAMES[f]), FRACTION_COLOURS[f]) for f in FRACTION_NAMES]


def legend_text() -> str:
    """Return the legend in words: 'Kolory pojemników: Zmieszane – czarny · Papier – niebieski · …'."""
    colours = " · ".join(f"{name} – {colour}" for name, colour, _code in legend())
    return _("Kolory pojemników: {colours}").format(colours=colours)


def next_months(today: dt.date, count: int = 3) -> list[dt.date]:
    """Return the first days of this and the following months (COUNT in all)."""
    out = []
    year, month = today.year, today.month
    for _unused in range(count):
        out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def fraction_rows(premises_id: str, month: dt.date) -> list[dict[str, str]]:
    """Return one row per fraction with its collection days in MONTH, for a table."""
    date_from = month.replace(day=1)
    date_to = date_from.replace(day=calendar.monthrange(month.year, month.month)[1])
    return [
        {
            _("Frakcja"): fraction_label(f),
            _("Pojemnik"): _(BIN_COLOUR_NAMES[f]),
            _("Terminy odbioru"): ", ".join(fmt.date(d)[:5] for d in days),
            _("Liczba odbiorów"): str(len(days)),
        }
        for f, days in schedule_by_fraction(premises_id, date_from, date_to).items()
    ]
