"""Remote registration: proof against the ledger, anti-bot checks, activation link, office approval.

A customer proves who they are with the number and gross amount of one of their last 3 invoices or
charges. The account is created inactive: the e-mail link verifies the address, and the office
approves it (or the config approves it automatically when the proof matched).
"""

from __future__ import annotations

import re
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import duckdb
from sqlalchemy import Connection, insert, select, update

from ebok.auth import passwords, sessions, throttle, tokens, users
from ebok.core import clock, config
from ebok.core.errors import FormError, Problem, Problems
from ebok.storage import audit, outbox, store, warehouse
from ebok.storage.tables import registrations

MIN_FILL_SECONDS = 5.0
CUSTOMER_RE = re.compile(r"[A-Z][0-9]{4}")
USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{2,39}")
EMAIL_RE = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}")
THROTTLED = "Zbyt wiele prób rejestracji z tego adresu. Spróbuj ponownie za 15 minut."
PROOF_PROBLEM = Problem(
    "Dowód",
    "numer dokumentu lub kwota brutto nie zgadzają się z żadnym z trzech ostatnich dokumentów "
    "klienta o tym symbolu. Sprawdź dane na fakturze lub zawiadomieniu.",
)
NOT_WAITING = Problem("Rejestracja", "nie czeka już na decyzję.")

NUMBER_WORDS = {
    0: "zero",
    1: "jeden",
    2: "dwa",
    3: "trzy",
    4: "cztery",
    5: "pięć",
    6: "sześć",
    7: "siedem",
    8: "osiem",
    9: "dziewięć",
    10: "dziesięć",
    11: "jedenaście",
    12: "dwanaście",
    13: "trzynaście",
    14: "czternaście",
    15: "piętnaście",
    16: "szesnaście",
    17: "siedemnaście",
    18: "osiemnaście",
    19: "dziewiętnaście",
    20: "dwadzieścia",
}


@dataclass(frozen=True)
class Challenge:
    """A text question a screen-reader user can answer: arithmetic in words."""

    question: str
    answer: int
    issued_at: float = field(default_factory=time.monotonic)


def new_challenge() -> Challenge:
    """Return a random question like 'Ile to jest cztery plus trzy?'."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    if secrets.randbelow(2) and a > b:
        return Challenge(
            f"Ile to jest {NUMBER_WORDS[a]} odjąć {NUMBER_WORDS[b]}? Wpisz wynik cyframi lub słownie.", a - b
        )
    return Challenge(
        f"Ile to jest {NUMBER_WORDS[a]} dodać {NUMBER_WORDS[b]}? Wpisz wynik cyframi lub słownie.", a + b
    )


def answer_ok(given: str, expected: int) -> bool:
    """Accept the answer as digits or a Polish word (with or without diacritics)."""
    text = (given or "").strip().lower()
    if text.isdigit():
        return int(text) == expected
    word = NUMBER_WORDS.get(expected, "")
    plain = word.translate(str.maketrans("ąćęłńóśźż", "acelnoszz"))
    return text in {word, plain}


def parse_amount(text: str) -> Decimal | None:
    """Parse '1 234,56 zł' / '1234.56' into Decimal, None when unreadable."""
    cleaned = re.sub(r"(zł|pln|\s|\u00a0)", "", (text or "").lower()).replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def proof_matches(customer_id: str, document_no: str, amount: Decimal | None) -> bool:
    """Return True when DOCUMENT_NO and AMOUNT match one of the customer's last 3 invoices/charges."""
    if amount is None or warehouse.current_version() is None:
        return False
    try:
        with warehouse.cursor() as cur:
            rows = cur.execute(
                warehouse.query_text("auth_registration_proof"), {"customer_id": customer_id}
            ).fetchall()
    except (duckdb.Error, FileNotFoundError):
        return False
    wanted = re.sub(r"\s+", "", document_no or "").upper()
    return any(
        re.sub(r"\s+", "", str(doc)).upper() == wanted and Decimal(str(amt)) == amount
        for doc, amt, *_ in rows
    )


