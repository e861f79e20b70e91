"""Remote registration: proof against the ledger, anti-bot checks, activation link, office approval.

A customer names themselves by customer symbol or premises number and proves it with either the
amount of one of the last charges or payments of their ledger (every customer has those), or the
one-time registration code the accounting export may carry for the paper bill. When the proof
fails, the resident may still send the request for the office to check by hand. The account is
created inactive: the e-mail link verifies the address, and the office approves it (or the config
approves it automatically when the proof matched; a request checked by hand never is).
"""

from __future__ import annotations

import hmac
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
from ebok.core import clock, config, contract, i18n
from ebok.core.errors import FormError, Problem, Problems
from ebok.core.i18n import N_, _
from ebok.storage import audit, outbox, store, warehouse
from ebok.storage.tables import registration_codes_used, registrations

# A person needs longer than this to fill the form; measured from its first render, first send only.
MIN_FILL_SECONDS = 3.0
AMOUNT_ENTRIES = 6  # the last charges or payments of each premises a resident may quote
CUSTOMER_RE = re.compile(r"[A-Z][0-9]{4}")  # a customer symbol, e.g. L0001
IDENTIFIER_RE = re.compile(r"[A-Z0-9/._-]{1,20}")  # a customer symbol (L0001) or a premises number
USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{2,39}")
EMAIL_RE = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}")
# Module-level texts are Polish msgids (N_), translated where shown; a Problem translates its own.
THROTTLED = N_("Zbyt wiele prób rejestracji z tego adresu. Spróbuj ponownie za 15 minut.")
THROTTLED_MANUAL = N_(
    "Zbyt wiele wniosków z tego adresu. Spróbuj ponownie za 15 minut albo zadzwoń do biura."
)
WAITING = ("pending", "manual")  # registration statuses that wait for the office
PROOF_FIELD = N_("Dowód")
PROOF_MESSAGE = N_(
    "kwota lub kod rejestracji nie zgadzają się z danymi klienta o tym symbolu lub numerze lokalu. "
    "Kwota musi być jedną z {n} ostatnich opłat lub wpłat lokalu, np. z zawiadomienia "
    "o opłatach, faktury albo przelewu."
)
# The Polish problem (what tests compare with); a refusal raises proof_problem(), in the run's language.
PROOF_PROBLEM = Problem(PROOF_FIELD, PROOF_MESSAGE.format(n=AMOUNT_ENTRIES))
CODE_USED = Problem(
    N_("Kod rejestracji"), N_("ten kod został już użyty. Podaj kwotę jednej z ostatnich opłat lub wpłat.")
)
NOT_WAITING = Problem(N_("Rejestracja"), N_("nie czeka już na decyzję."))
# Where the form and the office name a proof (registrations.proof_kind); translate with _() where shown.
PROOF_LABELS = {
    "amount": N_("kwota jednej z ostatnich opłat lub wpłat"),
    "code": N_("jednorazowy kod rejestracji z rachunku"),
    "document": N_("numer i kwota dokumentu"),
    "none": N_("brak dowodu"),
}

# Polish number words (msgids: each language's word comes from its catalog).
NUMBER_WORDS = {
    0: N_("zero"),
    1: N_("jeden"),
    2: N_("dwa"),
    3: N_("trzy"),
    4: N_("cztery"),
    5: N_("pięć"),
    6: N_("sześć"),
    7: N_("siedem"),
    8: N_("osiem"),
    9: N_("dziewięć"),
    10: N_("dziesięć"),
    11: N_("jedenaście"),
    12: N_("dwanaście"),
    13: N_("trzynaście"),
    14: N_("czternaście"),
    15: N_("piętnaście"),
    16: N_("szesnaście"),
    17: N_("siedemnaście"),
    18: N_("osiemnaście"),
    19: N_("dziewiętnaście"),
    20: N_("dwadzieścia"),
}
# Apostrophes people type in Ukrainian words (п'ять, дев'ять): all compared as "'".
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "`": "'"})


def proof_problem() -> Problem:
    """Return the refusal of a proof that did not match, in the language of this run."""
    return Problem(_(PROOF_FIELD), _(PROOF_MESSAGE).format(n=AMOUNT_ENTRIES))


