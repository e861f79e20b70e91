"""Meters and readings: meters per premises, booked readings, consumption and reading submissions.

Resident functions take a premises_id already checked by the login guard. Booked data come
from the nightly warehouse; submissions go to the operational store (reading_submissions) and
become booked once the nightly load brings a reading with the same submission_id.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ebok.core import config, fmt, uploads
from ebok.core.clock import local_now  # noqa: F401 - meters.local_now for the pages
from ebok.core.contract import MEDIUM_NAMES, UNIT_NAMES
from ebok.core.errors import FormError, Problem, Problems
from ebok.core.i18n import N_, _, ngettext, pgettext
from ebok.storage import audit, decimals, store, warehouse
from ebok.storage.tables import reading_submissions

SOURCE_NAMES = {
    "collector": N_("inkasent"),
    "radio": N_("odczyt radiowy"),
    "resident": N_("mieszkaniec (e-BOK)"),
    "estimate": N_("szacunek"),
}
# msgids: shown with _() (a Submission's status is one of these two).
STATUS_PENDING = N_("przyjęty, oczekuje na zaksięgowanie")
STATUS_BOOKED = N_("zaksięgowany")
CONFIRM_LABEL = N_("Potwierdzam, że stan jest prawidłowy")


# --- policy (office config) ---


@dataclass(frozen=True)
class MeterPolicy:
    """The office's rules for submissions: window, legalisation warning and plausibility."""

    window: config.ReadingWindow = field(default_factory=config.ReadingWindow)
    legalisation_warning_days: int = 90
    implausible_factor: float = 3.0

    def window_open(self, today: dt.date) -> bool:
        """Return True if TODAY is inside the monthly submission window (it may wrap month end)."""
        return self.window.is_open(today)

    def window_text(self) -> str:
        """Return the window in words for the resident."""
        return _("Odczyty przyjmujemy {window}.").format(window=self.window.describe())


def policy() -> MeterPolicy:
    """Return the policy from the office config (ebok.core.config)."""
    cfg = config.load()
    return MeterPolicy(
        window=cfg.reading_window,
        legalisation_warning_days=cfg.meters.legalisation_warning_days,
        implausible_factor=cfg.meters.implausible_factor,
    )


# --- meters and booked readings ---


@dataclass(frozen=True)
class Meter:
    """One meter of a premises, with its last booked state."""

    meter_id: str
    medium: str
    serial_no: str
    unit: str
    installed_on: dt.date
    removed_on: dt.date | None
    legalisation_until: dt.date | None
    initial_value: Decimal
    last_value: Decimal | None
    last_date: dt.date | None
    legalisation_warning: bool = False

    @property
    def medium_name(self) -> str:
        """Return the medium's name in the language of this run."""
        return _(MEDIUM_NAMES.get(self.medium, self.medium))

    @property
    def unit_name(self) -> str:
        """Return the unit as shown (m³)."""
        return UNIT_NAMES.get(self.unit, self.unit)

    @property
    def start_value(self) -> Decimal:
        """Return the value a new submission may not go below: last booked, else initial."""
        return self.last_value if self.last_value is not None else self.initial_value

    def is_active(self, today: dt.date) -> bool:
        """Return True if the meter is mounted on TODAY (not removed)."""
        return self.removed_on is None or self.removed_on > today

    @property
    def name(self) -> str:
        """Return the meter's name for people: 'Woda zimna, nr ZW26787177' (never the internal id)."""
        return meter_name(self.medium, self.serial_no)

    def label(self, name: str | None = None) -> str:
        """Return 'Woda zimna, nr ZW26787177 (m³)' for selectors; NAME from meter_names() when given."""
        return f"{name or self.name} ({self.unit_name})"

    def legalisation_text(self, today: dt.date, name: str | None = None) -> str | None:
        """Return the warning about legalisation, or None; NAME from meter_names() when given."""
        if not self.legalisation_warning or self.legalisation_until is None:
            return None
        name = name or self.name
        until = fmt.date(self.legalisation_until)
        if self.legalisation_until < today:
            return _("{name}: legalizacja licznika wygasła {date}. Biuro umówi wymianę.").format(
                name=name, date=until
            )
        days = (self.legalisation_until - today).days
        return ngettext(
            "{name}: legalizacja licznika kończy się {date} (za {n} dzień). Biuro umówi wymianę.",
            "{name}: legalizacja licznika kończy się {date} (za {n} dni). Biuro umówi wymianę.",
            days,
        ).format(name=name, date=until, n=days)


