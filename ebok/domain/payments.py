"""Transfer details of a premises and the payment QR code of the Polish banks' 2D standard.

ZBP "Rekomendacja dotycząca standardu 2D (QR) dla płatności" (Związek Banków Polskich,
3.12.2013): one line, fields separated by '|', in this order:

  1. NIP of the recipient      – 10 digits, may be empty
  2. country code              – 2 letters, always "PL"
  3. recipient's account (NRB) – 26 digits, no spaces, no "PL"
  4. amount in grosze          – 6 digits, zero padded (000000–999999, so at most 9 999,99 zł)
  5. recipient name            – at most 20 characters
  6. transfer title            – at most 32 characters
  7. reserved: direct debit id – at most 20 characters (empty here)
  8. reserved: Invoobill id    – at most 12 characters (empty here)
  9. reserved                  – at most 24 characters (empty here)

so a payload looks like `5260001246|PL|61109010140000071219812874|074235|Spółdzielnia Mieszka|Opłaty za lokal M-001 L0001|||`.
Text fields keep Polish letters (the payload is encoded in UTF-8); '|' becomes a space and characters
outside letters, digits, space and , . / \\ - @ # & * _ are dropped (what banks' parsers accept); they are
cut to their maximum length. The QR symbol is made with segno at error correction level L, as the
recommendation and its public implementations (e.g. IonBazan/pl-qr-payment) do: the smallest symbol,
which banking apps read best from a phone screen.
Amounts above 9 999,99 zł do not fit the field: the payload then carries 000000 and the page
asks the resident to type the amount.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import segno

from ebok.core import config, fmt
from ebok.core.i18n import _
from ebok.domain import finance

SEPARATOR = "|"
NIP_LEN = 10
COUNTRY = "PL"
ACCOUNT_LEN = 26
AMOUNT_LEN = 6
NAME_MAX = 20
TITLE_MAX = 32
MAX_QR_AMOUNT = Decimal("9999.99")
_NOT_ALLOWED = re.compile(r"[^0-9A-Za-zĄĆĘŁŃÓŚŹŻąćęłńóśźż ,./\\\-@#&*_]")


def digits(text: str) -> str:
    """Return only the digits of TEXT (an NRB or NIP written with spaces or dashes)."""
    return re.sub(r"\D", "", text or "")


def clean_text(text: str, limit: int) -> str:
    """Return TEXT without characters the 2D standard refuses, spaces squeezed, cut to LIMIT."""
    text = _NOT_ALLOWED.sub("", (text or "").replace(SEPARATOR, " "))
    return re.sub(r"\s+", " ", text).strip()[:limit].rstrip()


def grosze(amount: Decimal) -> int:
    """Return AMOUNT (zł) in grosze, rounded half up."""
    return int((Decimal(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def qr_payload(nip: str, account: str, amount: Decimal, recipient: str, title: str) -> str:
    """Return the ZBP 2D payload for a transfer of AMOUNT zł (see the module docstring)."""
    account_digits = digits(account)
    if len(account_digits) != ACCOUNT_LEN:
        raise ValueError(_("Numer rachunku: rachunek musi mieć 26 cyfr (NRB)."))
    nip_digits = digits(nip)
    if nip_digits and len(nip_digits) != NIP_LEN:
        raise ValueError(_("NIP: numer NIP musi mieć 10 cyfr."))
    if amount < 0:
        raise ValueError(_("Kwota: kwota nie może być ujemna."))
    amount_gr = grosze(amount) if amount <= MAX_QR_AMOUNT else 0
    fields = [
        nip_digits,
        COUNTRY,
        account_digits,
        f"{amount_gr:0{AMOUNT_LEN}d}",
        clean_text(recipient, NAME_MAX),
        clean_text(title, TITLE_MAX),
        "",
        "",
        "",
    ]
    return SEPARATOR.join(fields)


QR_ERROR = "l"  # the ZBP recommendation's error correction level


def qr_symbol(payload: str) -> segno.QRCode:
    """Return the QR symbol carrying PAYLOAD (UTF-8, error level L, never raised by segno)."""
    return segno.make_qr(payload, error=QR_ERROR, encoding="utf-8", boost_error=False)


def qr_png(payload: str, scale: int = 6) -> bytes:
    """Return a PNG image of the QR symbol carrying PAYLOAD (see qr_symbol)."""
    out = io.BytesIO()
    qr_symbol(payload).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


@dataclass(frozen=True)
class Transfer:
    """Everything a resident needs to pay for one premises."""

    premises_id: str
    customer_id: str
    recipient_name: str  # company name
    recipient_address: str
    nip: str  # company NIP, digits
    account: str  # the premises' individual NRB, 26 digits
    title: str
    amount: Decimal  # zł to pay now: overdue + issued and not yet due; 0 when overpaid
    overdue: Decimal  # zł after the due date
    balance: Decimal  # zł, > 0 overpayment
    next_due: dt.date | None
    next_due_amount: Decimal  # zł unpaid due on next_due
    payload: str  # ZBP 2D payload

    @property
    def account_display(self) -> str:
        """The NRB in groups of four."""
        return fmt.nrb(self.account)

    @property
    def amount_fits_qr(self) -> bool:
        """Whether the amount fits the 6-digit grosze field of the QR code."""
        return self.amount <= MAX_QR_AMOUNT

    @property
    def overpaid(self) -> bool:
        """Whether nothing is due and the account is in credit."""
        return self.amount == 0 and self.balance > 0


def transfer_title(premises_id: str, customer_id: str) -> str:
    """Return the transfer title: 'Opłaty za lokal <premises> <customer>'."""
    return f"Opłaty za lokal {premises_id} {customer_id}"


def transfer(premises_id: str, today: dt.date, cfg: config.Config | None = None) -> Transfer | None:
    """Return the transfer details and QR payload of the premises (None when not in the warehouse)."""
    info = finance.premises_info(premises_id, today)
    if info is None:
        return None
    return transfer_for(info, finance.history(premises_id), today, cfg)


def transfer_for(
    info: finance.PremisesInfo,
    entries: Sequence[finance.Entry],
    today: dt.date,
    cfg: config.Config | None = None,
) -> Transfer:
    """Return the transfer details of the premises INFO from its whole ledger ENTRIES (no read)."""
    premises_id = info.premises_id
    money = finance.summary_from(vars(info), entries, today)
    company = (cfg or config.load()).company
    title = transfer_title(premises_id, info.customer_id)
    amount = money.to_pay
    return Transfer(
        premises_id=premises_id,
        customer_id=info.customer_id,
        recipient_name=company.name,
        recipient_address=company.address,
        nip=digits(company.nip),
        account=digits(info.bank_account),
        title=title,
        amount=amount,
        overdue=money.overdue,
        balance=money.balance,
        next_due=money.next_due,
        next_due_amount=money.next_due_amount,
        payload=qr_payload(company.nip, info.bank_account, amount, company.name, title),
    )


def amount_text(t: Transfer) -> str:
    """Return 'Do zapłaty: **742,35 zł** (zaległość po terminie …, do zapłaty do 10.12.2026 …, …).'."""
    later = t.amount - t.overdue - (t.next_due_amount if t.next_due else 0)
    if t.next_due and t.overdue == 0 and later <= 0:
        return _("Do zapłaty do {date}: **{amount}**.").format(
            date=fmt.date(t.next_due), amount=fmt.money(t.amount)
        )
    parts = []
    if t.overdue > 0:
        parts.append(_("zaległość po terminie {amount}").format(amount=fmt.money(t.overdue)))
    if t.next_due:
        parts.append(
            _("do zapłaty do {date} {amount}").format(
                date=fmt.date(t.next_due), amount=fmt.money(t.next_due_amount)
            )
        )
    if later > 0:
        parts.append(_("w kolejnych terminach {amount}").format(amount=fmt.money(later)))
    if not parts:
        return _("Do zapłaty: **{amount}**.").format(amount=fmt.money(t.amount))
    return _("Do zapłaty: **{amount}** ({details}).").format(
        amount=fmt.money(t.amount), details=", ".join(parts)
    )
