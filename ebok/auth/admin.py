"""Office account management: registrations waiting for approval, accounts, passwords, premises.

This module adds validation and the views the office page needs on top of ebok.auth.service and
ebok.auth.registration (which own creating accounts, resetting passwords, disabling, approving and
rejecting); it never writes auth.yaml except through ebok.auth.users (file lock, temporary file,
fsync, rename; users.writing when the store changes too). Refusals are FormError in the run's language,
naming the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import duckdb
from sqlalchemy import Connection, func, or_, select

from ebok.auth import registration, service, users
from ebok.core import clock, config, fmt, i18n
from ebok.core.errors import FormError, Problem, Problems
from ebok.core.i18n import N_, _
from ebok.storage import audit, outbox, store, warehouse
from ebok.storage.tables import audit_log, auth_sessions

MAX_REASON = 1000
MAX_NAME = 200
NO_ACCOUNT = Problem(N_("Konto"), N_("nie ma takiego konta."))  # translated where raised: _no_account()
ROLE_LABELS = {"resident": N_("mieszkaniec"), "admin": N_("biuro")}


def role_label(role: str) -> str:
    """Return ROLE's name in the run's language (an unknown role as it is)."""
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role


def _no_account() -> FormError:
    return FormError(Problem(_(NO_ACCOUNT.field), _(NO_ACCOUNT.message)))


# --- registrations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingRegistration:
    """A self-registration waiting for the office, with the proof the resident gave."""

    registration_id: str
    username: str
    name: str
    customer_id: str
    email: str
    proof_document: str  # the document number of registrations before 0003; "" since
    proof_amount: str | None  # formatted; None when the resident gave no amount
    proof_matches: bool
    regulations_version: str
    regulations_accepted_at: datetime | None
    created_at: datetime
    client_address: str | None
    email_verified_at: datetime | None
    warehouse_name: str | None  # the customer's name in the accounting data now (None = not found)
    proof_label: str = ""  # which proof the resident gave, in the run's language (registration.PROOF_LABELS)
    manual: bool = False  # the proof failed and the resident asked the office to check by hand


def pending_registrations() -> list[PendingRegistration]:
    """Return the registrations waiting for a decision, oldest first."""
    out = []
    for row in registration.pending():
        found = registration.customer(row["customer_id"])
        amount = row.get("proof_amount")
        proof_kind = row.get("proof_kind") or "document"
        out.append(
            PendingRegistration(
                registration_id=row["registration_id"],
                username=row["username"],
                name=row["name"],
                customer_id=row["customer_id"],
                email=row["email"],
                proof_document=row["proof_document"],
                proof_amount=None if amount is None else fmt.money(Decimal(str(amount))),
                proof_matches=bool(row["proof_matches"]),
                regulations_version=row["regulations_version"],
                regulations_accepted_at=row["regulations_accepted_at"],
                created_at=row["created_at"],
                client_address=row["client_address"],
                email_verified_at=row["email_verified_at"],
                warehouse_name=(found or {}).get("name"),
                proof_label=_(registration.PROOF_LABELS[proof_kind]),
                manual=row["status"] == "manual",
            )
        )
    return out


def _pending(registration_id: str) -> PendingRegistration:
    for reg in pending_registrations():
        if reg.registration_id == registration_id:
            return reg
    raise FormError(Problem(_(registration.NOT_WAITING.field), _(registration.NOT_WAITING.message)))


def _account_file_has(reg: PendingRegistration) -> None:
    """Refuse a decision on a registration whose account was removed from auth.yaml by hand."""
    if users.get(reg.username) is None:
        raise FormError.one(
            _("Rejestracja"), _("konta „{username}” nie ma już w pliku kont.").format(username=reg.username)
        )


def approve_registration(registration_id: str, by: str) -> str:
    """Approve a pending registration (ebok.auth.registration.approve e-mails the resident); return the username."""
    reg = _pending(registration_id)
    _account_file_has(reg)
    registration.approve(registration_id, by)
    return reg.username


def refuse_registration(registration_id: str, by: str, reason: str, lang: str | None = None) -> str:
    """Reject a pending registration with a reason the resident receives by e-mail; return the username.

    The e-mail is written in LANG, the resident's language (None: the language of this run).
    """
    reason = (reason or "").strip()
    if not reason:
        raise FormError.one(_("Powód odmowy"), _("podaj powód — mieszkaniec otrzyma go e-mailem."))
    if len(reason) > MAX_REASON:
        raise FormError.one(_("Powód odmowy"), _("najwyżej {n} znaków.").format(n=MAX_REASON))
    reg = _pending(registration_id)
    _account_file_has(reg)
    cfg = config.load()

    def mail_the_reason(con: Connection) -> None:
        with i18n.use(lang or i18n.current()):
            subject = _("e-BOK: rejestracja nie została zatwierdzona")
            body = _(
                "Dzień dobry,\n\nbiuro nie zatwierdziło rejestracji konta „{username}” w e-BOK "
                "({company}).\n\nPowód:\n{reason}\n\nW razie pytań skontaktuj się z biurem.\n"
            ).format(username=reg.username, company=cfg.company.name, reason=reason)
        outbox.queue(reg.email, subject, body, con=con)
        audit.record(
            "registration_refusal_mailed", by, target=reg.username, customer_id=reg.customer_id, con=con
        )

    # The rejection, the closed account, its ended sessions and this e-mail are one unit of work.
    registration.reject(registration_id, by, reason, also=mail_the_reason)
    return reg.username


# --- the account list ------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """One account as the office list shows it."""

    username: str
    name: str
    email: str
    roles: tuple[str, ...]
    customer_id: str | None
    premises: tuple[str, ...]
    disabled: bool
    approved: bool
    email_verified: bool
    must_change_password: bool
    last_login: datetime | None
    open_sessions: int

    @property
    def status(self) -> str:
        """The account's status for the list, in the run's language."""
        if self.disabled:
            return _("wyłączone")
        if not self.approved:
            return _("czeka na zatwierdzenie")
        if not self.email_verified:
            return _("e-mail niepotwierdzony")
        return _("aktywne")


def last_logins() -> dict[str, datetime]:
    """Return each user's last successful login recorded in the audit log."""
    stmt = (
        select(audit_log.c.username, func.max(audit_log.c.at))
        .where(audit_log.c.action == "login", audit_log.c.username.is_not(None))
        .group_by(audit_log.c.username)
    )
    with store.engine().connect() as con:
        return {str(name): at for name, at in con.execute(stmt)}


