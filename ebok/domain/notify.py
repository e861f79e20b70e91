"""The rule of each notification event, and `python -m ebok notify`.

`notify` runs after every nightly load and announces the load's new rows (invoices, documents,
settlements, export messages) plus the office's messages, replies to residents' messages and votes
that opened; `notify --due` runs daily and sends the date-driven reminders (payment due in N days,
overdue, reading window opens or closes without a reading, legalisation ends, vote closes without a
vote) and, on the office's weekday, the weekly digests. Each rule returns occurrences; the engine
(ebok.domain.notifications) sends each to its person at most once, with consent and as they chose.
Only items dated within the last `lookback_days` are considered (old history is never announced);
`--baseline` records everything current as already announced (first deployment) without e-mailing.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select

from ebok.core import clock, config, fmt, i18n
from ebok.core.contract import MEDIUM_NAMES
from ebok.core.i18n import N_, _
from ebok.domain import finance, inbox, notifications, payments, voting
from ebok.domain.notifications import Audience, Occurrence, Result
from ebok.storage import store, warehouse
from ebok.storage.tables import (
    inbox_events,
    inbox_items,
    notifications_sent,
    office_messages,
    reading_submissions,
)

DOCUMENT_KINDS = {
    "invoice": N_("Faktura"),
    "water_settlement": N_("Rozliczenie wody"),
    "notice": N_("Zawiadomienie"),
    "regulation": N_("Regulamin"),
    "other": N_("Dokument"),
}
LOAD_EVENTS = ("invoice", "document", "settlement", "office_message", "inbox_update", "vote_open")
DUE_EVENTS = (
    "payment_due",
    "overdue",
    "reading_window_open",
    "reading_window_closing",
    "legalisation",
    "vote_open",
    "vote_closing",
    "office_message",
    "inbox_update",
)


@dataclass(frozen=True)
class Context:
    """What every rule of one run shares."""

    today: dt.date  # Polish local day
    now: dt.datetime  # naive UTC
    since: dt.date  # the oldest day of "new" rows
    cfg: config.Config
    who: Audience
    premises: dict[str, dict[str, Any]]  # premises_id -> notify_premises row

    def wanted(self, customer_id: str | None, event: str) -> bool:
        """Return True when the rule should look at CUSTOMER_ID at all (consent, switch, address)."""
        return bool(customer_id) and self.who.may_receive(customer_id or "", event) is None

    def place(self, premises_id: str) -> str:
        """Return '(lokal ul. Lipowa 7/12, Warszawa)' in the language of this run."""
        row = self.premises.get(premises_id)
        return _("(lokal {address})").format(address=row["address"] if row else premises_id)

    def language(self, customer_id: str) -> contextlib.AbstractContextManager[str]:
        """Return a `with` block in which texts come in the person's language (their e-mail's lines)."""
        return i18n.use(self.who.language(customer_id) or i18n.current())

    @property
    def local_now(self) -> dt.datetime:
        """Return the Polish local time, naive (voting windows are local)."""
        return clock.local_time(self.now).replace(tzinfo=None)


def _invoice_key(premises_id: str, document_no: str) -> str:
    return f"{premises_id}:{document_no}"


# --- after the load: new rows ----------------------------------------------------------------------


def _invoices(ctx: Context) -> list[Occurrence]:
    """Invoices and charges with a document number: one occurrence per document."""
    out = []
    for r in warehouse.rows("notify_ledger", since=ctx.since):
        customer = ctx.premises.get(r["premises_id"], {}).get("customer_id")
        if not customer:
            continue
        with ctx.language(customer):
            line = _invoice_line(ctx, r)
        out.append(
            Occurrence(
                "invoice", customer, _invoice_key(r["premises_id"], r["document_no"]), line, r["premises_id"]
            )
        )
    return out


def _invoice_line(ctx: Context, r: dict[str, Any]) -> str:
    """Return the line of one invoice: its description, number, date, due date and premises."""
    values = {
        "description": r["description"],
        "number": r["document_no"],
        "date": fmt.date(r["entry_date"]),
        "place": ctx.place(r["premises_id"]),
    }
    if r["due_date"]:
        text = _("{description} nr {number} z {date}, termin płatności {due} {place}")
        return text.format(due=fmt.date(r["due_date"]), **values)
    return _("{description} nr {number} z {date} {place}").format(**values)


def _documents(ctx: Context, settlements: bool) -> list[Occurrence]:
    """Documents of a premises (SETTLEMENTS: only settlement PDFs, else only the others)."""
    invoices = {(o.customer_id, o.key) for o in _invoices(ctx)} if not settlements else set()
    out = []
    for r in warehouse.rows("notify_documents", since=ctx.since):
        customer = ctx.premises.get(r["premises_id"], {}).get("customer_id")
        if not customer or bool(r["settlement"]) != settlements:
            continue
        # The PDF of an invoice announced from the ledger is the same occurrence.
        if r["document_no"] and (customer, _invoice_key(r["premises_id"], r["document_no"])) in invoices:
            continue
        with ctx.language(customer):
            line = _("{kind}: {title} z {date} {place}").format(
                kind=_(DOCUMENT_KINDS.get(r["kind"], DOCUMENT_KINDS["other"])),
                title=r["title"],
                date=fmt.date(r["issued_on"]),
                place=ctx.place(r["premises_id"]),
            )
        event = "settlement" if settlements else "document"
        out.append(Occurrence(event, customer, r["document_id"], line, r["premises_id"]))
    return out


def _settlements(ctx: Context) -> list[Occurrence]:
    """Media settlements: their PDF, or the settlement row when the export has no PDF for it."""
    out = _documents(ctx, settlements=True)
    for r in warehouse.rows("notify_settlements", since=ctx.since):
        customer = ctx.premises.get(r["premises_id"], {}).get("customer_id")
        if not customer:
            continue
        with ctx.language(customer):
            line = _settlement_line(ctx, r)
        out.append(Occurrence("settlement", customer, r["settlement_id"], line, r["premises_id"]))
    return out


def _settlement_line(ctx: Context, r: dict[str, Any]) -> str:
    """Return the line of one settlement: the medium, the period, the outcome and the premises."""
    result = r["result"]
    if result > 0:
        outcome = _("nadpłata {amount}").format(amount=fmt.money(result))
    else:
        outcome = _("niedopłata {amount}").format(amount=fmt.money(-result))
    return _("{medium} za okres {start}–{end}: {outcome} {place}").format(
        medium=_medium(r["medium"]),
        start=fmt.date(r["period_from"]),
        end=fmt.date(r["period_to"]),
        outcome=outcome,
        place=ctx.place(r["premises_id"]),
    )


def _medium(medium: str) -> str:
    """Return the medium's name in the language of this run."""
    return _(MEDIUM_NAMES[medium]) if medium in MEDIUM_NAMES else medium


