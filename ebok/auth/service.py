"""Account operations: login, logout, password change and reset, office-created accounts.

Everything here is plain Python (no Streamlit), so the same rules hold for the pages, the CLI and
the tests. Messages come in the language of the run (mails in their recipient's) and never reveal
whether an account exists; the module's message constants are Polish msgids, translated where shown.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime

from ebok.auth import passwords, sessions, throttle, tokens, users
from ebok.core import clock, config, i18n
from ebok.core.errors import FormError, Problem, Problems
from ebok.core.i18n import N_, _
from ebok.storage import audit, outbox, store

# Polish msgids: translate them where shown, _(LOGIN_FAILED) (functions here return them translated).
LOGIN_FAILED = N_("Nieprawidłowa nazwa użytkownika lub hasło.")
LOGIN_LOCKED = N_(
    "Zbyt wiele nieudanych prób logowania. Logowanie jest chwilowo zablokowane — spróbuj ponownie "
    "za 15 minut albo skorzystaj z opcji „Nie pamiętam hasła”."
)
RESET_SENT = N_(
    "Jeśli podany adres należy do konta w e-BOK, wyślemy na niego link do ustawienia nowego hasła "
    "(zwykle w ciągu kilku minut; sprawdź też folder spam). Link jest ważny 30 minut."
)
BAD_LINK = Problem(
    "", N_("Link do zmiany hasła jest nieprawidłowy, został już użyty albo wygasł. Poproś o nowy.")
)


@dataclass(frozen=True)
class LoginResult:
    """The outcome of one login attempt."""

    ok: bool
    message: str = ""  # in the language of the run that made the result
    username: str | None = None
    session_id: str | None = None


def authenticate(
    username: str, password: str, client_address: str | None = None, now: datetime | None = None
) -> LoginResult:
    """Check a login; on success start a server-side session. Throttled per username and address."""
    now = now or clock.now()
    key = (username or "").strip().lower()[:120]
    if not key or not password:
        return LoginResult(False, _("Podaj nazwę użytkownika i hasło."))
    if throttle.is_locked("login", key, client_address, now):
        audit.record("login_blocked", key, client_address=client_address, at=now)
        return LoginResult(False, _(LOGIN_LOCKED))
    user = users.get(key)
    # verify_password runs bcrypt even for unknown users, so timing does not reveal accounts.
    good = passwords.verify_password(password, user.password if user else None)
    if user is None or not good or not user.active:
        throttle.record("login", key, client_address, False, now)
        audit.record("login_failed", key, client_address=client_address, at=now)
        if throttle.is_locked("login", key, client_address, now):
            audit.record("login_lockout", key, client_address=client_address, at=now)
            return LoginResult(False, _(LOGIN_LOCKED))
        return LoginResult(False, _(LOGIN_FAILED))
    # One transaction: a store that refuses part of it (disk full) leaves no session without its
    # attempt and audit entry, nor an attempt that resets the failure count without a login.
    with store.engine().begin() as con:
        throttle.record("login", key, client_address, True, now, con=con)
        session_id = sessions.create(key, client_address, now, con=con)
        audit.record("login", key, client_address=client_address, at=now, con=con)
    return LoginResult(True, "", key, session_id)


def logout(session_id: str | None, username: str | None = None, client_address: str | None = None) -> None:
    """Revoke the server-side session (a copied cookie stops working too)."""
    if session_id:
        sessions.revoke(session_id, "logout")
        audit.record("logout", username, client_address=client_address)


def _check_new_password(found: Problems, user: users.UserRecord, new_password: str, repeat: str) -> None:
    """Record the rules NEW_PASSWORD breaks (none of the account's own words) and a wrong repeat."""
    personal = dict(name=user.name, email=user.email, customer_id=user.customer_id or "")
    for problem in passwords.problems(new_password, username=user.username, **personal):
        found.add(problem.field, problem.message)
    if new_password != repeat:
        found.add(_("Powtórz hasło"), _("hasła się różnią."))


def change_password(
    username: str,
    old_password: str,
    new_password: str,
    repeat: str,
    client_address: str | None = None,
    now: datetime | None = None,
) -> str:
    """Change a password and return the new session id; every old session is revoked.

    FormError names every refused field at once (a wrong current password and the new one's rules).
    """
    now = now or clock.now()
    user = users.get(username)
    if user is None:
        raise FormError.one("", _("Konto nie istnieje."))
    if throttle.is_locked("password", user.username, client_address, now):
        raise FormError.one("", _(LOGIN_LOCKED))
    found = Problems()
    if not passwords.verify_password(old_password, user.password):
        throttle.record("password", user.username, client_address, False, now)
        audit.record("password_change_failed", user.username, client_address=client_address, at=now)
        found.add(_("Obecne hasło"), _("nieprawidłowe."))
    _check_new_password(found, user, new_password, repeat)
    if new_password == old_password:
        found.add(_("Nowe hasło"), _("musi różnić się od obecnego."))
    found.raise_if_any()
    _store_password(user.username, new_password, "password_changed", client_address, now)
    return sessions.create(user.username, client_address, now)


def _store_password(
    username: str, new_password: str, action: str, client_address: str | None, now: datetime
) -> None:
    """Save the new hash, end every session and record ACTION: one unit of work."""
    change = users.setting(
        username,
        password=passwords.hash_password(new_password),
        must_change_password=False,
        password_changed_at=now.isoformat(timespec="microseconds"),
    )
    with users.writing(change) as (con, _unused):
        sessions.revoke_user(username, action, now, con=con)
        audit.record(action, username, client_address=client_address, at=now, con=con)


def request_reset(
    email: str, client_address: str | None = None, now: datetime | None = None, lang: str | None = None
) -> str:
    """Send reset links to the active accounts with this e-mail; always return the same message.

    LANG: the language of the mails (None: this run's); the message returned is in this run's.
    """
    now = now or clock.now()
    email = (email or "").strip()[:254]
    if throttle.is_locked("reset", None, client_address, now):
        audit.record("reset_blocked", client_address=client_address, at=now)
        return _(RESET_SENT)
    # Every request counts against the address, found or not: it limits mail bombing.
    throttle.record("reset", None, client_address, False, now)
    cfg = config.load()
    for user in users.find_by_email(email):
        if not user.active:
            continue
        token = tokens.issue("reset", user.username, now)
        link = f"{config.base_url()}/reset_hasla?token={token}"
        with i18n.use(lang or i18n.current()):
            subject = _("e-BOK: ustawienie nowego hasła")
            body = _(
                "Dzień dobry,\n\nktoś (prawdopodobnie Ty) poprosił o ustawienie nowego hasła do konta "
                "„{username}” w e-BOK ({company}).\n\nAby ustawić nowe hasło, otwórz link "
                "(ważny 30 minut, jednorazowy):\n{link}\n\nJeśli to nie Ty, zignoruj tę wiadomość — hasło "
                "się nie zmieni.\n"
            ).format(username=user.username, company=cfg.company.name, link=link)
        outbox.queue(user.email, subject, body, now)
        audit.record("reset_requested", user.username, client_address=client_address, at=now)
    return _(RESET_SENT)


def reset_password(
    token: str, new_password: str, repeat: str, client_address: str | None = None, now: datetime | None = None
) -> None:
    """Set a new password with a reset token (single use); FormError names every refused field."""
    now = now or clock.now()
    username = tokens.peek("reset", token, now)
    user = users.get(username) if username else None
    if user is None:
        raise FormError(BAD_LINK)
    found = Problems()
    _check_new_password(found, user, new_password, repeat)
    found.raise_if_any()
    if tokens.consume("reset", token, now) != user.username:
        raise FormError(BAD_LINK)
    _store_password(user.username, new_password, "password_reset", client_address, now)


def generate_start_password() -> str:
    """Return a random start password that passes the rules (office-created accounts)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        pw = "-".join("".join(secrets.choice(alphabet) for __ in range(5)) for __ in range(3))
        if not passwords.problems(pw):
            return pw


def create_account(
    username: str,
    name: str,
    email: str,
    *,
    roles: tuple[str, ...] = ("resident",),
    customer_id: str | None = None,
    by: str | None = None,
) -> str:
    """Office: create an account with a start password (returned once); first login forces a change."""
    key = username.strip().lower()
    found = Problems()
    if not key or len(key) > 120 or any(ch.isspace() for ch in key):
        found.add(_("Nazwa użytkownika"), _("podaj nazwę bez spacji (najwyżej 120 znaków)."))
    if any(role not in users.ROLES for role in roles):
        found.add(_("Rola"), _("dozwolone są resident i admin."))
    found.raise_if_any()
    start_password = generate_start_password()
    record = {
        "name": name,
        "email": email,
        "password": passwords.hash_password(start_password),
        "roles": list(roles),
        "customer_id": customer_id,
        "premises": [],
        "disabled": False,
        "must_change_password": True,
    }
    with users.writing(users.adding(key, record)) as (con, _unused):
        audit.record("account_created", by, target=key, roles=list(roles), customer_id=customer_id, con=con)
    return start_password


def set_disabled(username: str, disabled: bool, by: str | None = None) -> None:
    """Office: disable (revoking every session at once) or re-enable an account: one unit of work."""
    with users.writing(users.setting(username, disabled=bool(disabled))) as (con, _unused):
        if disabled:
            sessions.revoke_user(username, "account_disabled", con=con)
        action = "account_disabled" if disabled else "account_enabled"
        audit.record(action, by, target=username.lower(), con=con)


def office_reset_password(username: str, by: str | None = None) -> str:
    """Office: give the account a new start password (returned once) and end its sessions."""
    start = generate_start_password()
    change = users.setting(
        username,
        password=passwords.hash_password(start),
        must_change_password=True,
        password_changed_at=clock.now().isoformat(timespec="microseconds"),
    )
    with users.writing(change) as (con, _unused):
        sessions.revoke_user(username, "office_reset", con=con)
        audit.record("account_password_reset_by_office", by, target=username.lower(), con=con)
    return start
