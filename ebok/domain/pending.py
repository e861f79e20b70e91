"""Online payments the gateway confirmed and the accounting system has not booked yet.

A resident who pays online sees the payment at once, as "wpłata w trakcie księgowania", and the
balance with it, clearly marked. The arithmetic is the accounting system's own: a pending payment is
one more credit of the premises' ledger, so it covers the oldest-due charges first (FIFO, as
finance.open_items_from allocates booked payments). Once a load books it (online_payments.mark_booked)
it is no longer pending and the ledger has it instead: never counted twice.

Amounts are summed in grosze (int) and turned into Decimal zł once; nothing here is cached, because the
store changes between warehouse versions (pages pass the payments into cached reads as part of the key).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ebok.core import clock, fmt
from ebok.core.i18n import N_, _, ngettext
from ebok.domain import finance, online_payments, payments
from ebok.domain.finance import Entry, Figure, OpenItem, Summary
from ebok.domain.online_payments import OnlinePayment
from ebok.storage import warehouse

LABEL = N_("wpłata w trakcie księgowania")
BALANCE_LABEL = N_("Saldo po uwzględnieniu wpłat w trakcie księgowania")
KIND_NAME = N_("Wpłata online (w trakcie księgowania)")
ENTRY_PREFIX = "online:"  # ledger entry ids of pending payments, never an id of the export
CENT = Decimal("0.01")
BALANCE_HELP = N_("Saldo dodatnie to nadpłata, ujemne to kwota do zapłaty.")


def for_premises(premises_id: str) -> tuple[OnlinePayment, ...]:
    """Return the premises' confirmed, not yet booked online payments, oldest first (never cached)."""
    found = online_payments.unbooked_confirmed(premises_id)
    return tuple(sorted(found, key=lambda p: (confirmed_at(p), p.payment_id)))


def confirmed_at(payment: OnlinePayment) -> dt.datetime:
    """Return when the gateway confirmed PAYMENT (its last change when the moment was not recorded)."""
    return payment.confirmed_at or payment.updated_at or payment.created_at


def confirmed_on(payment: OnlinePayment) -> dt.date:
    """Return the Polish calendar day PAYMENT was confirmed (the store keeps naive UTC)."""
    return clock.local_time(confirmed_at(payment)).date()


def total_grosze(items: Sequence[OnlinePayment]) -> int:
    """Return the sum of ITEMS in grosze."""
    return sum(p.amount_grosze for p in items)


def zl(grosze: int) -> Decimal:
    """Return GROSZE as Decimal zł with two decimals (exact)."""
    return (Decimal(grosze) / 100).quantize(CENT)


def total(items: Sequence[OnlinePayment]) -> Decimal:
    """Return the sum of ITEMS in zł."""
    return zl(total_grosze(items))


def entries(items: Sequence[OnlinePayment]) -> list[Entry]:
    """Return ITEMS as payment entries of the ledger (balance_after left at 0; see ledger())."""
    return [
        Entry(
            entry_id=ENTRY_PREFIX + p.payment_id,
            kind="payment",
            entry_date=confirmed_on(p),
            due_date=None,
            document_no=None,
            description=_("Płatność online {payment_id} — wpłata w trakcie księgowania").format(
                payment_id=p.payment_id
            ),
            amount=-zl(p.amount_grosze),
            balance_after=finance.ZERO,
        )
        for p in items
    ]


def ledger(booked: Sequence[Entry], items: Sequence[OnlinePayment]) -> list[Entry]:
    """Return the booked entries followed by the pending payments, the running balance carried on.

    Pending payments come after every booked entry, whatever their date: they are not in the
    accounting system's ledger yet, so "Saldo po" of a pending entry is the booked balance plus them.
    """
    out = list(booked)
    balance = out[-1].balance_after if out else finance.ZERO
    for entry in entries(items):
        balance += entry.payment
        out.append(dataclasses.replace(entry, balance_after=balance))
    return out


def summary(
    booked: Summary, booked_entries: Sequence[Entry], items: Sequence[OnlinePayment], today: dt.date
) -> Summary:
    """Return BOOKED (the premises' summary from the warehouse) with ITEMS counted as paid (FIFO)."""
    if not items:
        return booked
    return dataclasses.replace(booked, **finance.money_fields(ledger(booked_entries, items), today))


@dataclass(frozen=True)
class View:
    """A premises' money as booked by the accounting system and with its pending payments counted."""

    booked: Summary
    adjusted: Summary  # BALANCE_LABEL: booked plus pending payments, allocated FIFO
    booked_items: tuple[OpenItem, ...]
    adjusted_items: tuple[OpenItem, ...]
    pending: tuple[OnlinePayment, ...]


def view(premises_id: str, today: dt.date, items: Sequence[OnlinePayment]) -> View | None:
    """Return the premises' booked and adjusted money (one warehouse read); None when it has no data."""
    row = warehouse.one("finance_premises_address", premises_id=premises_id)
    if row is None:
        return None
    booked_entries = finance.history(premises_id)
    booked = finance.summary_from(row, booked_entries, today)
    return View(
        booked=booked,
        adjusted=summary(booked, booked_entries, items, today),
        booked_items=tuple(finance.open_items_from(booked_entries)),
        adjusted_items=tuple(open_items(booked_entries, items)),
        pending=tuple(items),
    )