def _reaches(audience_: str, target: str | None, row: dict[str, Any]) -> bool:
    """Return True when a message to AUDIENCE_/TARGET reaches the premises ROW."""
    field = {"building": "building_id", "community": "community_id", "customer": "customer_id"}.get(audience_)
    return audience_ == "all" or (field is not None and row.get(field) == target)


def _office_messages(ctx: Context) -> list[Occurrence]:
    """Messages to all, a building, a community or one customer: once per message and person."""
    since = dt.datetime.combine(ctx.since, dt.time())
    with store.engine().connect() as con:
        office = con.execute(
            select(office_messages).where(
                office_messages.c.published_at >= since,
                office_messages.c.published_at <= ctx.now,
                office_messages.c.withdrawn_at.is_(None),
            )
        ).all()
    found = [
        (f"office:{m.message_id}", m.audience, m.target, m.subject, m.published_at.date()) for m in office
    ]
    for m in warehouse.rows("notify_export_messages", since=ctx.since, today=ctx.today):
        found.append(
            (f"export:{m['message_id']}", m["audience"], m["target"], m["subject"], m["published_on"])
        )
    out: dict[tuple[str, str], Occurrence] = {}
    for key, audience_, target, subject, day in found:
        for row in ctx.premises.values():
            customer = row["customer_id"]
            if (
                (customer, key) in out
                or not _reaches(audience_, target, row)
                or not ctx.wanted(customer, "office_message")
            ):
                continue
            with ctx.language(customer):
                line = _("„{subject}” z {date}").format(subject=subject, date=fmt.date(day))
            out[(customer, key)] = Occurrence("office_message", customer, key, line, None)
    return list(out.values())