class ProofFailed(FormError):
    """Every field passed but the proof did not match: the resident may ask the office instead."""


@dataclass(frozen=True)
class Challenge:
    """A text question a screen-reader user can answer: arithmetic in words (in the run's language)."""

    question: str
    answer: int
    # A new question gets a new key: the page keys its answer field with it, so the field starts empty.
    key: str = field(default_factory=lambda: secrets.token_hex(4))


def new_challenge() -> Challenge:
    """Return a random question like 'Ile to jest cztery dodać trzy?', in the language of this run."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    words = {"a": _(NUMBER_WORDS[a]), "b": _(NUMBER_WORDS[b])}
    if secrets.randbelow(2) and a > b:
        return Challenge(
            _("Ile to jest {a} odjąć {b}? Wpisz wynik cyframi lub słownie.").format(**words), a - b
        )
    return Challenge(_("Ile to jest {a} dodać {b}? Wpisz wynik cyframi lub słownie.").format(**words), a + b)


def answer_ok(given: str, expected: int) -> bool:
    """Accept the answer as digits or a number word of any language e-BOK speaks (Polish also without diacritics).

    Any language: the question may have been asked before the resident switched the language.
    """
    text = (given or "").strip().lower().translate(_APOSTROPHES)
    if text.isdigit():
        return int(text) == expected
    word = NUMBER_WORDS.get(expected, "")
    if not word:
        return False
    accepted = {word, word.translate(str.maketrans("ąćęłńóśźż", "acelnoszz"))}
    for lang in i18n.LANGS:
        with i18n.use(lang):
            accepted.add(_(word).lower().translate(_APOSTROPHES))
    return text in accepted


@dataclass
class FormClock:
    """When the registration form was first shown and whether it has been sent since."""

    shown_at: float = field(default_factory=time.monotonic)
    sent: bool = False

    def elapsed_at_send(self) -> float | None:
        """Seconds since the first render, for the form's first send only; None for a later one.

        A person who corrects a field and sends again has long passed the first check; only a
        first send faster than anyone types is suspicious.
        """
        if self.sent:
            return None
        self.sent = True
        return time.monotonic() - self.shown_at


def parse_amount(text: str) -> Decimal | None:
    """Parse '1 234,56 zł', '1.234,56', '955.32' or '-955,32' into Decimal; None when unreadable."""
    cleaned = re.sub(r"(zł|pln|\s|\u00a0)", "", (text or "").lower())
    if "," in cleaned:  # decimal comma: dots are thousands separators
        cleaned = cleaned.replace(".", "").replace(",", ".")
    if not re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


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


def find_customer(identifier: str) -> dict[str, Any] | None:
    """Return {customer_id, name} of the customer a symbol or premises number names, or None."""
    try:
        return warehouse.one("auth_registration_customer", identifier=identifier.strip().upper())
    except (duckdb.Error, FileNotFoundError):
        return None


def amount_matches(customer_id: str, amount: Decimal) -> bool:
    """Return True when AMOUNT is one of the last charges or payments of the customer's premises."""
    try:
        rows = warehouse.rows(
            "auth_registration_amounts", customer_id=customer_id, per_premises=AMOUNT_ENTRIES
        )
    except (duckdb.Error, FileNotFoundError):
        return False
    return any(Decimal(str(r["amount"])) == abs(amount) for r in rows)


def code_digest(customer_id: str, code: str) -> str | None:
    """Return the digest of CODE when it is the customer's registration code, else None.

    Compared in constant time. A warehouse built before the column existed has no codes.
    """
    given = contract.registration_code_digest(code)
    try:
        row = warehouse.one("auth_registration_code", customer_id=customer_id)
    except (duckdb.Error, FileNotFoundError):
        row = None
    stored = (row or {}).get("registration_code") or ""
    return given if stored and hmac.compare_digest(given, str(stored)) else None


@dataclass
class RegistrationForm:
    """What the resident typed."""

    customer_id: str  # the customer symbol or a premises number, as printed on the bill
    email: str
    username: str
    password: str
    repeat: str
    accept_regulations: bool
    bot_answer: str
    amount: str = ""  # proof: one of the last charges or payments ...
    code: str = ""  # ... or the one-time registration code (either is enough)
    website: str = ""  # honeypot: hidden from people (and screen readers), bots fill it