# --- names: the one way a meter is named for people --------------------------------------------


def meter_name(medium: str, serial_no: str) -> str:
    """Return 'Woda zimna, nr ZW26787177': the medium and the serial number on the meter's plate."""
    return _("{medium}, nr {serial}").format(medium=_(MEDIUM_NAMES.get(medium, medium)), serial=serial_no)


def _fields(item: Meter | Mapping[str, Any]) -> Mapping[str, Any]:
    """Return a meter's fields by name, from a Meter or a query row."""
    return item if isinstance(item, Mapping) else vars(item)


def meter_names(items: Iterable[Meter | Mapping[str, Any]]) -> dict[str, str]:
    """Return {meter_id: name} for meters shown together (Meter objects or rows with medium, serial_no).

    Two meters of one medium with the same serial number (a meter legalised and mounted again
    gets a new id; two makers may print the same number) are told apart by where they are: the
    row's "place" (the premises' address, given by office pages), then the installation date.
    """
    fields: dict[str, Mapping[str, Any]] = {}
    for item in items:
        f = _fields(item)
        fields.setdefault(f["meter_id"], f)
    names = {mid: meter_name(f["medium"], f["serial_no"]) for mid, f in fields.items()}
    for extra in (_place, _installed):
        for group in _clashes(names):
            if len({extra(fields[mid]) for mid in group}) > 1:
                names.update({mid: f"{names[mid]}, {extra(fields[mid])}" for mid in group})
    for group in _clashes(names):  # the same place and day too: number them in id order
        names.update({mid: f"{names[mid]} ({i})" for i, mid in enumerate(sorted(group), start=1)})
    return names


def office_meter_names(meter_ids: Iterable[str]) -> dict[str, str]:
    """Return {meter_id: name} for meters of any premises (office pages), told apart by address."""
    ids = sorted(set(meter_ids))
    if not ids:
        return {}
    return meter_names(warehouse.rows("meters_names", meter_ids=ids))


def _clashes(names: dict[str, str]) -> list[list[str]]:
    """Return the groups of meter ids that share one name."""
    by_name: dict[str, list[str]] = {}
    for mid, name in names.items():
        by_name.setdefault(name, []).append(mid)
    return [group for group in by_name.values() if len(group) > 1]


def _place(f: Mapping[str, Any]) -> str:
    """Return where the meter is ('lokal Lipowa 5/12'), '' when the caller gave no place."""
    return _("lokal {place}").format(place=f["place"]) if f.get("place") else ""


def _installed(f: Mapping[str, Any]) -> str:
    """Return 'zamontowany 01.03.2021', '' without the date."""
    return _("zamontowany {date}").format(date=fmt.date(f["installed_on"])) if f.get("installed_on") else ""


def meters_for_premises(premises_id: str, today: dt.date, pol: MeterPolicy | None = None) -> list[Meter]:
    """Return the premises' meters (active first) with the legalisation warning flag."""
    pol = pol or policy()
    limit = today + dt.timedelta(days=pol.legalisation_warning_days)
    out = []
    for row in warehouse.rows("meters_list", premises_id=premises_id):
        meter = Meter(**row)
        warn = (
            meter.is_active(today)
            and meter.legalisation_until is not None
            and meter.legalisation_until <= limit
        )
        out.append(Meter(**{**row, "legalisation_warning": warn}))
    return out


