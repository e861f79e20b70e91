"""E-mail notifications after the nightly load: new invoices and documents, once per item.

Residents whose customer record has email_consent get one e-mail per run listing what is new for
their premises: ledger invoices/charges that carry a document number, and documents of the premises.
An invoice and its PDF share one item key, so they are announced once. Each (customer, item) is
recorded in notifications_sent (unique), so a second run, or two runs at once, never repeat an
e-mail. Only items dated within the last `days` days are considered: old history is never announced;
`--baseline` records everything current as already announced (first deployment) without e-mailing.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import quote

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ebok.auth import users
from ebok.core import clock, config, fmt
from ebok.storage import outbox, store, warehouse
from ebok.storage.tables import notifications_sent

DEFAULT_DAYS = 35  # a monthly invoice plus a few days of delay in the export

_LEDGER_SQL = """
-- Charges and invoices with a document number, one row per document (several ledger lines may share
-- a number); amounts in zł are not sent by e-mail.
SELECT l.premises_id, p.customer_id, l.document_no, min(l.entry_date) AS entry_date,
       min(l.due_date) AS due_date, min(l.description) AS description
FROM ledger l JOIN premises p ON p.premises_id = l.premises_id
WHERE l.kind IN ('invoice', 'charge') AND l.document_no IS NOT NULL AND l.entry_date >= $since
GROUP BY l.premises_id, p.customer_id, l.document_no
"""
_DOCUMENTS_SQL = """
-- Documents addressed to one premises (general regulations are not announced).
SELECT d.document_id, d.premises_id, p.customer_id, d.kind, d.title, d.issued_on, d.document_no
FROM documents d JOIN premises p ON p.premises_id = d.premises_id
WHERE d.issued_on >= $since
"""
_CUSTOMERS_SQL = "SELECT customer_id, name, email, email_consent FROM customers"
_PREMISES_SQL = """
SELECT premises_id, street || ' ' || building_no || coalesce('/' || unit_no, '') || ', ' || city
FROM premises
"""
DOCUMENT_KINDS = {
    "invoice": "Faktura",
    "water_settlement": "Rozliczenie wody",
    "notice": "Zawiadomienie",
    "regulation": "Regulamin",
    "other": "Dokument",
}


@dataclass(frozen=True)
class Item:
    """One thing to announce to a customer."""

    customer_id: str
    premises_id: str
    key: str  # unique per customer
    line: str  # one line of the e-mail, Polish
    day: dt.date


@dataclass
class Result:
    """What a run did."""

    emails: int = 0
    items: int = 0
    already_sent: int = 0
    no_consent: int = 0
    no_address: int = 0
    baseline: int = 0
    failed: list[str] = field(default_factory=list)


def _invoice_key(premises_id: str, document_no: str) -> str:
    return f"invoice:{premises_id}:{document_no}"[:120]


def collect(since: dt.date) -> list[Item]:
    """Return the items dated on or after SINCE, one per (customer, key), from the current warehouse."""
    with warehouse.cursor() as cur:
        ledger = cur.execute(_LEDGER_SQL, {"since": since}).fetchall()
        docs = cur.execute(_DOCUMENTS_SQL, {"since": since}).fetchall()
        addresses = dict(cur.execute(_PREMISES_SQL).fetchall())
    items: dict[tuple[str, str], Item] = {}
    for premises_id, customer_id, document_no, entry_date, due_date, description in ledger:
        due = f", termin płatności {fmt.date(due_date)}" if due_date else ""
        line = (
            f"{description} nr {document_no} z {fmt.date(entry_date)}{due} (lokal {addresses[premises_id]})"
        )
        key = _invoice_key(premises_id, document_no)
        items[(customer_id, key)] = Item(customer_id, premises_id, key, line, entry_date)
    for document_id, premises_id, customer_id, kind, title, issued_on, document_no in docs:
        # The PDF of an invoice already announced from the ledger is the same item.
        key = _invoice_key(premises_id, document_no) if document_no else f"document:{document_id}"[:120]
        if (customer_id, key) in items:
            continue
        label = DOCUMENT_KINDS.get(kind, "Dokument")
        line = f"{label}: {title} z {fmt.date(issued_on)} (lokal {addresses[premises_id]})"
        items[(customer_id, key)] = Item(customer_id, premises_id, key, line, issued_on)
    return sorted(items.values(), key=lambda i: (i.customer_id, i.day, i.key))


def _sent_keys() -> set[tuple[str, str]]:
    with store.engine().connect() as con:
        return {
            (c, k)
            for c, k in con.execute(select(notifications_sent.c.customer_id, notifications_sent.c.item_key))
        }


def _claim(items: list[Item], recipient: str | None, now: dt.datetime) -> bool:
    """Record ITEMS as announced in one transaction; False when another run got there first."""
    try:
        with store.engine().begin() as con:
            con.execute(
                insert(notifications_sent),
                [
                    {
                        "customer_id": i.customer_id,
                        "item_key": i.key,
                        "premises_id": i.premises_id,
                        "recipient": recipient,
                        "sent_at": now,
                    }
                    for i in items
                ],
            )
    except IntegrityError:
        return False
    return True


def _unclaim(items: list[Item]) -> None:
    """Undo a claim whose e-mail could not be queued, so the next run tries again."""
    with store.engine().begin() as con:
        for i in items:
            con.execute(
                delete(notifications_sent).where(
                    notifications_sent.c.customer_id == i.customer_id, notifications_sent.c.item_key == i.key
                )
            )


def _account_emails() -> dict[str, str]:
    """Return {customer_id: e-mail of an active account}, the fallback when the export has no address."""

    out: dict[str, str] = {}
    for user in users.all_users():
        if user.customer_id and user.email and user.active and "resident" in user.roles:
            out.setdefault(user.customer_id, user.email)
    return out


def compose(name: str, items: list[Item], company: str, base_url: str) -> tuple[str, str]:
    """Return (subject, body) of the e-mail announcing ITEMS to a customer."""
    if len(items) == 1:
        subject = "e-BOK: nowy dokument w Twoim koncie"
    else:
        subject = f"e-BOK: nowe dokumenty w Twoim koncie ({len(items)})"
    lines = "\n".join(f"- {i.line}" for i in items)
    premises = sorted({i.premises_id for i in items})
    query = f"?lokal={quote(premises[0], safe='')}" if len(premises) == 1 else ""
    link = f"{base_url.rstrip('/')}/dokumenty{query}"
    body = (
        f"Dzień dobry, {name},\n\n"
        f"w e-BOK ({company}) pojawiły się nowe dokumenty:\n\n"
        f"{lines}\n\n"
        f"Szczegóły i pliki PDF zobaczysz po zalogowaniu: {link}\n\n"
        "Otrzymujesz tę wiadomość, ponieważ wyrażono zgodę na korespondencję e-mailową. "
        "Wiadomość wysłano automatycznie, prosimy na nią nie odpowiadać.\n"
    )
    return subject, body


def run(
    days: int = DEFAULT_DAYS,
    today: dt.date | None = None,
    baseline: bool = False,
    dry_run: bool = False,
) -> Result:
    """Queue one e-mail per customer with consent listing the items not announced before."""

    now = clock.now()
    today = today or now.date()
    result = Result()
    items = collect(today - dt.timedelta(days=days))
    sent = _sent_keys()
    fresh = [i for i in items if (i.customer_id, i.key) not in sent]
    result.already_sent = len(items) - len(fresh)
    if baseline:
        _baseline(fresh, now, dry_run, result)
        return result
    with warehouse.cursor() as cur:
        customers = {row[0]: row[1:] for row in cur.execute(_CUSTOMERS_SQL).fetchall()}
    accounts = _account_emails()
    letter = _Letter(config.load().company.name, config.base_url(), now)
    by_customer: dict[str, list[Item]] = {}
    for item in fresh:
        by_customer.setdefault(item.customer_id, []).append(item)
    for customer_id, mine in sorted(by_customer.items()):
        name, email, consent = customers.get(customer_id, (customer_id, None, False))
        if not consent:
            result.no_consent += len(mine)
            continue
        recipient = (email or "").strip() or accounts.get(customer_id)
        if not recipient:
            result.no_address += len(mine)
            continue
        if dry_run:
            result.emails += 1
            result.items += len(mine)
            continue
        _notify(customer_id, name, recipient, mine, letter, result)
    return result


@dataclass(frozen=True)
class _Letter:
    """What every e-mail of one run shares: the company's name, the portal's address and the claim time."""

    company: str
    base_url: str  # EBOK_BASE_URL overrides the config, as for other e-mail links
    now: dt.datetime


def _baseline(fresh: list[Item], now: dt.datetime, dry_run: bool, result: Result) -> None:
    """Record FRESH as already announced, customer by customer, without e-mailing (counted in RESULT)."""
    if dry_run:
        result.baseline = len(fresh)
        return
    for customer_id in sorted({i.customer_id for i in fresh}):
        mine = [i for i in fresh if i.customer_id == customer_id]
        if _claim(mine, None, now):
            result.baseline += len(mine)


def _notify(
    customer_id: str, name: str, recipient: str, mine: list[Item], letter: _Letter, result: Result
) -> None:
    """Claim MINE and queue their e-mail to RECIPIENT; a claim lost to another run or a refused address is counted."""
    if not _claim(mine, recipient, letter.now):
        result.already_sent += len(mine)
        return
    subject, body = compose(name, mine, letter.company, letter.base_url)
    try:
        outbox_id = outbox.queue(recipient, subject, body)
    except Exception as exc:  # noqa: BLE001 - one bad address must not stop the others
        _unclaim(mine)
        result.failed.append(f"{customer_id}: {exc}")
        return
    if isinstance(outbox_id, int):
        with store.engine().begin() as con:
            con.execute(
                update(notifications_sent)
                .where(
                    notifications_sent.c.customer_id == customer_id,
                    notifications_sent.c.item_key.in_([i.key for i in mine]),
                )
                .values(outbox_id=outbox_id)
            )
    result.emails += 1
    result.items += len(mine)


def _cmd_notify(args: argparse.Namespace) -> int:
    try:
        result = run(days=args.days, today=args.today, baseline=args.baseline, dry_run=args.dry_run)
    except FileNotFoundError as exc:
        print(exc)
        return 1
    prefix = "[próba] " if args.dry_run else ""
    if args.baseline:
        print(f"{prefix}Oznaczono jako już ogłoszone (bez e-maili): {result.baseline}")
        return 0
    print(
        f"{prefix}E-maile w kolejce: {result.emails} (pozycji: {result.items}); "
        f"już wysłane wcześniej: {result.already_sent}; bez zgody: {result.no_consent}; "
        f"bez adresu: {result.no_address}; błędy: {len(result.failed)}"
    )
    for line in result.failed:
        print(f"  błąd: {line}")
    if not args.dry_run and result.emails:
        print("Wyślij kolejkę: python -m ebok mail-flush")
    return 1 if result.failed else 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `notify`."""
    p = subparsers.add_parser(
        "notify",
        help="Powiadom e-mailem o nowych fakturach i dokumentach (po nocnym ładowaniu).",
        description="Kolejkuje e-maile do klientów ze zgodą na korespondencję e-mailową; "
        "każda pozycja jest ogłaszana tylko raz.",
    )
    p.add_argument("--days", type=int, default=DEFAULT_DAYS, help="Uwzględnij pozycje z ostatnich N dni.")
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