@dataclass(frozen=True)
class Registered:
    """A stored registration: its id, whether the config approved it, whether the office checks it by hand."""

    registration_id: str
    auto_approved: bool = False
    manual: bool = False


@dataclass(frozen=True)
class _Checked:
    """The form after every field passed: normalised values and the customer found in the ledger."""

    customer_id: str  # the warehouse's symbol; what the resident typed when it names no customer
    email: str
    username: str
    amount: Decimal | None
    code: str
    ledger_name: str | None  # None when the customer is not in the warehouse


@dataclass(frozen=True)
class _Proof:
    """How the registration was proven: its kind, whether it matched, the code spent (digest)."""

    kind: str
    matches: bool
    code_digest: str | None = None


def register(
    form: RegistrationForm,
    challenge: Challenge | None,
    client_address: str | None = None,
    now: datetime | None = None,
    elapsed_seconds: float | None = None,
    manual: bool = False,
) -> Registered:
    """Validate a registration, create the inactive account and queue the activation e-mail.

    ELAPSED_SECONDS: from the form's first render to this send, for its first send only (FormClock).
    MANUAL: the resident asks the office to check the request by hand (after ProofFailed).
    FormError names every refused field at once; throttling and bots get one message; a proof that
    does not match raises ProofFailed.
    """
    now = now or clock.now()
    _screen(form, client_address, now, elapsed_seconds, "register_manual" if manual else "register")
    checked = _check(form, challenge, client_address, now, manual)
    if manual:
        # Each request creates an account and an e-mail: count it, so one address cannot flood the office.
        throttle.record("register_manual", None, client_address, False, now)
        kind = "amount" if checked.amount is not None else ("code" if checked.code else "none")
        proof = _Proof(kind, False)
    else:
        proof = _prove(checked, client_address, now)
        # Only someone who proved the account is theirs learns that a username exists: before the
        # proof, "zajęta" would tell anyone which residents have accounts.
        if users.get(checked.username) is not None:
            raise FormError.one(users.TAKEN.field, users.TAKEN.message)
    return _create(form, checked, proof, config.load(), client_address, now)


def _screen(
    form: RegistrationForm,
    client_address: str | None,
    now: datetime,
    elapsed_seconds: float | None,
    kind: str,
) -> None:
    """Refuse throttled addresses and bots before any field is looked at (one whole-form problem)."""
    if throttle.is_locked(kind, None, client_address, now):
        audit.record("registration_blocked", client_address=client_address, at=now)
        raise FormError.one("", _(THROTTLED_MANUAL) if kind == "register_manual" else _(THROTTLED))
    if form.website.strip():
        throttle.record("register", None, client_address, False, now)
        audit.record("registration_bot", client_address=client_address, at=now, reason="honeypot")
        raise FormError.one("", _("Nie udało się przyjąć formularza. Spróbuj ponownie."))
    if elapsed_seconds is not None and elapsed_seconds < MIN_FILL_SECONDS:
        throttle.record("register", None, client_address, False, now)
        audit.record("registration_bot", client_address=client_address, at=now, reason="too_fast")
        raise FormError.one("", _("Formularz wysłano zbyt szybko. Sprawdź dane i wyślij ponownie."))


def _check(
    form: RegistrationForm,
    challenge: Challenge | None,
    client_address: str | None,
    now: datetime,
    manual: bool,
) -> _Checked:
    """Check every field; FormError lists each refused one, in the order the form shows them."""
    found = Problems()
    if challenge is None or not answer_ok(form.bot_answer, challenge.answer):
        # Wrong answers count against the address (a bot guessing); corrections of other fields do not.
        throttle.record("register", None, client_address, False, now)
        found.add(_("Pytanie kontrolne"), _("nieprawidłowa odpowiedź."))
    identifier = form.customer_id.strip().upper()
    email = form.email.strip()
    username = form.username.strip().lower()
    _check_identity(found, identifier, email, username, check_taken=manual)
    amount, code = _check_proof_fields(found, form, manual)
    record = find_customer(identifier) if IDENTIFIER_RE.fullmatch(identifier) else None
    customer_id = record["customer_id"] if record else identifier
    name = (record or {}).get("name") or ""
    for problem in passwords.problems(
        form.password, username=username, name=name, email=email, customer_id=customer_id
    ):
        found.add(problem.field, problem.message)
    if form.password != form.repeat:
        found.add(_("Powtórz hasło"), _("hasła się różnią."))
    if not form.accept_regulations:
        found.add(_("Regulamin"), _("musisz zaakceptować regulamin portalu."))
    found.raise_if_any()
    return _Checked(customer_id, email, username, amount, code, name if record else None)


