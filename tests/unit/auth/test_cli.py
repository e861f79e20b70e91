"""Account commands: user-add, user-passwd (stdin), auth-cleanup."""

from __future__ import annotations

import io
import sys
from datetime import datetime, timedelta

from ebok import cli
from ebok.auth import cli as auth_cli
from ebok.auth import passwords, service, sessions, throttle, tokens, users
from tests.helpers.auth import write_demo_auth


def test_user_add_prints_a_start_password(capsys, monkeypatch):
    monkeypatch.setenv("EBOK_BCRYPT_ROUNDS", "4")
    write_demo_auth()
    assert (
        cli.main(
            [
                "user-add",
                "Kierownik",
                "--name",
                "Ewa Kierownik",
                "--email",
                "ewa@example.com",
                "--role",
                "admin",
            ]
        )
        == 0
    )
    start = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
    user = users.get("kierownik")
    assert user.roles == ("admin",) and user.must_change_password
    assert passwords.verify_password(start, user.password)
    assert cli.main(["user-add", "kierownik", "--name", "X", "--email", "x@example.com"]) == 1


def test_user_passwd_from_stdin_ends_sessions(monkeypatch, capsys):
    monkeypatch.setenv("EBOK_BCRYPT_ROUNDS", "4")
    write_demo_auth()
    sid = service.authenticate("admin", "Biuro-ebok-2026!", None).session_id
    monkeypatch.setattr(sys, "stdin", io.StringIO("Nowe-Haslo-Biura-2027\n"))
    assert cli.main(["user-passwd", "admin"]) == 0
    assert passwords.verify_password("Nowe-Haslo-Biura-2027", users.get("admin").password)
    assert sessions.validate(sid) is None
    monkeypatch.setattr(sys, "stdin", io.StringIO("password1\n"))
    assert cli.main(["user-passwd", "admin"]) == 1
    assert "popularnych" in capsys.readouterr().err


def test_cleanup_deletes_only_old_rows():
    write_demo_auth()
    now = datetime(2026, 11, 21, 12, 0)
    throttle.record("login", "x", "1.1.1.1", False, now - timedelta(days=2))
    throttle.record("login", "x", "1.1.1.1", False, now - timedelta(minutes=5))
    old = sessions.create("anna.nowak", None, now - timedelta(days=40))
    sessions.revoke(old, "logout", now - timedelta(days=39))
    live = sessions.create("anna.nowak", None, now)
    tokens.issue("reset", "anna.nowak", now - timedelta(days=3))
    assert auth_cli.cleanup(now) == {"attempts": 1, "sessions": 1, "tokens": 1}
    assert throttle.failures("login", username="x", now=now) == 1
    assert sessions.validate(live, now) is not None