def _inbox_updates(ctx: Context) -> list[Occurrence]:
    """The office's replies and status changes on a resident's message or fault report."""
    since = dt.datetime.combine(ctx.since, dt.time())
    query = (
        select(
            inbox_events.c.event_id,
            inbox_events.c.kind.label("change"),
            inbox_events.c.status,
            inbox_items.c.kind,
            inbox_items.c.item_id,
            inbox_items.c.customer_id,
            inbox_items.c.premises_id,
            inbox_items.c.contact_email,
        )
        .join(inbox_items, inbox_items.c.item_id == inbox_events.c.item_id)
        .where(
            inbox_events.c.kind.in_(("reply", "status")),
            inbox_events.c.visible == 1,
            inbox_events.c.at >= since,
            inbox_items.c.customer_id.is_not(None),
        )
    )
    with store.engine().connect() as con:
        rows = con.execute(query).all()
    return [
        replace(
            inbox.occurrence(
                r.event_id,
                r.change,
                r.status,
                r.kind,
                r.item_id,
                r.customer_id,
                r.premises_id,
                lang=ctx.who.language(r.customer_id),
            ),
            address=r.contact_email,
        )
        for r in rows
    ]


# --- daily: date-driven reminders ----------------------------------------------------------------


def _money_occurrences(ctx: Context) -> list[Occurrence]:
    """Payment due in N days (the person's N) and overdue (once, then every overdue_repeat_days)."""
    due_on = [p for p, r in ctx.premises.items() if ctx.wanted(r["customer_id"], "payment_due")]
    overdue_on = [p for p, r in ctx.premises.items() if ctx.wanted(r["customer_id"], "overdue")]
    out = []
    for s in finance.summaries(sorted(set(due_on) | set(overdue_on)), ctx.today):
        customer = ctx.premises[s.premises_id]["customer_id"]
        days = ctx.who.preferences(customer).due_days_before
        if (
            s.premises_id in due_on
            and s.next_due
            and 0 <= (s.next_due - ctx.today).days <= days
            and s.next_due_amount > 0
        ):
            out.append(_money(ctx, "payment_due", s.premises_id, customer, f"{s.premises_id}:{s.next_due}"))
        if s.premises_id in overdue_on and s.overdue > 0 and _overdue_again(ctx, customer, s.premises_id):
            out.append(_money(ctx, "overdue", s.premises_id, customer, f"{s.premises_id}:{ctx.today}"))
    return [o for o in out if o is not None]


def _overdue_again(ctx: Context, customer_id: str, premises_id: str) -> bool:
    """Return True when the person had no overdue reminder for the premises in overdue_repeat_days."""
    with store.engine().connect() as con:
        last = con.execute(
            select(func.max(notifications_sent.c.sent_at)).where(
                notifications_sent.c.customer_id == customer_id,
                notifications_sent.c.item_key.like(f"overdue:{premises_id}:%"),
            )
        ).scalar()
    repeat = dt.timedelta(days=ctx.cfg.notifications.overdue_repeat_days)
    return last is None or last.date() <= ctx.today - repeat


def _money(ctx: Context, event: str, premises_id: str, customer: str, key: str) -> Occurrence | None:
    """Return the occurrence with the amount remaining and the transfer details of the premises."""
    t = payments.transfer(premises_id, ctx.today, ctx.cfg)
    if t is None:
        return None
    with ctx.language(customer):
        place = ctx.place(premises_id)
        if event == "payment_due":
            line = _("{amount} do zapłaty do {date} {place}").format(
                amount=fmt.money(t.next_due_amount), date=fmt.date(t.next_due), place=place
            )
        else:
            line = _("zaległość po terminie {amount} {place}").format(
                amount=fmt.money(t.overdue), place=place
            )
        details = (
            (_("Do zapłaty łącznie"), fmt.money(t.amount)),
            (_("Odbiorca"), f"{t.recipient_name}, {t.recipient_address}".rstrip(", ")),
            (_("Numer rachunku"), t.account_display),
            (_("Tytuł przelewu"), t.title),
        )
    return Occurrence(event, customer, key, line, premises_id, details)


def _window(ctx: Context) -> tuple[dt.date, dt.date] | None:
    """Return (first, last day) of the reading window open today, or None (closed or always open)."""
    w = ctx.cfg.reading_window
    if w.always_open or not w.is_open(ctx.today):
        return None
    first = last = ctx.today
    while w.is_open(first - dt.timedelta(days=1)) and (ctx.today - first).days < 62:
        first -= dt.timedelta(days=1)
    while w.is_open(last + dt.timedelta(days=1)) and (last - ctx.today).days < 62:
        last += dt.timedelta(days=1)
    return first, last


