"""Data status for the office: recent loads, why rows were rejected, whether last night's load happened.

Reads the store's load_runs (every attempt, written by the loader) and the current warehouse's
etl_loads (the history as of that version). Times are Polish local time (Europe/Warsaw), as the loader
writes them, whatever the server's time zone.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ebok.core import clock, fmt, i18n
from ebok.core.i18n import N_, _, ngettext
from ebok.domain import notifications, online_payments, payment_status, pending
from ebok.domain.load_diff import Diff, from_json
from ebok.storage import outbox, store, warehouse
from ebok.storage.tables import load_runs

ROLLBACK_COMMAND = "python -m ebok rollback"
STATUS_COMMAND = "python -m ebok status"
LOAD_COMMAND = "python -m ebok load KATALOG_EKSPORTU"
MISSED_AFTER = dt.timedelta(hours=26)  # a nightly load plus slack for a late export
STATUS_LABELS = {"ok": N_("udane"), "rejected": N_("odrzucone"), "failed": N_("błąd"), "running": N_("w toku"),
                 "pending": N_("czeka na decyzję"), "discarded": N_("wycofane")}  # fmt: skip
REFUSAL_PREFIX = "implausible_"  # the codes of the comparison's refusals (ebok.loader.compare)
# Every column, by name: warehouses built before etl_loads gained `diff` (4.12.2026) lack it.
_ETL_SQL = "SELECT * FROM etl_loads ORDER BY started_at DESC"
_ETL_COLUMNS = ("load_id", "started_at", "finished_at", "source", "status", "warehouse_file", "exported_at",
                "row_counts", "errors", "diff")  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """One reason a load rejected a file or a row."""

    file: str | None
    line: int | None
    column: str | None
    message: str
    level: str  # error or warning
    code: str = ""  # the loader's code, e.g. implausible_balance

    @property
    def implausible(self) -> bool:
        """Return True for a refusal of the comparison with the warehouse served."""
        return self.code.startswith(REFUSAL_PREFIX)


@dataclass(frozen=True)
class LoadRun:
    """One load attempt."""

    load_id: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    source: str
    status: str
    warehouse_file: str | None
    exported_at: dt.datetime | None
    row_counts: dict[str, int] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    diff: Diff | None = None  # the comparison with the warehouse served (None: first load, or none)

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status]) if self.status in STATUS_LABELS else self.status

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level != "error")

    @property
    def refusals(self) -> tuple[Problem, ...]:
        """Return the comparison's reasons to refuse (errors; warnings once a publication forced them)."""
        return tuple(p for p in self.problems if p.implausible)


def _message_lang(lang: str | None) -> str:
    """Return which of the loader's messages to show for LANG (None: the run's language).

    The loader stores each message in Polish and English; Ukrainian readers get the English one.
    """
    lang = lang or i18n.current()
    return "en" if lang == "uk" else lang


def _problems(raw: str | None, lang: str | None) -> tuple[Problem, ...]:
    lang = _message_lang(lang)
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        return (Problem(None, None, None, str(raw), "error"),)
    out = []
    for e in items if isinstance(items, list) else []:
        if not isinstance(e, dict):
            continue
        message = e.get(f"message_{lang}") or e.get("message_pl") or e.get("message") or ""
        line = e.get("line")
        out.append(
            Problem(
                file=e.get("file") or None,
                line=int(line) if isinstance(line, int | str) and str(line).isdigit() else None,
                column=e.get("column") or None,
                message=str(message),
                level=str(e.get("level") or "error"),
                code=str(e.get("code") or ""),
            )
        )
    return tuple(out)


def _counts(raw: str | None) -> dict[str, int]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _run(row: Any, lang: str | None) -> LoadRun:
    return LoadRun(
        load_id=row[0],
        started_at=row[1],
        finished_at=row[2],
        source=row[3],
        status=row[4],
        warehouse_file=row[5],
        exported_at=row[6],
        row_counts=_counts(row[7]),
        problems=_problems(row[8], lang),
        diff=from_json(row[9]),
    )


def runs(limit: int = 30, lang: str | None = None) -> list[LoadRun]:
    """Return the newest load attempts from the store, newest first (messages in LANG, default the run's)."""
    t = load_runs
    query = select(
        t.c.load_id,
        t.c.started_at,
        t.c.finished_at,
        t.c.source,
        t.c.status,
        t.c.warehouse_file,
        t.c.exported_at,
        t.c.row_counts,
        t.c.errors,
        t.c.diff,
    ).order_by(t.c.started_at.desc(), t.c.load_id.desc())
    if limit:
        query = query.limit(limit)
    with store.engine().connect() as con:
        return [_run(r, lang) for r in con.execute(query)]


