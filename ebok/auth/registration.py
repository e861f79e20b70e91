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
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import duckdb
from sqlalchemy import insert, select, update

from ebok.auth import passwords, throttle, tokens, users
from ebok.core import clock, config
from ebok.storage import audit, outbox, store, warehouse
from ebok.storage.tables import registrations

MIN_FILL_SECONDS = 5.0
CUSTOMER_RE = re.compile(r"[A-Z][0-9]{4}")
USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{2,39}")
EMAIL_RE = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}")
THROTTLED = "Zbyt wiele prób rejestracji z tego adresu. Spróbuj ponownie za 15 minut."
PROOF_FAILED = (
    "Dowód: numer dokumentu lub kwota brutto nie zgadzają się z żadnym z trzech ostatnich dokumentów "
    "klienta o tym symbolu. Sprawdź dane na fakturze lub zawiadomieniu."
)

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


@dataclass
class RegistrationResult:
    """Outcome: problems (Polish, naming the field) or the new registration."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    registration_id: str | None = None
    auto_approved: bool = False


def register(
    form: RegistrationForm,
    challenge: Challenge | None,
    client_address: str | None = None,
    now: datetime | None = None,
    elapsed_seconds: float | None = None,
) -> RegistrationResult:
    """Validate a registration and create the inactive account; send the activation e-mail."""
    now = now or clock.now()
    if throttle.is_locked("register", None, client_address, now):
        audit.record("registration_blocked", client_address=client_address, at=now)
        return RegistrationResult(False, [THROTTLED])
    # Every submission counts against the address: it limits guessing proofs and spam.
    throttle.record("register", None, client_address, False, now)
    if elapsed_seconds is None and challenge is not None:
        elapsed_seconds = time.monotonic() - challenge.issued_at
    if form.website.strip():
        audit.record("registration_bot", client_address=client_address, at=now, reason="honeypot")
        return RegistrationResult(False, ["Nie udało się przyjąć formularza. Spróbuj ponownie."])
    if elapsed_seconds is not None and elapsed_seconds < MIN_FILL_SECONDS:
        audit.record("registration_bot", client_address=client_address, at=now, reason="too_fast")
        return RegistrationResult(False, ["Formularz wysłano zbyt szybko. Sprawdź dane i wyślij ponownie."])
    problems: list[str] = []
    if challenge is None or not answer_ok(form.bot_answer, challenge.answer):
        problems.append("Pytanie kontrolne: nieprawidłowa odpowiedź.")
    customer_id = form.customer_id.strip().upper()
    email = form.email.strip()
    username = form.username.strip().lower()
    if not CUSTOMER_RE.fullmatch(customer_id):
        problems.append("Symbol klienta: wielka litera i cztery cyfry, np. L0001.")
    if not EMAIL_RE.fullmatch(email) or len(email) > 254:
        problems.append("E-mail: podaj poprawny adres, np. jan@example.com.")
    if not USERNAME_RE.fullmatch(username):
        problems.append(
            "Nazwa użytkownika: 3–40 znaków: małe litery, cyfry, kropka, myślnik lub podkreślenie."
        )
    elif users.get(username) is not None:
        problems.append("Nazwa użytkownika: jest już zajęta, wybierz inną.")
    amount = parse_amount(form.amount)
    if not form.document_no.strip():
        problems.append("Numer dokumentu: podaj numer faktury lub zawiadomienia.")
    if amount is None:
        problems.append("Kwota brutto: podaj kwotę, np. 412,50.")
    found = customer(customer_id) if CUSTOMER_RE.fullmatch(customer_id) else None
    problems += passwords.problems(
        form.password,
        username=username,
        name=(found or {}).get("name") or "",
        email=email,
        customer_id=customer_id,
    )
    if form.password != form.repeat:
        problems.append("Powtórz hasło: hasła się różnią.")
    if not form.accept_regulations:
        problems.append("Regulamin: musisz zaakceptować regulamin portalu.")
    if problems:
        return RegistrationResult(False, problems)
    matches = found is not None and proof_matches(customer_id, form.document_no, amount)
    if not matches:
        audit.record(
            "registration_proof_failed", client_address=client_address, at=now, customer_id=customer_id
        )
        return RegistrationResult(False, [PROOF_FAILED])
    cfg = config.load()
    auto = cfg.registration.auto_approve_when_proof_matches
    registration_id = uuid.uuid4().hex
    try:
        users.add_user(
            username,
            {
                "name": (found or {}).get("name") or username,
                "email": email,
                "password": passwords.hash_password(form.password),
                "roles": ["resident"],
                "customer_id": customer_id,
                "premises": [],
                "disabled": False,
                "must_change_password": False,
                "approved": auto,
                "email_verified": False,
                "regulations_version": cfg.registration.regulations_version,
                "regulations_accepted_at": now.isoformat(timespec="seconds"),
                "registration_id": registration_id,
            },
        )
    except ValueError:
        return RegistrationResult(False, ["Nazwa użytkownika: jest już zajęta, wybierz inną."])
    with store.engine().begin() as con:
        con.execute(
            insert(registrations).values(
                registration_id=registration_id,
                username=username,
                customer_id=customer_id,
                email=email,
                name=(found or {}).get("name") or username,
                proof_document=form.document_no.strip()[:80],
                proof_matches=1,
                proof_amount=amount,
                regulations_version=cfg.registration.regulations_version,
                regulations_accepted_at=now,
                status="approved" if auto else "pending",
                client_address=(client_address or None) and client_address[:64],
                created_at=now,
                decided_at=now if auto else None,
                decided_by="auto" if auto else None,
            )
        )
    token = tokens.issue("activate", username, now)
    link = f"{config.base_url()}/rejestracja?aktywacja={token}"
    waiting = "" if auto else "\nPo potwierdzeniu adresu konto zostanie jeszcze zatwierdzone przez biuro.\n"
    outbox.queue(
        email,
        "e-BOK: potwierdź adres e-mail",
        f"Dzień dobry,\n\ndziękujemy za rejestrację w e-BOK ({cfg.company.name}) jako „{username}”.\n\n"
        f"Aby potwierdzić adres e-mail, otwórz link (jednorazowy, ważny 3 dni):\n{link}\n{waiting}\n"
        f"Jeśli to nie Ty, zignoruj tę wiadomość.\n",
        now,
    )
    audit.record(
        "registration_submitted",
        username,
        client_address=client_address,
        at=now,
        customer_id=customer_id,
        auto_approved=auto,
        regulations_version=cfg.registration.regulations_version,
    )
    return RegistrationResult(True, [], registration_id, auto)


def activate(token: str, client_address: str | None = None, now: datetime | None = None) -> str | None:
    """Use an activation link: verify the e-mail; return a Polish status or None when invalid."""
    now = now or clock.now()
    username = tokens.consume("activate", token, now)
    if username is None or users.get(username) is None:
        return None
    users.set_fields(username, email_verified=True)
    with store.engine().begin() as con:
        con.execute(
            update(registrations).where(registrations.c.username == username).values(email_verified_at=now)
        )
    audit.record("registration_email_verified", username, client_address=client_address, at=now)
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


def _decide(registration_id: str, status: str, by: str, note: str | None) -> dict[str, Any]:
    with store.engine().begin() as con:
        result = con.execute(
            update(registrations)
            .where(registrations.c.registration_id == registration_id, registrations.c.status == "pending")
            .values(status=status, decided_at=clock.now(), decided_by=by, decision_note=note)
        )
        if not result.rowcount:
            raise ValueError("Rejestracja: nie czeka już na decyzję.")
        row = (
            con.execute(select(registrations).where(registrations.c.registration_id == registration_id))
            .mappings()
            .one()
        )
    return dict(row)


def approve(registration_id: str, by: str) -> None:
    """Office: approve a pending registration and tell the resident."""
    row = _decide(registration_id, "approved", by, None)
    users.set_fields(row["username"], approved=True)
    cfg = config.load()
    # Until the resident clicks the activation link the account cannot sign in, so say so.
    next_step = (
        f"Zaloguj się: {config.base_url()}/\n"
        if row.get("email_verified_at")
        else "Aby się zalogować, potwierdź jeszcze adres e-mail linkiem z wiadomości aktywacyjnej.\n"
    )
    outbox.queue(
        row["email"],
        "e-BOK: konto zatwierdzone",
        f"Dzień dobry,\n\nbiuro zatwierdziło Twoje konto „{row['username']}” w e-BOK ({cfg.company.name}).\n"
        + next_step,
    )
    audit.record("registration_approved", by, target=row["username"], customer_id=row["customer_id"])


def reject(registration_id: str, by: str, note: str | None = None) -> None:
    """Office: reject a pending registration (the account stays disabled)."""
    row = _decide(registration_id, "rejected", by, note)
    users.set_fields(row["username"], disabled=True, approved=False)
    audit.record("registration_rejected", by, target=row["username"], customer_id=row["customer_id"])