def open_sessions(now: datetime | None = None) -> dict[str, int]:
    """Return how many unrevoked, unexpired server-side sessions each user has."""
    now = now or clock.now()
    cfg = config.load()
    stmt = (
        select(auth_sessions.c.username, func.count())
        .where(
            auth_sessions.c.revoked_at.is_(None),
            auth_sessions.c.last_seen_at > now - timedelta(minutes=cfg.security.idle_timeout_minutes),
            auth_sessions.c.created_at > now - timedelta(hours=cfg.security.absolute_timeout_hours),
        )
        .group_by(auth_sessions.c.username)
    )
    with store.engine().connect() as con:
        return {str(name): int(n) for name, n in con.execute(stmt)}


def _account(user: users.UserRecord, logins: dict[str, datetime], live: dict[str, int]) -> Account:
    return Account(
        username=user.username,
        name=user.name,
        email=user.email,
        roles=user.roles,
        customer_id=user.customer_id,
        premises=user.premises,
        disabled=user.disabled,
        approved=user.approved,
        email_verified=user.email_verified,
        must_change_password=user.must_change_password,
        last_login=logins.get(user.username),
        open_sessions=live.get(user.username, 0),
    )


def list_accounts(
    role: str | None = None, disabled: bool | None = None, customer: str | None = None
) -> list[Account]:
    """Return accounts sorted by username; filters: role, disabled yes/no, customer symbol fragment."""
    logins, live = last_logins(), open_sessions()
    wanted = (customer or "").strip().upper()
    out = []
    for user in users.all_users():
        if role and role not in user.roles:
            continue
        if disabled is not None and user.disabled != disabled:
            continue
        if wanted and wanted not in (user.customer_id or "").upper():
            continue
        out.append(_account(user, logins, live))
    return out


def account(username: str) -> Account | None:
    """Return one account, or None."""
    user = users.get(username)
    return _account(user, last_logins(), open_sessions()) if user else None


def table_rows(accounts: list[Account]) -> list[dict[str, Any]]:
    """Return the account list as table rows with translated column names (plain cells, never Markdown)."""
    return [
        {
            _("Użytkownik"): a.username,
            _("Imię i nazwisko"): a.name,
            _("E-mail"): a.email,
            _("Rola"): ", ".join(role_label(r) for r in a.roles),
            _("Klient"): a.customer_id or "",
            _("Dodatkowe lokale"): ", ".join(a.premises),
            _("Status"): a.status,
            _("Zmiana hasła wymagana"): _("tak") if a.must_change_password else _("nie"),
            _("Ostatnie logowanie"): fmt.local_datetime(a.last_login) if a.last_login else "",
            _("Otwarte sesje"): a.open_sessions,
        }
        for a in accounts
    ]