def one(load_id: str, lang: str | None = None) -> LoadRun | None:
    """Return the load attempt LOAD_ID from the store, None when there is none."""
    t = load_runs
    query = select(
        t.c.load_id, t.c.started_at, t.c.finished_at, t.c.source, t.c.status, t.c.warehouse_file,
        t.c.exported_at, t.c.row_counts, t.c.errors, t.c.diff,
    ).where(t.c.load_id == load_id)  # fmt: skip
    with store.engine().connect() as con:
        row = con.execute(query).first()
    return _run(row, lang) if row is not None else None


def warehouse_loads(lang: str | None = None) -> list[LoadRun]:
    """Return the load history recorded inside the current warehouse (empty before the first load)."""
    try:
        with warehouse.cursor() as cur:
            rows = cur.execute(_ETL_SQL).fetchall()
            names = [d[0] for d in cur.description]
    except (FileNotFoundError, warehouse.WarehouseUnavailable):
        return []
    return [_run(tuple(dict(zip(names, r, strict=True)).get(c) for c in _ETL_COLUMNS), lang) for r in rows]


def diff_summary(d: Diff) -> list[dict[str, str]]:
    """Return the comparison's headline rows for the office: premises, customers, total balance."""

    def keys(what: str, k: Any) -> dict[str, str]:
        return {_("Co"): what, _("Było"): fmt.number(k.before, 0), _("Jest"): fmt.number(k.after, 0),
                _("Dodane"): f"+{fmt.number(k.added, 0)}", _("Usunięte"): f"−{fmt.number(k.gone, 0)}",
                _("Przykłady usuniętych"): ", ".join(k.gone_ids)}  # fmt: skip

    balance = {_("Co"): _("Saldo łączne lokali (wpłaty minus należności)"), _("Było"): fmt.money(d.balance_before),
               _("Jest"): fmt.money(d.balance_after), _("Dodane"): "", _("Usunięte"): "",
               _("Przykłady usuniętych"): _("zmiana {amount}").format(amount=fmt.money(d.balance_change))}  # fmt: skip
    return [keys(_("Lokale"), d.premises), keys(_("Klienci"), d.customers), balance]


def ledger_months(d: Diff) -> list[dict[str, str]]:
    """Return the ledger per month (newest first) as the office reads it: rows and sums before and after."""
    return [
        {
            _("Miesiąc"): fmt.month(m.month),
            _("Zapisów było"): fmt.number(m.rows_before, 0),
            _("Suma była"): fmt.money(m.sum_before),
            _("Zapisów jest"): fmt.number(m.rows_after, 0),
            _("Suma jest"): fmt.money(m.sum_after),
            _("Miesiąc zamknięty"): _("tak") if m.closed else _("nie"),
            _("Zmiana"): (_("ZMIENIONY (zamknięty)") if m.closed else _("zmieniony")) if m.changed else "",
        }
        for m in reversed(d.ledger)
    ]


def last_ok(items: list[LoadRun]) -> LoadRun | None:
    """Return the newest successful load of ITEMS."""
    done = [r for r in items if r.status == "ok"]
    return max(done, key=lambda r: r.finished_at or r.started_at) if done else None