def _meter_line(row: dict[str, Any]) -> str:
    """Return 'Woda zimna, nr 123' in the language of this run."""
    return _("{medium}, nr {number}").format(medium=_medium(row["medium"]), number=row["serial_no"])


def _submitted_since(first: dt.date) -> set[str]:
    """Return the meters with a reading submitted in e-BOK on or after FIRST."""
    with store.engine().connect() as con:
        return set(
            con.execute(
                select(reading_submissions.c.meter_id).where(
                    reading_submissions.c.reading_date >= dt.datetime.combine(first, dt.time())
                )
            ).scalars()
        )


def _window_occurrences(ctx: Context, meters: list[dict[str, Any]]) -> list[Occurrence]:
    """The reading window opened (once per window and person); it closes in N days without a reading."""
    window = _window(ctx)
    if window is None:
        return []
    first, last = window
    closing = (last - ctx.today).days <= ctx.cfg.notifications.reading_window_closing_days
    submitted = _submitted_since(first) if closing else set()
    out: dict[tuple[str, str, str], Occurrence] = {}
    for m in meters:
        customer = ctx.premises.get(m["premises_id"], {}).get("customer_id")
        if not customer:
            continue
        if ctx.wanted(customer, "reading_window_open"):
            with ctx.language(customer):
                line = _("odczyty przyjmujemy od {start} do {end}").format(
                    start=fmt.date(first), end=fmt.date(last)
                )
            occ = Occurrence("reading_window_open", customer, str(first), line)
            out.setdefault(("reading_window_open", customer, occ.key), occ)
        booked = m["last_reading"] is not None and m["last_reading"] >= first
        if (
            closing
            and not booked
            and m["meter_id"] not in submitted
            and ctx.wanted(customer, "reading_window_closing")
        ):
            with ctx.language(customer):
                line = _("{meter} {place}: podaj stan do {date}").format(
                    meter=_meter_line(m), place=ctx.place(m["premises_id"]), date=fmt.date(last)
                )
            occ = Occurrence(
                "reading_window_closing", customer, f"{m['meter_id']}:{first}", line, m["premises_id"]
            )
            out[("reading_window_closing", customer, occ.key)] = occ
    return list(out.values())


def _legalisation_occurrences(ctx: Context, meters: list[dict[str, Any]]) -> list[Occurrence]:
    """A mounted meter's legalisation ends within N days: once per meter and end date."""
    out = []
    for m in meters:
        customer = ctx.premises.get(m["premises_id"], {}).get("customer_id")
        until = m["legalisation_until"]
        if (
            not customer
            or until is None
            or not 0 <= (until - ctx.today).days <= ctx.cfg.notifications.legalisation_days
        ):
            continue
        if ctx.wanted(customer, "legalisation"):
            with ctx.language(customer):
                line = _("{meter} {place}: legalizacja kończy się {date}").format(
                    meter=_meter_line(m), place=ctx.place(m["premises_id"]), date=fmt.date(until)
                )
            out.append(
                Occurrence("legalisation", customer, f"{m['meter_id']}:{until}", line, m["premises_id"])
            )
    return out


def _meter_occurrences(ctx: Context) -> list[Occurrence]:
    """Reading window opens, closes in N days without a reading, legalisation ends within N days."""
    if not ctx.cfg.module_on("meters"):
        return []
    meters = warehouse.rows("notify_meters", today=ctx.today)
    return _window_occurrences(ctx, meters) + _legalisation_occurrences(ctx, meters)


def _vote_occurrences(ctx: Context, events: tuple[str, ...]) -> list[Occurrence]:
    """A vote opens (once per resolution and premises); it closes in N days without the premises' vote."""
    if not ctx.cfg.module_on("voting"):
        return []
    now = ctx.local_now
    closing_within = dt.timedelta(days=ctx.cfg.notifications.vote_closing_days)
    out = []
    for res in voting.all_resolutions():
        if res.state(now) != "open":
            continue
        for pid, row in ctx.premises.items():
            customer = row["customer_id"]
            if (
                row["community_id"] != res.community_id
                or not row["share"]
                or voting.vote_of(pid, res.resolution_id)
            ):
                continue
            key = f"{res.resolution_id}:{pid}"
            with ctx.language(customer):
                line = _("{resolution}; głosowanie trwa do {when} {place}").format(
                    resolution=res.label(), when=fmt.datetime(res.vote_to), place=ctx.place(pid)
                )
            if "vote_open" in events and ctx.wanted(customer, "vote_open"):
                out.append(Occurrence("vote_open", customer, key, line, pid))
            if (
                "vote_closing" in events
                and res.vote_to - now <= closing_within
                and ctx.wanted(customer, "vote_closing")
            ):
                out.append(Occurrence("vote_closing", customer, key, line, pid))
    return out