def customer(customer_id: str) -> dict[str, Any] | None:
    """Return the warehouse's customer record, or None."""
    if warehouse.current_version() is None:
        return None
    try:
        with warehouse.cursor() as cur:
            row = cur.execute(warehouse.query_text("auth_customer"), {"customer_id": customer_id}).fetchone()
    except (duckdb.Error, FileNotFoundError):
        return None
    return {"customer_id": row[0], "name": row[1], "email": row[2]} if row else None


@dataclass
class RegistrationForm:
    """What the resident typed."""

    customer_id: str
    email: str
    username: str
    password: str
    repeat: str
    document_no: str
    amount: str
    accept_regulations: bool
    bot_answer: str
    website: str = ""  # honeypot: hidden from people, bots fill it


@dataclass(frozen=True)
class Registered:
    """A stored registration: its id and whether the config approved it at once."""

    registration_id: str
    auto_approved: bool = False


@dataclass(frozen=True)
class _Checked:
    """The form after every field passed: normalised values and the customer's ledger name."""

    customer_id: str
    email: str
    username: str
    amount: Decimal
    ledger_name: str | None  # None when the customer is not in the warehouse


def register(
    form: RegistrationForm,
    challenge: Challenge | None,
    client_address: str | None = None,
    now: datetime | None = None,
    elapsed_seconds: float | None = None,
) -> Registered:
    """Validate a registration, create the inactive account and queue the activation e-mail.

    FormError names every refused field at once; throttling, bots and a wrong proof get one message.
    """
    now = now or clock.now()
    _screen(form, challenge, client_address, now, elapsed_seconds)
    checked = _check(form, challenge)
    if checked.ledger_name is None or not proof_matches(
        checked.customer_id, form.document_no, checked.amount
    ):
        audit.record(
            "registration_proof_failed",
            client_address=client_address,
            at=now,
            customer_id=checked.customer_id,
        )
        raise FormError(PROOF_PROBLEM)
    cfg = config.load()
    return _create(form, checked, cfg, client_address, now)


def _screen(
    form: RegistrationForm,
    challenge: Challenge | None,
    client_address: str | None,
    now: datetime,
    elapsed_seconds: float | None,
) -> None:
    """Refuse throttled addresses and bots before any field is looked at (one whole-form problem)."""
    if throttle.is_locked("register", None, client_address, now):
        audit.record("registration_blocked", client_address=client_address, at=now)
        raise FormError.one("", THROTTLED)
    # Every submission counts against the address: it limits guessing proofs and spam.
    throttle.record("register", None, client_address, False, now)
    if elapsed_seconds is None and challenge is not None:
        elapsed_seconds = time.monotonic() - challenge.issued_at
    if form.website.strip():
        audit.record("registration_bot", client_address=client_address, at=now, reason="honeypot")
        raise FormError.one("", "Nie udało się przyjąć formularza. Spróbuj ponownie.")
    if elapsed_seconds is not None and elapsed_seconds < MIN_FILL_SECONDS:
        audit.record("registration_bot", client_address=client_address, at=now, reason="too_fast")
        raise FormError.one("", "Formularz wysłano zbyt szybko. Sprawdź dane i wyślij ponownie.")


def _check(form: RegistrationForm, challenge: Challenge | None) -> _Checked:
    """Check every field; FormError lists each refused one, in the order the form shows them."""
    found = Problems()
    if challenge is None or not answer_ok(form.bot_answer, challenge.answer):
        found.add("Pytanie kontrolne", "nieprawidłowa odpowiedź.")
    customer_id = form.customer_id.strip().upper()
    email = form.email.strip()
    username = form.username.strip().lower()
    _check_identity(found, customer_id, email, username)
    amount = parse_amount(form.amount)
    if not form.document_no.strip():
        found.add("Numer dokumentu", "podaj numer faktury lub zawiadomienia.")
    if amount is None:
        found.add("Kwota brutto", "podaj kwotę, np. 412,50.")
    record = customer(customer_id) if CUSTOMER_RE.fullmatch(customer_id) else None
    name = (record or {}).get("name") or ""
    for problem in passwords.problems(
        form.password, username=username, name=name, email=email, customer_id=customer_id
    ):
        found.add(problem.field, problem.message)
    if form.password != form.repeat:
        found.add("Powtórz hasło", "hasła się różnią.")
    if not form.accept_regulations:
        found.add("Regulamin", "musisz zaakceptować regulamin portalu.")
    found.raise_if_any()
    return _Checked(customer_id, email, username, amount or Decimal(0), name if record else None)


