"""Account commands for installs and cron: user-add, user-passwd, auth-cleanup."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime, timedelta

from sqlalchemy import delete

from ebok.auth import passwords, service, sessions, users
from ebok.core import clock
from ebok.core.errors import FormError
from ebok.storage import audit, store
from ebok.storage.tables import auth_attempts, auth_sessions, auth_tokens


def _read_password(prompt: str) -> str:
    """Read a password from the terminal (twice), or one line from stdin when piped."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(prompt)
    if getpass.getpass("Powtórz hasło: ") != first:
        raise SystemExit("Hasła się różnią.")
    return first


def _cmd_user_add(args: argparse.Namespace) -> int:
    try:
        start = service.create_account(
            args.username,
            args.name,
            args.email,
            roles=tuple(args.role),
            customer_id=args.customer,
            by="cli",
        )
    except FormError as exc:
        print("\n".join(exc.messages), file=sys.stderr)
        return 1
    print(
        f"Utworzono konto {args.username.lower()}. Hasło startowe (zmiana przy pierwszym logowaniu): {start}"
    )
    return 0


def _cmd_user_passwd(args: argparse.Namespace) -> int:
    user = users.get(args.username)
    if user is None:
        print("Nie ma takiego konta.", file=sys.stderr)
        return 1
    password = _read_password(f"Nowe hasło dla {user.username}: ")
    problems = passwords.problems(
        password, username=user.username, name=user.name, email=user.email, customer_id=user.customer_id or ""
    )
    if problems:
        print("\n".join(str(p) for p in problems), file=sys.stderr)
        return 1
    now = clock.now()
    change = users.setting(
        user.username,
        password=passwords.hash_password(password),
        must_change_password=False,
        password_changed_at=now.isoformat(timespec="microseconds"),
    )
    with users.writing(change) as (con, _):  # the new hash, ended sessions and audit land together
        sessions.revoke_user(user.username, "password_set_by_cli", now, con=con)
        audit.record("password_set_by_cli", "cli", target=user.username, con=con)
    print(f"Hasło konta {user.username} zmienione; jego sesje zakończone.")
    return 0


def cleanup(now: datetime | None = None) -> dict[str, int]:
    """Delete login attempts older than a day, dead sessions older than 30 days, spent tokens."""
    now = now or clock.now()
    with store.engine().begin() as con:
        attempts = con.execute(
            delete(auth_attempts).where(auth_attempts.c.at < now - timedelta(days=1))
        ).rowcount
        old = now - timedelta(days=30)
        dead = con.execute(
            delete(auth_sessions).where(
                (auth_sessions.c.revoked_at < old)
                | (auth_sessions.c.revoked_at.is_(None) & (auth_sessions.c.last_seen_at < old))
            )
        ).rowcount
        spent = con.execute(
            delete(auth_tokens).where(auth_tokens.c.expires_at < now - timedelta(days=1))
        ).rowcount
    return {"attempts": int(attempts or 0), "sessions": int(dead or 0), "tokens": int(spent or 0)}


def _cmd_cleanup(_args: argparse.Namespace) -> int:
    counts = cleanup()
    print(
        f"Usunięto: prób logowania {counts['attempts']}, starych sesji {counts['sessions']}, "
        f"zużytych tokenów {counts['tokens']}."
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add user-add, user-passwd and auth-cleanup."""
    p = subparsers.add_parser(
        "user-add", help="Załóż konto (hasło startowe, zmiana przy pierwszym logowaniu)."
    )
    p.add_argument("username")
    p.add_argument("--name", required=True, help="Imię i nazwisko albo nazwa.")
    p.add_argument("--email", required=True)
    p.add_argument(
        "--role", action="append", choices=users.ROLES, default=None, help="resident (domyślnie) lub admin."
    )
    p.add_argument("--customer", default=None, help="Symbol klienta, np. L0001 (dla mieszkańca).")
    p.set_defaults(
        func=lambda a: _cmd_user_add(argparse.Namespace(**{**vars(a), "role": a.role or ["resident"]}))
    )
    p = subparsers.add_parser("user-passwd", help="Ustaw hasło konta (z terminala albo jednej linii stdin).")
    p.add_argument("username")
    p.set_defaults(func=_cmd_user_passwd)
    p = subparsers.add_parser(
        "auth-cleanup", help="Usuń stare próby logowania, martwe sesje i zużyte tokeny."
    )
    p.set_defaults(func=_cmd_cleanup)
