"""Online payments as people read them: the resident's status page and the office's list.

The facts come from ebok.domain.online_payments (our store); this module only words them in Polish and
decides what the office must look at (failures, refused or mismatched notifications, long waits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ebok.core import clock, fmt
from ebok.core.i18n import N_, _, ngettext
from ebok.domain import online_payments
from ebok.domain.online_payments import STATUS_LABELS, OnlinePayment

WAITING = ("new", "pending")
GATEWAY_NAMES = {"przelewy24": "Przelewy24", "payu": "PayU"}
STUCK_AFTER = dt.timedelta(hours=1)  # waiting longer than this: the office should look
FLAG = "⚠ "
WATCH_EVERY = dt.timedelta(seconds=5)  # the return page re-reads the store this often while waiting
WATCH_FOR = dt.timedelta(minutes=15)  # and stops after this (a tab left open does not poll for ever)
WAITING_FILTER = "waiting"
# The office's status filter: "new" and "pending" are one state to people (czeka na potwierdzenie).
STATUS_FILTERS = {
    WAITING_FILTER: STATUS_LABELS["pending"],
    "confirmed": STATUS_LABELS["confirmed"],
    "failed": STATUS_LABELS["failed"],
    "cancelled": STATUS_LABELS["cancelled"],
    "expired": STATUS_LABELS["expired"],
}


@dataclass(frozen=True)
class State:
    """What the return page says about a payment."""

    tone: str  # success, info, error, warning (the Streamlit message it is shown with)
    label: str  # STATUS_LABELS: czeka na potwierdzenie, opłacona, nieudana, anulowana, wygasła
    headline: str
    text: str

    @property
    def waiting(self) -> bool:
        """Return True while the gateway has not told us the outcome."""
        return self.tone == "info"


def label(status: str) -> str:
    """Return the name of STATUS in the language of this run."""
    return _(STATUS_LABELS.get(status, status))


def describe(p: OnlinePayment) -> State:
    """Return the return page's message for payment P, from its status in our store."""
    name = label(p.status)
    if p.status in WAITING:
        return State(
            "info",
            name,
            _("Płatność czeka na potwierdzenie"),
            _(
                "Operator płatności jeszcze nas nie powiadomił. Zwykle trwa to kilka sekund do kilku minut; "
                "nie płać drugi raz."
            ),
        )
    if p.status == "confirmed":
        if p.booked_load:
            text = _("Wpłata {amount} została zaksięgowana; saldo na stronie „Saldo” już ją uwzględnia.")
        else:
            text = _(
                "Wpłata {amount} jest widoczna jako wpłata w trakcie księgowania; "
                "saldo na stronie „Saldo” już ją uwzględnia."
            )
        return State(
            "success",
            name,
            _("Płatność opłacona — dziękujemy"),
            text.format(amount=fmt.money(p.amount)),
        )
    texts = {
        "failed": (
            "error",
            _("Płatność nieudana"),
            _("Pieniądze nie zostały pobrane. Możesz spróbować ponownie."),
        ),
        "cancelled": ("warning", _("Płatność anulowana"), _("Płatność przerwano; nic nie zostało pobrane.")),
        "expired": (
            "warning",
            _("Płatność wygasła"),
            _(
                "Nie opłacono jej w wyznaczonym czasie. "
                "Jeśli pieniądze zostały pobrane, skontaktuj się z biurem."
            ),
        ),
    }
    tone, headline, text = texts.get(p.status, ("warning", name, _("Skontaktuj się z biurem.")))
    return State(tone, name, headline, text)


def keep_watching(p: OnlinePayment, now: dt.datetime | None = None) -> bool:
    """Return True while the return page should re-read P's status by itself (waiting, and not for long)."""
    return p.status in WAITING and (now or clock.now()) - p.created_at < WATCH_FOR


def detail_rows(p: OnlinePayment) -> list[dict[str, str]]:
    """Return 'Pole'/'Wartość' rows about payment P for its owner (no internal notes)."""
    rows = [
        (_("Numer płatności"), p.payment_id),
        (_("Lokal"), p.premises_id),
        (_("Kwota"), fmt.money(p.amount)),
        (_("Status"), label(p.status)),
        (_("Operator płatności"), GATEWAY_NAMES.get(p.gateway, p.gateway)),
        (_("Rozpoczęta"), fmt.local_datetime(p.created_at)),
        (_("Opłacona"), fmt.local_datetime(p.confirmed_at) if p.confirmed_at else "—"),
        (_("Za faktury"), ", ".join(p.invoices) or "—"),
    ]
    return [{_("Pole"): k, _("Wartość"): v} for k, v in rows]