def _check_identity(found: Problems, identifier: str, email: str, username: str, check_taken: bool) -> None:
    """Record problems of the customer symbol or premises number, the e-mail address and the username.

    CHECK_TAKEN: only for a request to the office (throttled on its own); a proved registration
    learns it after the proof (register()).
    """
    if not IDENTIFIER_RE.fullmatch(identifier):
        found.add(
            _("Symbol klienta lub numer lokalu"),
            _(
                "podaj symbol klienta (np. L0001) albo numer lokalu (np. B0001/M001) z rachunku lub "
                "zawiadomienia."
            ),
        )
    if not EMAIL_RE.fullmatch(email) or len(email) > 254:
        found.add(_("E-mail"), _("podaj poprawny adres, np. jan@example.com."))
    if not USERNAME_RE.fullmatch(username):
        found.add(
            _("Nazwa użytkownika"), _("3–40 znaków: małe litery, cyfry, kropka, myślnik lub podkreślenie.")
        )
    elif check_taken and users.get(username) is not None:
        found.add(users.TAKEN.field, users.TAKEN.message)


def _check_proof_fields(found: Problems, form: RegistrationForm, manual: bool) -> tuple[Decimal | None, str]:
    """Record problems of the proof fields; return (amount or None, code without separators or '')."""
    code = contract.REGISTRATION_CODE_SEPARATORS.sub("", form.code or "").upper()
    amount = parse_amount(form.amount) if form.amount.strip() else None
    if form.amount.strip() and amount is None:
        found.add(_("Kwota"), _("podaj kwotę w złotych, np. 412,50."))
    elif not code and amount is None and not manual:
        found.add(
            _(PROOF_FIELD),
            _("podaj kwotę jednej z ostatnich opłat lub wpłat albo kod rejestracji z rachunku."),
        )
    if len(code) > 64:
        found.add(_("Kod rejestracji"), _("kod ma najwyżej 32 litery lub cyfry."))
    return amount, code


def _prove(checked: _Checked, client_address: str | None, now: datetime) -> _Proof:
    """Match the code or the amount against the ledger; ProofFailed (counted) when neither matches."""
    proof: _Proof | None = None
    if checked.ledger_name is not None and checked.code:
        digest = code_digest(checked.customer_id, checked.code)
        if digest is not None:
            if _code_spent(digest):
                _proof_failed(checked, client_address, now, "code_used")
                raise ProofFailed(CODE_USED)
            proof = _Proof("code", True, digest)
    if proof is None and checked.ledger_name is not None and checked.amount is not None:
        if amount_matches(checked.customer_id, checked.amount):
            proof = _Proof("amount", True)
    if proof is None:
        _proof_failed(checked, client_address, now, "no_match")
        raise ProofFailed(proof_problem())
    return proof


def _proof_failed(checked: _Checked, client_address: str | None, now: datetime, reason: str) -> None:
    """Count a failed proof against the address and note it in the audit log (never the code)."""
    throttle.record("register", None, client_address, False, now)
    audit.record(
        "registration_proof_failed",
        client_address=client_address,
        at=now,
        customer_id=checked.customer_id,
        reason=reason,
    )


def _code_spent(digest: str, con: Connection | None = None) -> bool:
    """Return True when a registration already used the code with this digest."""
    query = select(registration_codes_used.c.code_digest).where(
        registration_codes_used.c.code_digest == digest
    )
    if con is not None:
        return con.execute(query).first() is not None
    with store.engine().connect() as own:
        return own.execute(query).first() is not None