def missed_nightly(now: dt.datetime | None = None, items: list[LoadRun] | None = None) -> str | None:
    """Return a warning (in the run's language) when no load succeeded within MISSED_AFTER, else None."""
    now = now or clock.local_now()  # the loader writes Polish local time
    items = runs(limit=200) if items is None else items
    ok = last_ok(items)
    if ok is None:
        return _("Nie było jeszcze udanego ładowania danych z systemu księgowego.")
    when = ok.finished_at or ok.started_at
    if now - when > MISSED_AFTER:
        hours = int((now - when).total_seconds() // 3600)
        failed = [r for r in items if r.started_at > when and r.status in ("rejected", "failed")]
        parts = [_("Ostatnie udane ładowanie było {hours} godz. temu — nocne ładowanie się nie odbyło.")]
        if failed:
            parts.append(
                ngettext(
                    "Od tego czasu {n} próba zakończona odrzuceniem lub błędem.",
                    "Od tego czasu {n} próby zakończone odrzuceniem lub błędem.",
                    len(failed),
                )
            )
        parts.append(_("Sprawdź eksport z systemu księgowego i harmonogram zadań."))
        return " ".join(parts).format(hours=hours, n=len(failed))
    return None


def versions() -> tuple[str | None, list[str]]:
    """Return (the warehouse file in force, all published versions oldest first)."""
    return warehouse.current_version(), warehouse.published_versions()


@dataclass(frozen=True)
class WarehouseProblem:
    """CURRENT's file is unusable: what failed, what residents see, and the one command that fixes it."""

    text: str  # in the run's language, plain text (no Markdown): the path and the cause
    command: str  # run on the server
    unavailable: bool  # no good version at all: residents see no data


def warehouse_problem() -> WarehouseProblem | None:
    """Return the office's account of a broken CURRENT file, or None when the warehouse is in order."""
    fault = warehouse.fault()
    if fault is None:
        return None
    what = _("Plik hurtowni wskazany w CURRENT nie nadaje się do użycia: {path} — {reason}.").format(
        path=fault.path, reason=fault.reason
    )
    if fault.fallback is not None:
        then = _(
            "Portal pokazuje teraz dane z poprzedniej dobrej wersji {version}. Sprawdź przyczynę (dysk, "
            "niedokończona kopia, ręczna zmiana) i utrwal tę wersję poleceniem:"
        ).format(version=fault.fallback)
        return WarehouseProblem(f"{what} {then}", f"{ROLLBACK_COMMAND} {fault.fallback}", unavailable=False)
    then = _(
        "Nie ma żadnej dobrej wersji hurtowni, więc mieszkańcy widzą komunikat „Dane są chwilowo "
        "niedostępne”. Załaduj ostatni eksport ponownie poleceniem poniżej; po przywróceniu pliku "
        "hurtowni z kopii zapasowej wskaż go poleceniem „{command}”."
    ).format(command=f"{ROLLBACK_COMMAND} WERSJA")
    return WarehouseProblem(f"{what} {then}", LOAD_COMMAND, unavailable=True)


@dataclass(frozen=True)
class Outbox:
    """The e-mail outbox at a glance (notifications after loads go through it)."""

    pending: int
    failing: int  # pending messages that already failed at least once
    last_error: str | None


def outbox_state() -> Outbox:
    """Return how many e-mails wait in the outbox and the newest SMTP error."""
    rows = outbox.pending()
    failing = [r for r in rows if r.get("attempts")]
    last = max(failing, key=lambda r: r["id"])["last_error"] if failing else None
    return Outbox(pending=len(rows), failing=len(failing), last_error=last)


def unbooked_payments() -> list[online_payments.OnlinePayment]:
    """Return the online payments confirmed but not booked by any load yet, the oldest first."""
    found = [p for p in online_payments.search(status="confirmed") if p.booked_load is None]
    return sorted(found, key=lambda p: (pending.confirmed_at(p), p.payment_id))


def unbooked_rows(
    items: list[online_payments.OnlinePayment], now: dt.datetime | None = None
) -> list[dict[str, str]]:
    """Return the office's rows of UNBOOKED payments (oldest first) with how long each has waited."""
    now = now or clock.now()
    return [
        {
            # Column names stay the Polish msgids: tables.show matches them to its Layout and translates.
            N_("Opłacona"): fmt.local_datetime(pending.confirmed_at(p)),
            N_("Czeka"): payment_status.age(now - pending.confirmed_at(p)),
            N_("Kwota"): fmt.money(p.amount),
            N_("Lokal"): p.premises_id,
            N_("Eksport"): _("paczka {batch}").format(batch=p.exported_batch)
            if p.exported_batch
            else _("jeszcze nie wyeksportowana"),
            N_("Nr płatności"): p.payment_id,
        }
        for p in items
    ]


NOTIFICATION_DAYS = 30  # "Stan danych" counts the notifications of the last month


def notification_rows(now: dt.datetime | None = None) -> list[dict[str, str | int]]:
    """Return per event how many notifications went out in the last NOTIFICATION_DAYS (translated columns)."""
    since = (now or clock.now()) - dt.timedelta(days=NOTIFICATION_DAYS)
    return [
        {
            _("Zdarzenie"): c.label,
            _("Wysłane e-mailem"): c.queued,
            _("Przyjęte przez serwer poczty"): c.sent,
            _("Z błędem wysyłki"): c.failing,
            _("Czeka na zestawienie tygodniowe"): c.digest,
        }
        for c in notifications.counts(since)
    ]