def transfer(booked: payments.Transfer, adjusted: Summary) -> payments.Transfer:
    """Return the transfer details and QR payload for what remains after the pending payments."""
    amount = adjusted.to_pay
    return dataclasses.replace(
        booked,
        amount=amount,
        overdue=adjusted.overdue,
        balance=adjusted.balance,
        next_due=adjusted.next_due,
        next_due_amount=adjusted.next_due_amount,
        payload=payments.qr_payload(booked.nip, booked.account, amount, booked.recipient_name, booked.title),
    )


def open_items(booked_entries: Sequence[Entry], items: Sequence[OnlinePayment]) -> list[OpenItem]:
    """Return the premises' charges with what remains after booked and pending payments (FIFO)."""
    return finance.open_items_from(ledger(booked_entries, items))


def item_status(booked: OpenItem, adjusted: OpenItem, today: dt.date) -> str:
    """Return the status of a charge, saying so when a pending payment covers it (wholly or in part)."""
    if adjusted.remaining >= booked.remaining:
        return adjusted.status(today)
    if adjusted.remaining <= 0:
        return _("opłacone online — w trakcie księgowania")
    return _("częściowo opłacone online — w trakcie księgowania")


def items_rows(
    booked: Sequence[OpenItem],
    adjusted: Sequence[OpenItem],
    today: dt.date,
    pdfs: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """Return Faktury's rows of ADJUSTED (same charges as BOOKED), statuses telling pending payments."""
    before = {i.entry_id: i for i in booked}
    rows = finance.items_rows(adjusted, today, pdfs)
    for row, item in zip(rows, adjusted, strict=True):
        if item.entry_id in before:
            row["Status"] = item_status(before[item.entry_id], item, today)
    return rows


def unpaid_booked(adjusted: Sequence[OpenItem], booked: Sequence[OpenItem]) -> list[OpenItem]:
    """Return the items of ADJUSTED the accounting system still counts unpaid, oldest due first.

    An invoice a pending payment covers stays in the "unpaid" list, marked, until the payment is
    booked: it would otherwise vanish from the list a resident has just paid from.
    """
    still = {i.entry_id for i in booked if i.remaining > 0}
    return [i for i in adjusted if i.entry_id in still]


def rows(items: Sequence[OnlinePayment], booked_balance: Decimal) -> list[dict[str, str]]:
    """Return history rows (tables.HISTORY) of the pending payments, newest first, balance carried on."""
    out = []
    balance = booked_balance
    for p in items:
        balance += zl(p.amount_grosze)
        out.append(
            {
                N_("Data"): fmt.date(confirmed_on(p)),
                N_("Naliczenie"): "",
                N_("Wpłata"): fmt.money(zl(p.amount_grosze)),
                N_("Saldo po"): fmt.money(balance),
                N_("Rodzaj"): _(KIND_NAME),
                N_("Opis"): _("Płatność online {payment_id}, opłacona {when}").format(
                    payment_id=p.payment_id, when=fmt.local_datetime(confirmed_at(p))
                ),
                N_("Dokument"): ", ".join(p.invoices),
            }
        )
    return list(reversed(out))


def balance_figures(booked_balance: Decimal, items: Sequence[OnlinePayment]) -> list[Figure]:
    """Return the booked balance, the pending payments and the balance with them (resident's sign)."""
    pending = total(items)
    return [
        Figure(_("Saldo według księgowości"), booked_balance, _(BALANCE_HELP)),
        Figure(
            _("Wpłaty w trakcie księgowania"),
            pending,
            _(
                "Płatności online potwierdzone przez operatora, "
                "których system księgowy jeszcze nie zaksięgował."
            ),
        ),
        Figure(_(BALANCE_LABEL), booked_balance + pending, _(BALANCE_HELP)),
    ]


def notice(items: Sequence[OnlinePayment]) -> str:
    """Return the sentence that tells the resident what is counted and until when."""
    count = len(items)
    counted = ngettext(
        "Uwzględniamy {n} wpłatę online w trakcie księgowania na łączną kwotę {amount}.",
        "Uwzględniamy {n} wpłaty online w trakcie księgowania na łączną kwotę {amount}.",
        count,
    ).format(n=count, amount=fmt.money(total(items)))
    rest = _(
        "Kwoty na tej stronie już je obejmują; system księgowy zaksięguje je zwykle w nocnym "
        "przetwarzaniu danych, a wtedy pojawią się w historii jako zwykłe wpłaty."
    )
    return f"{counted} {rest}"


def summaries_rows(summaries: Sequence[Summary], views: Mapping[str, View]) -> list[dict[str, str]]:
    """Return the table of the user's premises, those with pending payments counted and marked."""
    rows = finance.summaries_rows(
        views[s.premises_id].adjusted if s.premises_id in views else s for s in summaries
    )
    for row in rows:
        if row["Lokal"] in views:
            row["Stan"] = _("{state} (z uwzględnieniem wpłat w trakcie księgowania)").format(
                state=row["Stan"]
            )
    return rows