def _create(
    form: RegistrationForm,
    checked: _Checked,
    proof: _Proof,
    cfg: config.Config,
    client_address: str | None,
    now: datetime,
) -> Registered:
    """Store the account, its registration row, the activation token, e-mail and audit entry: all or nothing.

    users.writing() makes it one unit: the store rows are written in one transaction, auth.yaml is
    replaced under its lock, then the transaction commits. A failure at any step (the username taken
    meanwhile, the insert, the e-mail, the file write, the commit) leaves neither the auth.yaml entry
    nor any row behind, so a retry with the same username is not refused as taken.
    """
    auto = proof.matches and cfg.registration.auto_approve_when_proof_matches
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
    with users.writing(users.adding(checked.username, record)) as (con, _unused):
        if proof.code_digest is not None:
            _spend_code(con, proof.code_digest, checked.customer_id, registration_id, now)
        con.execute(
            insert(registrations).values(
                registration_id=registration_id,
                username=checked.username,
                customer_id=checked.customer_id[:20],
                email=checked.email,
                name=name,
                proof_document="",
                proof_matches=1 if proof.matches else 0,
                proof_amount=checked.amount,  # also when it did not match: the office checks it by hand
                proof_kind=proof.kind,
                regulations_version=cfg.registration.regulations_version,
                regulations_accepted_at=now,
                status="approved" if auto else ("pending" if proof.matches else "manual"),
                client_address=(client_address or None) and client_address[:64],
                created_at=now,
                decided_at=now if auto else None,
                decided_by="auto" if auto else None,
            )
        )
        token = tokens.issue("activate", checked.username, now, con=con)
        _queue_activation(con, checked, cfg, token, auto, proof.matches, now)
        audit.record(
            "registration_submitted",
            checked.username,
            client_address=client_address,
            at=now,
            con=con,
            customer_id=checked.customer_id,
            auto_approved=auto,
            proof_kind=proof.kind,
            manual_check=not proof.matches,
            regulations_version=cfg.registration.regulations_version,
        )
    if proof.matches:
        throttle.record("register", None, client_address, True, now)
    return Registered(registration_id, auto, not proof.matches)


def _spend_code(con: Connection, digest: str, customer_id: str, registration_id: str, now: datetime) -> None:
    """Mark the code used inside the registration's unit; ProofFailed when a parallel form spent it first."""
    # Checked again in this transaction; the primary key stops a race the check cannot see.
    if _code_spent(digest, con):
        raise ProofFailed(CODE_USED)
    con.execute(
        insert(registration_codes_used).values(
            code_digest=digest, customer_id=customer_id[:20], registration_id=registration_id, used_at=now
        )
    )


def _queue_activation(
    con: Connection,
    checked: _Checked,
    cfg: config.Config,
    token: str,
    auto: bool,
    matched: bool,
    now: datetime,
) -> None:
    """Queue the activation e-mail inside the registration's unit of work (in the language of this run)."""
    link = f"{config.base_url()}/rejestracja?aktywacja={token}"
    if auto:
        waiting = ""
    elif matched:
        waiting = "\n" + _("Po potwierdzeniu adresu konto zostanie jeszcze zatwierdzone przez biuro.") + "\n"
    else:
        waiting = (
            "\n"
            + _(
                "Dane podane przy rejestracji sprawdzi ręcznie biuro. O decyzji powiadomimy Cię e-mailem; "
                "biuro może też zadzwonić lub poprosić o wizytę."
            )
            + "\n"
        )
    greeting = _(
        "Dzień dobry,\n\ndziękujemy za rejestrację w e-BOK ({company}) jako „{username}”.\n\n"
        "Aby potwierdzić adres e-mail, otwórz link (jednorazowy, ważny 3 dni):\n{link}\n"
    ).format(company=cfg.company.name, username=checked.username, link=link)
    outbox.queue(
        checked.email,
        _("e-BOK: potwierdź adres e-mail"),
        greeting + waiting + "\n" + _("Jeśli to nie Ty, zignoruj tę wiadomość.") + "\n",
        now,
        con=con,
    )


