"""Konfiguracja page: admins only, saves valid input, names the key of bad input, shows a broken file."""

from __future__ import annotations

import os

import pytest

from ebok.core import config, settings
from ebok.storage import audit
from tests.helpers.auth import page


@pytest.fixture(autouse=True)
def _fresh():
    config.clear_cache()
    yield
    config.clear_cache()


def run(username: str = "admin"):
    at = page("pages/admin_konfiguracja.py", username)
    at.run()
    assert not at.exception, at.exception
    return at


def test_resident_is_refused():
    at = run("anna.nowak")
    assert [e.value for e in at.error] == ["Nie masz dostępu do tej strony."]
    assert not at.text_input


def test_form_shows_current_values():
    at = run()
    assert at.text_input(key="cfg.company.nip").value == "5260001246"
    assert at.text_input(key="cfg.company.name").value == config.load().company.name
    assert at.number_input(key="cfg.security.idle_timeout_minutes").value == 15
    assert at.checkbox(key="cfg.modules.voting").value is True
    assert at.text_input(key="cfg.smtp.password").value == ""  # secrets are never shown


def test_valid_change_is_saved_and_normalised():
    at = run()
    at.text_input(key="cfg.company.name").input("SM Lipowa")
    at.text_input(key="cfg.company.bank_account").input("PL61 1090 1014 0000 0712 1981 2874")
    at.text_area(key="cfg.company.phones").input("22 111 22 33\n600 700 800")
    at.checkbox(key="cfg.modules.voting").uncheck()
    at.number_input(key="cfg.security.idle_timeout_minutes").set_value(30)
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    assert any("Zapisano konfigurację (SM Lipowa)" in s.value for s in at.success)
    config.clear_cache()
    cfg = config.load()
    assert cfg.company.name == "SM Lipowa"
    assert cfg.company.bank_account == "61109010140000071219812874"
    assert cfg.company.phones == ("22 111 22 33", "600 700 800")
    assert cfg.module_on("voting") is False and cfg.security.idle_timeout_minutes == 30
    assert at.text_input(key="cfg.company.bank_account").value == "61109010140000071219812874"
    assert config.backup_path().exists()
    assert audit.entries(action="config.saved")[0]["username"] == "admin"


def test_bad_nip_and_email_name_the_keys_and_file_stays():
    at = run()
    before = settings.config_file().read_bytes()
    at.text_input(key="cfg.company.nip").input("5260001247")
    at.text_input(key="cfg.company.email").input("biuro@")
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "Nie zapisano konfiguracji. Popraw:",
        "company.nip: nieprawidłowy NIP (błędna suma kontrolna)",
        "company.email: nieprawidłowy adres e-mail",
    ]
    assert settings.config_file().read_bytes() == before
    assert not at.success


def test_hand_broken_file_is_shown_and_last_good_config_used():
    path = settings.config_file()
    config.load()  # the template becomes the last good config
    path.write_text("company:\n  name: SM\n  fax: '22'\n", encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    at = run()
    errors = [e.value for e in at.error]
    assert errors[0].startswith("Plik konfiguracji jest błędny")
    assert errors[1].startswith("company.fax: nieznany klucz (dozwolone: name, address, nip,")
    assert len(errors) == 2
    # The form holds the config in force, so saving it repairs the file.
    assert at.text_input(key="cfg.company.nip").value == "5260001246"
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    assert config.last_error() is None
    assert "fax" in config.backup_path().read_text(encoding="utf-8")


def test_smtp_password_kept_unless_cleared():
    config.save(config.replace_section(config.load(), "smtp", password="tajne"))
    at = run()
    at.text_input(key="cfg.smtp.host").input("smtp.example.pl")
    at.button[0].click()
    at.run()
    config.clear_cache()
    assert config.load().smtp.host == "smtp.example.pl"
    assert config.load().smtp.password == "tajne"
    at.checkbox(key="cfg.clear").check()
    at.button[0].click()
    at.run()
    config.clear_cache()
    assert config.load().smtp.password == ""


def test_smtp_test_email_through_a_real_server():
    import email
    import socket
    from email import policy

    from aiosmtpd.controller import Controller

    class Collect:
        def __init__(self):
            self.received = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            self.received.append(
                (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default))
            )
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config.save(config.replace_section(config.load(), "smtp", host="127.0.0.1", port=port))
        at = run()
        at.text_input(key="smtp_test_to").input("biuro@example.pl")
        at.button[1].click()
        at.run()
        assert [s.value for s in at.success] == ["Wysłano wiadomość testową na biuro@example\\.pl."]
        (rcpts, msg) = handler.received[0]
        assert rcpts == ["biuro@example.pl"] and msg["Subject"] == "e-BOK: wiadomość testowa"
    finally:
        controller.stop()
    # With the server gone the page names the problem instead of failing.
    at.button[1].click()
    at.run()
    assert not at.exception, at.exception
    assert at.error[0].value.startswith(f"Nie udało się wysłać przez 127.0.0.1:{port}")