ACTION_LABELS = {
    "login": N_("logowanie"),
    "login_failed": N_("nieudane logowanie"),
    "login_lockout": N_("blokada logowania po nieudanych próbach"),
    "login_blocked": N_("próba logowania w czasie blokady"),
    "logout": N_("wylogowanie"),
    "password_changed": N_("zmiana hasła"),
    "password_change_failed": N_("nieudana zmiana hasła"),
    "password_reset": N_("nowe hasło z linku e-mail"),
    "reset_requested": N_("prośba o link do zmiany hasła"),
    "account_created": N_("utworzenie konta przez biuro"),
    "account_disabled": N_("wyłączenie konta"),
    "account_enabled": N_("włączenie konta"),
    "account_password_reset_by_office": N_("nowe hasło startowe od biura"),
    "account_premises": N_("zmiana dodatkowych lokali"),
    "registration_submitted": N_("rejestracja przez internet"),
    "registration_email_verified": N_("potwierdzenie adresu e-mail"),
    "registration_approved": N_("zatwierdzenie rejestracji"),
    "registration_rejected": N_("odrzucenie rejestracji"),
    "registration_refusal_mailed": N_("e-mail z powodem odmowy"),
    "access_denied": N_("odmowa dostępu do strony"),
    "premises_denied": N_("odmowa dostępu do lokalu"),
}