def thanks(result: Registered, email: str) -> str:
    """Return what the page tells the resident after a stored registration (the e-mail is queued, not sent)."""
    address = email.strip()
    if result.manual:
        text = _(
            "Wniosek trafił do biura do sprawdzenia. Na adres {email} zostanie wysłany e-mail z linkiem "
            "potwierdzającym adres. Biuro sprawdzi Twoje dane ręcznie i powiadomi Cię e-mailem o decyzji."
        )
    elif result.auto_approved:
        text = _(
            "Dziękujemy! Na adres {email} zostanie wysłany e-mail z linkiem potwierdzającym adres. "
            "Po potwierdzeniu adresu możesz się zalogować."
        )
    else:
        text = _(
            "Dziękujemy! Na adres {email} zostanie wysłany e-mail z linkiem potwierdzającym adres. "
            "Po potwierdzeniu adresu konto zatwierdzi biuro."
        )
    return text.format(email=address)


class _Spent(Exception):
    """The activation token was used by a concurrent click inside our unit of work."""


def activate(token: str, client_address: str | None = None, now: datetime | None = None) -> str | None:
    """Use an activation link: verify the e-mail; return a status (in the run's language) or None when invalid."""
    now = now or clock.now()
    username = tokens.peek("activate", token, now)
    if username is None or users.get(username) is None:
        return None
    try:
        # Token, auth.yaml flag, registration row and audit entry land together or not at all.
        with users.writing(users.setting(username, email_verified=True)) as (con, _unused):
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
        return _("Adres e-mail potwierdzony. Możesz się zalogować.")
    return _(
        "Adres e-mail potwierdzony. Konto czeka na zatwierdzenie przez biuro — powiadomimy Cię e-mailem."
    )


def pending() -> list[dict[str, Any]]:
    """Registrations waiting for the office, oldest first."""
    with store.engine().connect() as con:
        return [
            dict(r)
            for r in con.execute(
                select(registrations)
                .where(registrations.c.status.in_(WAITING))
                .order_by(registrations.c.created_at)
            ).mappings()
        ]


def _waiting(registration_id: str) -> dict[str, Any]:
    """Return the registration row while it waits for a decision; FormError otherwise."""
    with store.engine().connect() as con:
        row = (
            con.execute(
                select(registrations).where(
                    registrations.c.registration_id == registration_id, registrations.c.status.in_(WAITING)
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
        .where(registrations.c.registration_id == registration_id, registrations.c.status.in_(WAITING))
        .values(status=status, decided_at=clock.now(), decided_by=by, decision_note=note)
    )
    if not result.rowcount:
        raise FormError(NOT_WAITING)


def approve(registration_id: str, by: str, lang: str | None = None) -> None:
    """Office: approve a pending registration and tell the resident (one unit of work).

    LANG: the language of the resident's e-mail (None: this run's).
    """
    row = _waiting(registration_id)
    cfg = config.load()
    with i18n.use(lang or i18n.current()):
        # Until the resident clicks the activation link the account cannot sign in, so say so.
        next_step = (
            _("Zaloguj się: {link}").format(link=f"{config.base_url()}/")
            if row.get("email_verified_at")
            else _("Aby się zalogować, potwierdź jeszcze adres e-mail linkiem z wiadomości aktywacyjnej.")
        )
        subject = _("e-BOK: konto zatwierdzone")
        body = _("Dzień dobry,\n\nbiuro zatwierdziło Twoje konto „{username}” w e-BOK ({company}).\n").format(
            username=row["username"], company=cfg.company.name
        )
    with users.writing(users.setting(row["username"], approved=True)) as (con, _unused):
        _decide(con, registration_id, "approved", by, None)
        outbox.queue(row["email"], subject, body + next_step + "\n", con=con)
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
    with users.writing(users.setting(row["username"], disabled=True, approved=False)) as (con, _unused):
        _decide(con, registration_id, "rejected", by, note)
        sessions.revoke_user(row["username"], "registration_rejected", con=con)
        audit.record(
            "registration_rejected", by, target=row["username"], customer_id=row["customer_id"], con=con
        )
        if also is not None:
            also(con)
    return row