RULES: dict[str, Callable[[Context], list[Occurrence]]] = {
    "invoice": _invoices,
    "document": lambda ctx: _documents(ctx, settlements=False),
    "settlement": _settlements,
    "office_message": _office_messages,
    "inbox_update": _inbox_updates,
}


def occurrences(ctx: Context, events: tuple[str, ...]) -> list[Occurrence]:
    """Return what the rules of EVENTS find at CTX (the money, meter and vote rules share their reads)."""
    out: list[Occurrence] = []
    for event in events:
        if event in RULES:
            out += RULES[event](ctx)
    if {"payment_due", "overdue"} & set(events):
        out += [o for o in _money_occurrences(ctx) if o.event in events]
    if {"reading_window_open", "reading_window_closing", "legalisation"} & set(events):
        out += [o for o in _meter_occurrences(ctx) if o.event in events]
    if {"vote_open", "vote_closing"} & set(events):
        out += _vote_occurrences(ctx, events)
    return out


def context(now: dt.datetime | None = None, today: dt.date | None = None, days: int | None = None) -> Context:
    """Return the run's context at NOW (TODAY: the local day; DAYS: the lookback)."""
    cfg = config.load()
    now = now or clock.now()
    today = today or clock.local_time(now).date()
    lookback = days if days is not None else cfg.notifications.lookback_days
    premises = {r["premises_id"]: r for r in warehouse.rows("notify_premises")}
    return Context(today, now, today - dt.timedelta(days=lookback), cfg, notifications.audience(), premises)


def run(
    days: int | None = None,
    today: dt.date | None = None,
    baseline: bool = False,
    dry_run: bool = False,
    due: bool = False,
    now: dt.datetime | None = None,
    events: tuple[str, ...] | None = None,
) -> Result:
    """Find the occurrences of the run's events (after the load, DUE: the daily reminders, or EVENTS) and send them."""
    ctx = context(now, today, days)
    events = events or (DUE_EVENTS if due else LOAD_EVENTS)
    found = occurrences(ctx, events)
    if baseline:
        result = Result()
        result.baseline = len(found) if dry_run else notifications.baseline(found, ctx.now)
        return result
    return notifications.deliver(found, ctx.now, ctx.who, dry_run=dry_run)


def _event_list(text: str) -> list[str]:
    """Parse --events: known event names separated by commas."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in notifications.EVENTS]
    if unknown or not names:
        known = ", ".join(notifications.EVENTS)
        raise argparse.ArgumentTypeError(
            f"nieznane zdarzenie: {', '.join(unknown) or '(puste)'}; znane: {known}"
        )
    return names


def _cmd_notify(args: argparse.Namespace) -> int:
    try:
        result = run(
            days=args.days,
            today=args.today,
            baseline=args.baseline,
            dry_run=args.dry_run,
            due=args.due,
            events=tuple(args.events) if args.events else None,
        )
    except FileNotFoundError as exc:
        print(exc)
        return 1
    prefix = _("[próba] ") if args.dry_run else ""
    if args.baseline:
        print(prefix + _("Oznaczono jako już ogłoszone (bez e-maili): {n}").format(n=result.baseline))
        return 0
    summary = _(
        "E-maile w kolejce: {emails} (pozycji: {items}); już wysłane wcześniej: {already_sent}; "
        "bez zgody: {no_consent}; wyłączone przez mieszkańca: {turned_off}; "
        "do zestawienia tygodniowego: {digest}; bez adresu: {no_address}; błędy: {failed}"
    )
    print(
        prefix
        + summary.format(
            emails=result.emails,
            items=result.items,
            already_sent=result.already_sent,
            no_consent=result.no_consent,
            turned_off=result.turned_off,
            digest=result.digest,
            no_address=result.no_address,
            failed=len(result.failed),
        )
    )
    weekday = config.load().notifications.digest_weekday
    if args.digest or (
        args.due and not args.dry_run and (args.today or clock.local_now().date()).isoweekday() == weekday
    ):
        digests = notifications.send_digests()
        line = _("Zestawienia tygodniowe: {emails} (pozycji: {items})")
        print(prefix + line.format(emails=digests.emails, items=digests.items))
    for line in result.failed:
        print("  " + _("błąd: {error}").format(error=line))
    if not args.dry_run and result.emails:
        print(_("Wyślij kolejkę: python -m ebok mail-flush"))
    return 1 if result.failed else 0


def _cmd_consent_list(args: argparse.Namespace) -> int:
    """Print the consent register (newest first), as a table or as CSV for the office's spreadsheet."""
    if args.csv:
        sys.stdout.write(notifications.consent_csv(args.customer).decode("utf-8-sig"))
        return 0
    rows = notifications.consent_record(args.customer)
    if not rows:
        print(_("Brak zapisanych zgód na korespondencję elektroniczną."))
    for r in rows:
        version = _("wersja {version}").format(version=r["Wersja treści"])
        print(
            f"{r['Kiedy']}  {r['Klient']}  {r['Zgoda']}  {version}  {r['Sposób']}  "
            f"({r['Kto']}{', ' + r['Adres IP'] if r['Adres IP'] else ''})"
        )
    return 0