def _check_identity(found: Problems, customer_id: str, email: str, username: str) -> None:
    """Record problems of the customer symbol, the e-mail address and the username."""
    if not CUSTOMER_RE.fullmatch(customer_id):
        found.add("Symbol klienta", "wielka litera i cztery cyfry, np. L0001.")
    if not EMAIL_RE.fullmatch(email) or len(email) > 254:
        found.add("E-mail", "podaj poprawny adres, np. jan@example.com.")
    if not USERNAME_RE.fullmatch(username):
        found.add("Nazwa użytkownika", "3–40 znaków: małe litery, cyfry, kropka, myślnik lub podkreślenie.")
    elif users.get(username) is not None:
        found.add(users.TAKEN.field, users.TAKEN.message)


def _create(
    form: RegistrationForm, checked: _Checked, cfg: config.Config, client_address: str | None, now: datetime
) -> Registered:
    """Store the account, its registration row, the activation token, e-mail and audit entry: all or nothing.

    users.writing() makes it one unit: the store rows are written in one transaction, auth.yaml is
    replaced under its lock, then the transaction commits. A failure at any step (the username taken
    meanwhile, the insert, the e-mail, the file write, the commit) leaves neither the auth.yaml entry
    nor any row behind, so a retry with the same username is not refused as taken.
    """
    auto = cfg.registration.auto_approve_when_proof_matches
    registration_id = uuid.uuid4().hex
    name = checked.ledger_name or checked.username
    record = {
        "name": name,
        "email": checked.email,
        "password": passwords.hash_password(form.password),  # before the lock: bcrypt is slow
        "roles": ["resident"],
        "customer_id": checked.customer_id,
        "premises": [],
        "disabled": False,
        "must_change_password": False,
        "approved": auto,
        "email_verified": False,
        "regulations_version": cfg.registration.regulations_version,
        "regulations_accepted_at": now.isoformat(timespec="seconds"),
        "registration_id": registration_id,
    }
    with users.writing(users.adding(checked.username, record)) as (con, _):
        con.execute(
            insert(registrations).values(
                registration_id=registration_id,
                username=checked.username,
                customer_id=checked.customer_id,
                email=checked.email,
                name=name,
                proof_document=form.document_no.strip()[:80],
                proof_matches=1,
                proof_amount=checked.amount,
                regulations_version=cfg.registration.regulations_version,
                regulations_accepted_at=now,
                status="approved" if auto else "pending",
                client_address=(client_address or None) and client_address[:64],
                created_at=now,
                decided_at=now if auto else None,
                decided_by="auto" if auto else None,
            )
        )
        token = tokens.issue("activate", checked.username, now, con=con)
        _queue_activation(con, checked, cfg, token, auto, now)
        audit.record(
            "registration_submitted",
            checked.username,
            client_address=client_address,
            at=now,
            con=con,
            customer_id=checked.customer_id,
            auto_approved=auto,
            regulations_version=cfg.registration.regulations_version,
        )
    return Registered(registration_id, auto)


def _queue_activation(
    con: Connection, checked: _Checked, cfg: config.Config, token: str, auto: bool, now: datetime
) -> None:
    """Queue the activation e-mail inside the registration's unit of work."""
    link = f"{config.base_url()}/rejestracja?aktywacja={token}"
    waiting = "" if auto else "\nPo potwierdzeniu adresu konto zostanie jeszcze zatwierdzone przez biuro.\n"
    outbox.queue(
        checked.email,
        "e-BOK: potwierdź adres e-mail",
        f"Dzień dobry,\n\ndziękujemy za rejestrację w e-BOK ({cfg.company.name}) jako „{checked.username}”.\n\n"
        f"Aby potwierdzić adres e-mail, otwórz link (jednorazowy, ważny 3 dni):\n{link}\n{waiting}\n"
        f"Jeśli to nie Ty, zignoruj tę wiadomość.\n",
        now,
        con=con,
    )