def booked_readings(premises_id: str) -> list[dict[str, Any]]:
    """Return the premises' booked readings, newest first, with consumption since the previous one."""
    return warehouse.rows("meters_readings", premises_id=premises_id)


def monthly_consumption(premises_id: str) -> list[dict[str, Any]]:
    """Return rows medium, unit, month (first day), consumption for the premises."""
    return warehouse.rows("meters_monthly", premises_id=premises_id)


def building_average(premises_id: str) -> dict[tuple[str, dt.date], Decimal | None]:
    """Return {(medium, month): building consumption per person} for the premises' building."""
    return {
        (r["medium"], r["month"]): r["per_person"]
        for r in warehouse.rows("meters_building_average", premises_id=premises_id)
    }


@dataclass(frozen=True)
class MonthComparison:
    """One month of one medium: own use, same month last year, per person, building per person."""

    medium: str
    unit: str
    month: dt.date
    consumption: Decimal
    last_year: Decimal | None
    per_person: Decimal | None
    building_per_person: Decimal | None


def comparison(premises_id: str) -> list[MonthComparison]:
    """Return every booked month per medium with the comparisons (same month last year, building)."""
    rows = monthly_consumption(premises_id)
    info = warehouse.one("meters_premises", premises_id=premises_id)
    persons = int(info["persons"]) if info else 0
    building = building_average(premises_id)
    by_key = {(r["medium"], r["month"]): r["consumption"] for r in rows}
    out = []
    for r in rows:
        month = r["month"]
        prev = month.replace(year=month.year - 1)
        out.append(
            MonthComparison(
                medium=r["medium"],
                unit=r["unit"],
                month=month,
                consumption=r["consumption"],
                last_year=by_key.get((r["medium"], prev)),
                per_person=(r["consumption"] / persons) if persons else None,
                building_per_person=building.get((r["medium"], month)),
            )
        )
    return out


def _average_monthly(premises_id: str, medium: str) -> Decimal | None:
    """Return the average monthly consumption of MEDIUM in the premises, None without history."""
    rows = warehouse.rows("meters_meter_average", premises_id=premises_id, medium=medium)
    if not rows or rows[0]["average"] is None:
        return None
    return Decimal(str(rows[0]["average"]))  # DuckDB's avg() of DECIMAL is a DOUBLE


# --- submissions ---


class NeedsConfirmation(FormError):
    """The value looks implausible (and nothing else is wrong): the resident must tick the confirmation box."""


@dataclass(frozen=True)
class Submission:
    """A saved reading submission and its status."""

    submission_id: str
    premises_id: str
    meter_id: str
    reading_date: dt.datetime
    value: Decimal
    submitted_at: dt.datetime
    implausible: bool
    photo: str | None
    unit: str | None = None
    username: str = ""
    exported_at: dt.datetime | None = None
    export_batch: str | None = None
    created: bool = field(default=True, compare=False)  # False when a repeated key found the first row
    status: str = STATUS_PENDING


VALUE_FIELD = N_("Stan licznika")
# What the store's column holds (NUMERIC(18, 4)): the input is refused above it, never stored altered.
VALUE_MAX = decimals.largest(reading_submissions.c.value.type)
VALUE_PLACES = int(reading_submissions.c.value.type.scale or 0)
PHOTO_FIELD = N_("Zdjęcie licznika")
_REFRESH = (N_("Formularz"), N_("odśwież stronę i wyślij formularz ponownie."))


