"""What a resident pays online on "Zapłać": the amount remaining, chosen open charges, or another amount.

The amount is decided here, in grosze, before the gateway is asked (online_payments.start checks the
limits again): a refused choice raises FormError naming the field ("Kwota", "Należności"), in Polish.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ebok.core import fmt
from ebok.core.errors import FormError
from ebok.core.i18n import N_, _
from ebok.domain.finance import OpenItem

REMAINING = "remaining"
ITEMS = "items"
OTHER = "other"
MODES = {
    REMAINING: N_("Całą kwotę do zapłaty"),
    ITEMS: N_("Wybrane faktury i naliczenia"),
    OTHER: N_("Inną kwotę"),
}
AMOUNT_FIELD = N_("Kwota")
ITEMS_FIELD = N_("Należności")
_AMOUNT = re.compile(r"^\d+([.,]\d{1,2})?$")


@dataclass(frozen=True)
class Choice:
    """What the resident decided to pay: grosze and the charges it is meant for (their references)."""

    amount_grosze: int
    invoices: tuple[str, ...] = ()


def reference(item: OpenItem) -> str:
    """Return how a payment names a charge: its document number, else the ledger entry id."""
    return item.document_no or item.entry_id


def payable(items: Sequence[OpenItem]) -> list[OpenItem]:
    """Return the charges that can still be paid (something remains), oldest due first."""
    return sorted((i for i in items if i.remaining > 0), key=lambda i: (i.due_date, i.entry_id))


def item_label(item: OpenItem) -> str:
    """Return 'do 10.12.2026 · Opłata za lokal za grudzień 2026 · 412,35 zł (FV/2026/12/001)'."""
    values = {
        "date": fmt.date(item.due_date),
        "description": item.description,
        "amount": fmt.money(item.remaining),
        "number": item.document_no,
    }
    if item.document_no:
        return _("do {date} · {description} · {amount} ({number})").format(**values)
    return _("do {date} · {description} · {amount}").format(**values)


def grosze(amount: Decimal) -> int:
    """Return AMOUNT zł in grosze (amounts here have at most two decimals)."""
    return int(amount * 100)


def parse_amount(text: str) -> int:
    """Return the grosze of an amount typed as '150', '150,5' or '1 234,56'; FormError otherwise."""
    cleaned = (text or "").replace("\xa0", "").replace(" ", "").removesuffix("zł").strip()
    if not cleaned:
        raise FormError.one(_(AMOUNT_FIELD), _("wpisz kwotę w złotych, np. 150,00."))
    if not _AMOUNT.match(cleaned):
        raise FormError.one(
            _(AMOUNT_FIELD),
            _("wpisz kwotę cyframi, z przecinkiem i najwyżej dwoma miejscami po nim, np. 150,00."),
        )
    try:
        return grosze(Decimal(cleaned.replace(",", ".")))
    except InvalidOperation as exc:  # the pattern lets through only numbers; kept for safety
        raise FormError.one(_(AMOUNT_FIELD), _("wpisz kwotę w złotych, np. 150,00.")) from exc


def check_limits(amount_grosze: int, limits: tuple[int, int]) -> None:
    """Refuse AMOUNT_GROSZE outside the office's (min, max) for online payments, naming the field."""
    low, high = limits
    if low <= amount_grosze <= high:
        return
    values = {
        "amount": fmt.money(Decimal(amount_grosze) / 100),
        "low": fmt.money(Decimal(low) / 100),
        "high": fmt.money(Decimal(high) / 100),
    }
    if amount_grosze > high:
        raise FormError.one(
            _(AMOUNT_FIELD),
            _(
                "kwota {amount} przekracza limit płatności online (od {low} do {high}). "
                "Zapłać część online („Inną kwotę”) albo przelewem z danymi poniżej."
            ).format(**values),
        )
    raise FormError.one(
        _(AMOUNT_FIELD), _("płatność online musi wynosić od {low} do {high}.").format(**values)
    )


def choose(
    mode: str,
    remaining: Decimal,
    open_items: Sequence[OpenItem],
    chosen: Sequence[str],
    other: str,
    limits: tuple[int, int],
) -> Choice:
    """Return what to pay for MODE (REMAINING, ITEMS or OTHER); FormError names the refused field.

    REMAINING is what is due after booked and pending payments; CHOSEN holds references of
    OPEN_ITEMS (reference()); OTHER is the amount the resident typed.
    """
    if mode == REMAINING:
        if remaining <= 0:
            raise FormError.one(
                _(AMOUNT_FIELD), _("nie ma nic do zapłaty. Aby wpłacić z góry, wybierz „Inną kwotę”.")
            )
        choice = Choice(grosze(remaining))
    elif mode == ITEMS:
        wanted = set(chosen)
        picked = [i for i in payable(open_items) if reference(i) in wanted]  # oldest due first
        if not picked:
            raise FormError.one(
                _(ITEMS_FIELD), _("wybierz co najmniej jedną fakturę lub naliczenie do zapłaty.")
            )
        amount = sum((i.remaining for i in picked), Decimal(0))
        choice = Choice(grosze(amount), tuple(reference(i) for i in picked))
    elif mode == OTHER:
        choice = Choice(parse_amount(other))
    else:
        raise FormError.one(_(AMOUNT_FIELD), _("wybierz, co chcesz zapłacić."))
    check_limits(choice.amount_grosze, limits)
    return choice