class _Spent(Exception):
    """The activation token was used by a concurrent click inside our unit of work."""


def activate(token: str, client_address: str | None = None, now: datetime | None = None) -> str | None:
    """Use an activation link: verify the e-mail; return a Polish status or None when invalid."""
    now = now or clock.now()
    username = tokens.peek("activate", token, now)
    if username is None or users.get(username) is None:
        return None
    try:
        # Token, auth.yaml flag, registration row and audit entry land together or not at all.
        with users.writing(users.setting(username, email_verified=True)) as (con, _):
            if tokens.consume("activate", token, now, con=con) != username:
                raise _Spent
            con.execute(
                update(registrations)
                .where(registrations.c.username == username)
                .values(email_verified_at=now)
            )
            audit.record(
                "registration_email_verified", username, client_address=client_address, at=now, con=con
            )
    except _Spent:
        return None
    user = users.get(username)
    if user is not None and user.active:
        return "Adres e-mail potwierdzony. Możesz się zalogować."
    return "Adres e-mail potwierdzony. Konto czeka na zatwierdzenie przez biuro — powiadomimy Cię e-mailem."


def pending() -> list[dict[str, Any]]:
    """Registrations waiting for the office, oldest first."""
    with store.engine().connect() as con:
        return [
            dict(r)
            for r in con.execute(
                select(registrations)
                .where(registrations.c.status == "pending")
                .order_by(registrations.c.created_at)
            ).mappings()
        ]


def _waiting(registration_id: str) -> dict[str, Any]:
    """Return the registration row while it waits for a decision; FormError otherwise."""
    with store.engine().connect() as con:
        row = (
            con.execute(
                select(registrations).where(
                    registrations.c.registration_id == registration_id, registrations.c.status == "pending"
                )
            )
            .mappings()
            .first()
        )
    if row is None:
        raise FormError(NOT_WAITING)
    return dict(row)


def _decide(con: Connection, registration_id: str, status: str, by: str, note: str | None) -> None:
    """Mark the registration decided inside the caller's unit; FormError when decided meanwhile."""
    result = con.execute(
        update(registrations)
        .where(registrations.c.registration_id == registration_id, registrations.c.status == "pending")
        .values(status=status, decided_at=clock.now(), decided_by=by, decision_note=note)
    )
    if not result.rowcount:
        raise FormError(NOT_WAITING)


def approve(registration_id: str, by: str) -> None:
    """Office: approve a pending registration and tell the resident (one unit of work)."""
    row = _waiting(registration_id)
    cfg = config.load()
    # Until the resident clicks the activation link the account cannot sign in, so say so.
    next_step = (
        f"Zaloguj się: {config.base_url()}/\n"
        if row.get("email_verified_at")
        else "Aby się zalogować, potwierdź jeszcze adres e-mail linkiem z wiadomości aktywacyjnej.\n"
    )
    with users.writing(users.setting(row["username"], approved=True)) as (con, _):
        _decide(con, registration_id, "approved", by, None)
        outbox.queue(
            row["email"],
            "e-BOK: konto zatwierdzone",
            f"Dzień dobry,\n\nbiuro zatwierdziło Twoje konto „{row['username']}” w e-BOK ({cfg.company.name}).\n"
            + next_step,
            con=con,
        )
        audit.record(
            "registration_approved", by, target=row["username"], customer_id=row["customer_id"], con=con
        )


def reject(
    registration_id: str, by: str, note: str | None = None, also: Callable[[Connection], None] | None = None
) -> dict[str, Any]:
    """Office: reject a pending registration, close the account and end its sessions; return the row.

    ALSO runs further store writes (the refusal e-mail) inside the same unit of work.
    """
    row = _waiting(registration_id)
    with users.writing(users.setting(row["username"], disabled=True, approved=False)) as (con, _):
        _decide(con, registration_id, "rejected", by, note)
        sessions.revoke_user(row["username"], "registration_rejected", con=con)
        audit.record(
            "registration_rejected", by, target=row["username"], customer_id=row["customer_id"], con=con
        )
        if also is not None:
            also(con)
    return row