def parse_value(text: str | Decimal | float | int | None) -> Decimal:
    """Parse a meter state typed by a resident (comma or dot, up to VALUE_PLACES decimals); raise FormError."""
    if text is None or (isinstance(text, str) and not text.strip()):
        raise FormError.one(_(VALUE_FIELD), _("podaj stan licznika, np. 123,456."))
    if isinstance(text, float):
        text = repr(text)
    raw = str(text).strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise FormError.one(_(VALUE_FIELD), _("to nie jest liczba; wpisz np. 123,456.")) from None
    if not value.is_finite():
        raise FormError.one(_(VALUE_FIELD), _("to nie jest liczba; wpisz np. 123,456."))
    if value < 0:
        raise FormError.one(_(VALUE_FIELD), _("stan nie może być ujemny."))
    if value.as_tuple().exponent < -VALUE_PLACES:  # type: ignore[operator]
        raise FormError.one(
            _(VALUE_FIELD),
            ngettext(
                "podaj najwyżej {n} cyfrę po przecinku.",
                "podaj najwyżej {n} cyfry po przecinku.",
                VALUE_PLACES,
            ).format(n=VALUE_PLACES),
        )
    if value > VALUE_MAX:
        raise FormError.one(
            _(VALUE_FIELD),
            _("stan nie może przekraczać {value}.").format(value=fmt.number(VALUE_MAX, VALUE_PLACES)),
        )
    return value


def _row_to_submission(row: Any, created: bool) -> Submission:
    """Build a Submission from a reading_submissions row."""
    m = dict(row._mapping)
    m.pop("idempotency_key", None)
    m.pop("previous_value", None)  # kept in the store for the office's export, not shown here
    m["implausible"] = bool(m["implausible"])
    m["value"] = Decimal(m["value"])
    return Submission(**m, created=created)


def _by_key(key: str) -> Submission | None:
    """Return the submission saved under idempotency KEY, or None."""
    with store.engine().connect() as con:
        row = con.execute(
            select(reading_submissions).where(reading_submissions.c.idempotency_key == key)
        ).first()
    return _row_to_submission(row, created=False) if row else None


def _checked_meter(
    premises_id: str, meter_id: str, today: dt.date, pol: MeterPolicy, problems: Problems
) -> Meter | None:
    """Return the premises' active meter METER_ID, or None with the reason added to PROBLEMS."""
    meters = {m.meter_id: m for m in meters_for_premises(premises_id, today, pol)}
    meter = meters.get(str(meter_id or ""))
    if meter is None:  # also another resident's meter: the same answer, nothing revealed
        problems.add(_("Licznik"), _("wybierz licznik z listy liczników tego lokalu."))
        return None
    if not meter.is_active(today):
        problems.add(
            _("Licznik"),
            _("licznik {name} został zdemontowany; nie przyjmujemy odczytu.").format(name=meter.name),
        )
        return None
    return meter


def _is_implausible(
    premises_id: str, meter: Meter, number: Decimal, today: dt.date, pol: MeterPolicy
) -> bool:
    """Return True if the use since the last booked state is far above the premises' average."""
    average = _average_monthly(premises_id, meter.medium)
    if average is None or average <= 0:
        return False
    # The allowed jump grows with the months since the last booked reading.
    since = meter.last_date or meter.installed_on
    months = max(1, round((today - since).days / 30.4))
    limit = Decimal(str(pol.implausible_factor)) * average * months
    return (number - meter.start_value) > limit


def check_submission(
    premises_id: str,
    meter_id: str,
    value: str | Decimal | float | int | None,
    now: dt.datetime,
    confirmed: bool = False,
    pol: MeterPolicy | None = None,
    problems: Problems | None = None,
) -> tuple[Meter, Decimal, bool]:
    """Validate a submission; return (meter, value, implausible) or raise FormError naming every field.

    PROBLEMS may already hold the caller's own refusals (the photo, the form key): all are raised together.
    """
    pol = pol or policy()
    problems = problems if problems is not None else Problems()
    today = now.date()
    meter = _checked_meter(premises_id, meter_id, today, pol, problems)
    if not pol.window_open(today):
        problems.add(
            _("Data odczytu"),
            _("poza okresem przyjmowania odczytów. {window}").format(window=pol.window_text()),
        )
    number = None
    try:
        number = parse_value(value)
    except FormError as err:
        problems.extend(err)
    if meter is not None and number is not None and number < meter.start_value:
        problems.add(
            _(VALUE_FIELD),
            _("wartość nie może być niższa niż ostatni zaksięgowany stan {value} {unit}.").format(
                value=fmt.number(meter.start_value, 3), unit=meter.unit_name
            ),
        )
    problems.raise_if_any()
    assert meter is not None and number is not None  # no problems: both were found
    implausible = _is_implausible(premises_id, meter, number, today, pol)
    if implausible and not confirmed:
        raise NeedsConfirmation(
            Problem(
                _(VALUE_FIELD),
                _(
                    "zużycie {consumption} {unit} jest ponad {factor} razy większe niż średnie. "
                    "Sprawdź stan i zaznacz „{confirm}”."
                ).format(
                    consumption=fmt.number(number - meter.start_value, 3),
                    unit=meter.unit_name,
                    factor=fmt.number(pol.implausible_factor, 1),
                    confirm=_(CONFIRM_LABEL),
                ),
            )
        )
    return meter, number, implausible


