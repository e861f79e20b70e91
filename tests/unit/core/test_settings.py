"""Where e-BOK keeps its files: the accounts file in the data directory, demo mode, the mail catcher."""

from __future__ import annotations

import stat

import pytest

from ebok.auth import passwords, users
from ebok.core import settings


@pytest.fixture
def default_auth(monkeypatch):
    """No EBOK_AUTH_FILE: the app's own default applies."""
    monkeypatch.delenv("EBOK_AUTH_FILE")


def test_the_accounts_file_lives_in_the_data_directory_seeded_from_the_demo(default_auth, data_dir):
    path = settings.auth_file()
    assert path == data_dir / "auth.yaml"
    assert path.read_bytes() == settings.AUTH_SEED.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # password hashes
    assert users.get("anna.nowak") is not None
    assert not [p.name for p in data_dir.iterdir() if p.name.startswith(".auth.yaml")]  # no seed leftovers


def test_registering_and_signing_in_never_rewrite_the_tracked_seed(default_auth, data_dir):
    seed = settings.AUTH_SEED.read_bytes()
    users.add_user(
        "nowy.mieszkaniec",
        {
            "name": "Nowy Mieszkaniec",
            "email": "nowy@example.com",
            "password": passwords.hash_password("Hasło-długie-2026!"),
            "roles": ["resident"],
        },
    )
    users.set_fields("anna.nowak", last_login="2026-11-21T09:00:00")
    assert settings.AUTH_SEED.read_bytes() == seed
    assert users.get("nowy.mieszkaniec").email == "nowy@example.com"
    assert b"nowy.mieszkaniec" in (data_dir / "auth.yaml").read_bytes()


def test_an_existing_accounts_file_is_never_reseeded(default_auth, data_dir):
    (data_dir / "auth.yaml").write_text("credentials:\n  usernames: {}\n", encoding="utf-8")
    assert users.all_users() == []
    assert settings.auth_file().read_text(encoding="utf-8") == "credentials:\n  usernames: {}\n"


def test_ebok_auth_file_still_wins(data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("EBOK_AUTH_FILE", str(tmp_path / "gdzie-indziej.yaml"))
    assert settings.auth_file() == tmp_path / "gdzie-indziej.yaml"
    assert not (tmp_path / "gdzie-indziej.yaml").exists()  # an explicit file is never seeded
    assert not (data_dir / "auth.yaml").exists()


def test_demo_mode_follows_the_marker_and_the_environment(monkeypatch):
    monkeypatch.delenv("EBOK_DEMO", raising=False)
    assert settings.demo_mode() is False
    settings.demo_marker().write_text("demo\n", encoding="utf-8")
    assert settings.demo_mode() is True
    monkeypatch.setenv("EBOK_DEMO", "0")
    assert settings.demo_mode() is False
    settings.demo_marker().unlink()
    monkeypatch.setenv("EBOK_DEMO", "1")
    assert settings.demo_mode() is True


def test_the_mail_catcher_address_is_the_one_it_wrote_else_the_default():
    assert settings.mail_catcher_address() == ("127.0.0.1", settings.MAIL_CATCHER_PORT)
    (settings.mailbox_dir() / "ADDRESS").write_text("127.0.0.1:40001\n", encoding="utf-8")
    assert settings.mail_catcher_address() == ("127.0.0.1", 40001)
    (settings.mailbox_dir() / "ADDRESS").write_text("zepsute\n", encoding="utf-8")
    assert settings.mail_catcher_address() == ("127.0.0.1", settings.MAIL_CATCHER_PORT)