def action_label(action: str) -> str:
    """Return the audit ACTION's name in the run's language (an unknown one as it is)."""
    return _(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def history(username: str, limit: int = 30) -> list[dict[str, Any]]:
    """Return the account's audit trail, newest first: its own actions and office actions on it."""
    key = (username or "").strip().lower()
    stmt = (
        select(audit_log)
        .where(
            or_(
                audit_log.c.username == key,
                # Office actions name the account in details.target; narrowed here, checked below.
                audit_log.c.details.contains(json.dumps(key, ensure_ascii=False)),
            )
        )
        .order_by(audit_log.c.id.desc())
        .limit(limit * 4)
    )
    with store.engine().connect() as con:
        rows = [dict(r) for r in con.execute(stmt).mappings()]
    out = []
    for row in rows:
        details = json.loads(row["details"]) if row["details"] else {}
        if row["username"] != key and details.get("target") != key:
            continue
        out.append(
            {
                _("Kiedy"): fmt.local_datetime(row["at"]),
                _("Kto"): row["username"] or "",
                _("Zdarzenie"): action_label(row["action"]),
                _("Adres"): row["client_address"] or "",
            }
        )
    return out[:limit]


# --- creating accounts -----------------------------------------------------------------------


@dataclass(frozen=True)
class NewAccount:
    """A created account and its start password (shown once to the office, never stored)."""

    username: str
    start_password: str = field(repr=False)


def create_account(
    *,
    username: str,
    email: str,
    customer_id: str,
    name: str = "",
    role: str = "resident",
    by: str,
) -> NewAccount:
    """Validate and create an account with a generated start password; the first login forces a change."""
    username = (username or "").strip().lower()
    email = (email or "").strip()
    customer_id = (customer_id or "").strip().upper()
    name = (name or "").strip()
    found = Problems()
    if role not in users.ROLES:
        found.add(_("Rodzaj konta"), _("dozwolone są mieszkaniec i biuro."))
    ledger = _check_customer(found, customer_id, role)
    _check_new_login(found, username, email, name)
    found.raise_if_any()
    try:
        start = service.create_account(
            username,
            name or (ledger or {}).get("name") or username,
            email,
            roles=(role,),
            customer_id=customer_id or None,
            by=by,
        )
    except FormError as exc:  # taken between the check and the locked write
        if users.TAKEN not in exc.problems:  # users raises its Polish constant; shown translated below
            raise
        raise _taken(username) from exc
    return NewAccount(username, start)


def _taken(username: str) -> FormError:
    return FormError.one(_("Nazwa użytkownika"), _("„{username}” jest już zajęta.").format(username=username))


def _check_customer(found: Problems, customer_id: str, role: str) -> dict[str, Any] | None:
    """Record the customer symbol's problem; return the ledger's customer when it exists."""
    if not customer_id:
        if role == "resident":
            found.add(_("Symbol klienta"), _("podaj symbol klienta z systemu księgowego, np. L0001."))
        return None
    if not registration.CUSTOMER_RE.fullmatch(customer_id):
        found.add(_("Symbol klienta"), _("wielka litera i cztery cyfry, np. L0001."))
        return None
    ledger = registration.customer(customer_id)
    if ledger is None:
        found.add(
            _("Symbol klienta"),
            _("nie ma klienta {customer} w danych z systemu księgowego.").format(customer=customer_id),
        )
    return ledger


def _check_new_login(found: Problems, username: str, email: str, name: str) -> None:
    """Record problems of the username, e-mail and name of a new account."""
    if not registration.USERNAME_RE.fullmatch(username):
        found.add(
            _("Nazwa użytkownika"), _("3–40 znaków: małe litery, cyfry, kropka, myślnik lub podkreślenie.")
        )
    elif users.get(username) is not None:
        found.extend(_taken(username))
    if not registration.EMAIL_RE.fullmatch(email) or len(email) > 254:
        found.add(_("E-mail"), _("podaj poprawny adres, np. jan@example.com."))
    if len(name) > MAX_NAME or any(ch in name for ch in "\r\n"):
        found.add(_("Imię i nazwisko"), _("jedna linia, najwyżej {n} znaków.").format(n=MAX_NAME))


# --- changing accounts -----------------------------------------------------------------------


def _existing(username: str) -> users.UserRecord:
    user = users.get(username)
    if user is None:
        raise _no_account()
    return user


def reset_password(username: str, by: str) -> str:
    """Give the account a new start password (returned once), force a change, end its sessions."""
    user = _existing(username)
    if user.username == (by or "").lower():
        raise FormError.one(_("Konto"), _("własne hasło zmień na stronie „Hasło i bezpieczeństwo”."))
    return service.office_reset_password(user.username, by)


def set_disabled(username: str, disabled: bool, by: str) -> None:
    """Disable (ending every session at once) or re-enable an account; never your own."""
    user = _existing(username)
    if disabled and user.username == (by or "").lower():
        raise FormError.one(_("Konto"), _("nie możesz wyłączyć własnego konta."))
    service.set_disabled(user.username, disabled, by)


def parse_premises_ids(text: str) -> list[str]:
    """Split 'A, B C' into premises ids (commas, semicolons or spaces), keeping order, no repeats."""
    parts = (text or "").replace(";", ",").replace(",", " ").split()
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def _warehouse_premises(ids: list[str]) -> dict[str, str]:
    """Return {premises_id: customer_id} for the ids that exist in the current warehouse."""
    if not ids or warehouse.current_version() is None:
        return {}
    try:
        with warehouse.cursor() as cur:
            rows = cur.execute(warehouse.query_text("auth_admin_premises"), {"ids": ids}).fetchall()
    except (duckdb.Error, FileNotFoundError):
        return {}
    return {str(pid): str(cust) for pid, cust in rows}


def add_premises(username: str, premises_ids: list[str] | str, by: str) -> tuple[str, ...]:
    """Assign extra premises (each must exist in the warehouse); return the account's new extras."""
    user = _existing(username)
    ids = parse_premises_ids(premises_ids) if isinstance(premises_ids, str) else list(premises_ids)
    if not ids:
        raise FormError.one(_("Lokal"), _("podaj numer lokalu, np. L0001-M1."))
    known = _warehouse_premises(ids)
    found = Problems()
    for pid in ids:
        if pid not in known:
            found.add(
                _("Lokal"), _("nie ma lokalu {premises} w danych z systemu księgowego.").format(premises=pid)
            )
        elif user.customer_id and known[pid] == user.customer_id:
            found.add(
                _("Lokal"),
                _("{premises} należy do klienta {customer}, konto widzi go bez przypisania.").format(
                    premises=pid, customer=user.customer_id
                ),
            )
        elif pid in user.premises:
            found.add(_("Lokal"), _("{premises} jest już przypisany do tego konta.").format(premises=pid))
    found.raise_if_any()
    return _change_premises(user.username, add=ids, remove=[], by=by)


def remove_premises(username: str, premises_ids: list[str], by: str) -> tuple[str, ...]:
    """Take extra premises away from the account; return its new extras."""
    user = _existing(username)
    missing = [pid for pid in premises_ids if pid not in user.premises]
    if not premises_ids or missing:
        raise FormError.one(
            _("Lokal"),
            _("{premises} nie jest przypisany do tego konta.").format(premises=", ".join(missing) or "—"),
        )
    return _change_premises(user.username, add=[], remove=list(premises_ids), by=by)


def _change_premises(username: str, *, add: list[str], remove: list[str], by: str) -> tuple[str, ...]:
    """Add/remove extras in one locked read-modify-write, audited in the same unit of work.

    The change reads auth.yaml fresh under its lock, so two office users never undo each other.
    """

    def change(all_users: dict[str, dict[str, Any]]) -> list[str]:
        if username not in all_users:
            raise _no_account()

        current = [str(p) for p in all_users[username].get("premises") or []]
        new = [p for p in current if p not in remove] + [p for p in add if p not in current]
        all_users[username]["premises"] = new
        return new

    with users.writing(change) as (con, new):
        audit.record(
            "account_premises", by, target=username, added=add, removed=remove, premises=new, con=con
        )
    return tuple(new)