def submit_reading(
    *,
    premises_id: str,
    meter_id: str,
    value: str | Decimal | float | int | None,
    username: str,
    now: dt.datetime,
    idempotency_key: str,
    confirmed: bool = False,
    photo: bytes | None = None,
    pol: MeterPolicy | None = None,
    client_address: str | None = None,
) -> Submission:
    """Validate and save a reading submission (and its photo) exactly once per idempotency key."""
    problems = Problems()
    if idempotency_key:
        existing = _by_key(idempotency_key)
        if existing is not None:
            if existing.premises_id != premises_id:
                raise FormError.one(*(_(t) for t in _REFRESH))
            return existing
    else:
        problems.add(*(_(t) for t in _REFRESH))
    upload = uploads.Upload("", photo) if photo is not None else None
    checked = uploads.check(upload, uploads.READING_PHOTO, _(PHOTO_FIELD), problems)
    meter, number, implausible = check_submission(premises_id, meter_id, value, now, confirmed, pol, problems)
    row = {
        "submission_id": f"S{now:%Y%m%d}-{uuid.uuid4().hex[:10].upper()}",
        "premises_id": premises_id,
        "meter_id": meter.meter_id,
        "reading_date": now,
        "value": number,
        "username": username,
        "submitted_at": now,
        "implausible": int(implausible),
        "idempotency_key": idempotency_key,
        "unit": meter.unit,
        "previous_value": meter.start_value,
    }
    try:
        with uploads.saving(checked, uploads.READING_PHOTO, store.engine().begin()) as (con, stored):
            row["photo"] = stored
            con.execute(insert(reading_submissions).values(**row))
    except IntegrityError:
        # A concurrent double click won the race (our photo is already gone): return the first row.
        again = _by_key(idempotency_key)
        if again is None:
            raise
        return again
    audit.record(
        "reading_submitted",
        username,
        premises_id,
        client_address,
        at=now,
        submission_id=row["submission_id"],
        meter_id=meter.meter_id,
        implausible=implausible,
        photo=stored is not None,
    )
    del row["idempotency_key"], row["previous_value"]
    return Submission(**row | {"implausible": implausible}, created=True)


def submissions_for_premises(premises_id: str, booked: Collection[str] | None = None) -> list[Submission]:
    """Return the premises' submissions, newest first, each with its booking status.

    BOOKED: the warehouse's booked submission ids when the caller has them (cached per version).
    """
    with store.engine().connect() as con:
        rows = con.execute(
            select(reading_submissions)
            .where(reading_submissions.c.premises_id == premises_id)
            .order_by(reading_submissions.c.submitted_at.desc(), reading_submissions.c.submission_id)
        ).all()
    if not rows:  # most premises never submitted: no warehouse query on their Media reruns
        return []
    if booked is None:
        booked = booked_submission_ids(premises_id)
    out = []
    for row in rows:
        sub = _row_to_submission(row, created=False)
        status = STATUS_BOOKED if sub.submission_id in booked else STATUS_PENDING
        out.append(Submission(**{**sub.__dict__, "status": status}))
    return out