def _cmd_consent_record(args: argparse.Namespace) -> int:
    """Record a consent given or withdrawn in the office (on paper, by phone) under the office worker's name."""
    given = args.decision == "udzielona"
    done = notifications.record_consent(args.customer, given, args.by, method="office", email=args.email)
    print(
        _("Zapisano: klient {customer}, zgoda {consent}.").format(customer=args.customer, consent=done.label)
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `notify` and `consent list` / `consent record`."""
    consent = subparsers.add_parser(
        "consent", help="Rejestr zgód na korespondencję elektroniczną (kto, kiedy, wersja treści, jak)."
    )
    consent_sub = consent.add_subparsers(dest="consent_command", metavar="POLECENIE", required=True)
    listing = consent_sub.add_parser("list", help="Pokaż albo wyeksportuj rejestr zgód, najnowsze najpierw.")
    listing.add_argument("--customer", default=None, help="Tylko ten klient (numer z systemu księgowego).")
    listing.add_argument("--csv", action="store_true", help="Wypisz CSV (UTF-8, średnik) do arkusza.")
    listing.set_defaults(func=_cmd_consent_list)
    rec = consent_sub.add_parser("record", help="Zapisz zgodę udzieloną albo wycofaną w biurze.")
    rec.add_argument("decision", choices=("udzielona", "wycofana"), help="Co klient zdecydował.")
    rec.add_argument("--customer", required=True, help="Numer klienta z systemu księgowego.")
    rec.add_argument("--by", required=True, help="Kto w biurze przyjął oświadczenie (imię i nazwisko).")
    rec.add_argument("--email", default=None, help="Adres e-mail podany przez klienta (opcjonalnie).")
    rec.set_defaults(func=_cmd_consent_record)
    p = subparsers.add_parser(
        "notify",
        help="Powiadomienia e-mail: po nocnym ładowaniu, a z --due codzienne przypomnienia.",
        description="Kolejkuje e-maile do mieszkańców ze zgodą na korespondencję elektroniczną, zgodnie z ich "
        "ustawieniami; każde zdarzenie trafia do osoby najwyżej raz.",
    )
    p.add_argument(
        "--due", action="store_true", help="Przypomnienia zależne od daty (uruchamiaj codziennie)."
    )
    p.add_argument("--digest", action="store_true", help="Wyślij teraz zestawienia tygodniowe.")
    p.add_argument(
        "--events",
        type=_event_list,
        default=None,
        help="Tylko te zdarzenia, po przecinku, np. office_message (komunikaty biura co kwadrans).",
    )
    p.add_argument("--days", type=int, default=None, help="Uwzględnij pozycje z ostatnich N dni.")
    p.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="Dzień odniesienia RRRR-MM-DD (domyślnie dziś).",
    )
    p.add_argument(
        "--baseline",
        action="store_true",
        help="Oznacz wszystkie obecne pozycje jako ogłoszone, bez wysyłki (pierwsze uruchomienie).",
    )
    p.add_argument("--dry-run", action="store_true", help="Tylko policz, nic nie zapisuj.")
    p.set_defaults(func=_cmd_notify)