# --- the office ---------------------------------------------------------------------------------


def needs_attention(p: OnlinePayment, now: dt.datetime | None = None) -> str:
    """Return why the office should look at P ('' when nothing): failure, a refused notification, a long wait."""
    if p.problem:
        return p.problem
    if p.status == "failed":
        return _("płatność nieudana")
    if p.status in WAITING and (now or clock.now()) - p.created_at > STUCK_AFTER:
        return _("brak powiadomienia od operatora ponad godzinę")
    return ""


def office_search(
    status: str,
    premises_id: str,
    date_from: dt.date | None,
    date_to: dt.date | None,
    problems_only: bool,
    now: dt.datetime | None = None,
) -> list[OnlinePayment]:
    """Return the payments the office's filters select, newest first (days of creation, UTC).

    "Only problems" keeps exactly the rows the list highlights (needs_attention): failures, refused
    or mismatched notifications, and payments waiting too long for one.
    """
    wanted = WAITING if status == WAITING_FILTER else (status or None)
    found = online_payments.search(
        status=wanted, premises_id=premises_id.strip() or None, date_from=date_from, date_to=date_to
    )
    if problems_only:
        now = now or clock.now()
        found = [p for p in found if needs_attention(p, now)]
    return found


def handoff(p: OnlinePayment) -> str:
    """Return where P stands in the hand-off to accounting."""
    if p.booked_load:
        return _("zaksięgowana (ładowanie {load})").format(load=p.booked_load)
    if p.exported_batch:
        return _("wyeksportowana (paczka {batch})").format(batch=p.exported_batch)
    if p.status == "confirmed":
        return _("czeka na eksport")
    return "—"


def office_rows(items: Iterable[OnlinePayment], now: dt.datetime | None = None) -> list[dict[str, str]]:
    """Return the office's rows (newest first as given), problems flagged with ⚠ in 'Uwagi'."""
    now = now or clock.now()
    out = []
    for p in items:
        why = needs_attention(p, now)
        out.append(
            {
                N_("Utworzona"): fmt.local_datetime(p.created_at),
                N_("Kwota"): fmt.money(p.amount),
                N_("Status"): (FLAG if why else "") + label(p.status),
                N_("Lokal"): p.premises_id,
                N_("Uwagi"): (FLAG + why) if why else "",
                N_("Księgowość"): handoff(p),
                N_("Opłacona"): fmt.local_datetime(p.confirmed_at) if p.confirmed_at else "",
                N_("Operator"): GATEWAY_NAMES.get(p.gateway, p.gateway),
                N_("Id operatora"): p.gateway_ref or "",
                N_("Nr płatności"): p.payment_id,
                N_("Mieszkaniec"): p.username,
            }
        )
    return out


def flagged(rows: Sequence[dict[str, str]]) -> list[bool]:
    """Return, per office row, whether it is highlighted (a failure, mismatch or long wait)."""
    return [bool(r["Uwagi"]) for r in rows]


@dataclass(frozen=True)
class Totals:
    """The office's headline numbers of a list of payments."""

    count: int
    confirmed_grosze: int
    problems: int
    waiting_export: int


def totals(items: Sequence[OnlinePayment], now: dt.datetime | None = None) -> Totals:
    """Return the count, the confirmed sum (grosze), the flagged ones and those waiting for export."""
    now = now or clock.now()
    return Totals(
        count=len(items),
        confirmed_grosze=sum(p.amount_grosze for p in items if p.status == "confirmed"),
        problems=sum(1 for p in items if needs_attention(p, now)),
        waiting_export=sum(1 for p in items if p.status == "confirmed" and not p.exported_batch),
    )


def age(delta: dt.timedelta) -> str:
    """Return '3 dni 4 godz.', '5 godz.' or 'mniej niż godzinę'."""
    hours = int(delta.total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    if days:
        return ngettext("{days} dzień {hours} godz.", "{days} dni {hours} godz.", days).format(
            days=days, hours=hours
        )
    return _("{hours} godz.").format(hours=hours) if hours else _("mniej niż godzinę")