def booked_submission_ids(premises_id: str) -> set[str]:
    """Return the ids of the premises' submissions the warehouse has booked."""
    if warehouse.current_version() is None:
        return set()
    return {r["submission_id"] for r in warehouse.rows("meters_booked_submissions", premises_id=premises_id)}


# --- display rows for the pages (Polish labels, formatted values) ---


def meter_rows(items: list[Meter], today: dt.date) -> list[dict[str, str]]:
    """Return one display row per meter."""
    return [
        {
            _("Medium"): m.medium_name,
            _("Nr licznika"): m.serial_no,
            _("Jednostka"): m.unit_name,
            _("Zamontowany"): fmt.date(m.installed_on),
            _("Legalizacja do"): fmt.date(m.legalisation_until) + (" ⚠" if m.legalisation_warning else ""),
            _("Ostatni stan"): fmt.number(m.start_value, 3),
            _("Z dnia"): fmt.date(m.last_date) if m.last_date else _("stan początkowy"),
            _("Status"): (
                _("czynny")
                if m.is_active(today)
                else _("zdemontowany {date}").format(date=fmt.date(m.removed_on))
            ),
        }
        for m in items
    ]


def reading_rows(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Return display rows for booked readings (meters_readings rows), each meter by its name."""
    names = meter_names(rows)
    return [
        {
            _("Data"): fmt.date(r["reading_date"]),
            _("Licznik"): names[r["meter_id"]],
            pgettext("licznik", "Stan"): fmt.number(r["value"], 3),
            _("Zużycie"): f"{fmt.number(r['consumption'], 3)} {UNIT_NAMES.get(r['unit'], r['unit'])}",
            _("Źródło"): _(SOURCE_NAMES.get(r["source"], r["source"])),
        }
        for r in rows
    ]


def submission_rows(subs: list[Submission], items: list[Meter]) -> list[dict[str, str]]:
    """Return display rows for the resident's submissions; ITEMS: the premises' meters (names)."""
    names = meter_names(items)
    out = []
    for s in subs:
        out.append(
            {
                _("Zgłoszono"): fmt.datetime(s.submitted_at),
                # A meter the accounting system has since dropped from the premises keeps no name here.
                _("Licznik"): names.get(s.meter_id, _("licznik usunięty z ewidencji lokalu")),
                pgettext(
                    "licznik", "Stan"
                ): f"{fmt.number(s.value, 3)} {UNIT_NAMES.get(s.unit or '', s.unit or '')}".strip(),
                _("Status"): _(s.status),
                _("Uwagi"): _("nietypowe zużycie (potwierdzone)") if s.implausible else "",
                _("Nr zgłoszenia"): s.submission_id,
            }
        )
    return out


def comparison_by_medium(premises_id: str) -> dict[str, list[MonthComparison]]:
    """Return the comparisons grouped by medium, months ascending."""
    out: dict[str, list[MonthComparison]] = {}
    for c in comparison(premises_id):
        out.setdefault(c.medium, []).append(c)
    return out


def summary(c: MonthComparison) -> dict[str, str]:
    """Return the latest month's figures as text: consumption, change vs last year, per person, building."""
    unit = UNIT_NAMES.get(c.unit, c.unit)
    change = None
    if c.last_year is not None:
        diff = c.consumption - c.last_year
        change = f"{'+' if diff > 0 else ''}{fmt.number(diff, 3)} {unit}"
    return {
        "month": fmt.month(c.month),
        "consumption": f"{fmt.number(c.consumption, 3)} {unit}",
        "vs_last_year": change or _("brak danych"),
        "per_person": f"{fmt.number(c.per_person, 3)} {unit}" if c.per_person is not None else "—",
        "building_per_person": (
            f"{fmt.number(c.building_per_person, 3)} {unit}" if c.building_per_person is not None else "—"
        ),
    }
