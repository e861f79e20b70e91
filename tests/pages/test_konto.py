"""AppTest: Hasło i bezpieczeństwo — password change ends other sessions; sign out everywhere."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ebok.auth import passwords, sessions, users
from ebok.core import settings
from ebok.storage import audit
from tests.helpers.auth import RESIDENT_PASSWORD, login_as, write_demo_auth

PAGE = str(settings.ROOT / "pages" / "konto.py")


def fill(at: AppTest, old: str, new: str, repeat: str) -> AppTest:
    fields = {t.label: t for t in at.text_input}
    fields["Obecne hasło"].input(old)
    fields["Nowe hasło"].input(new)
    fields["Powtórz nowe hasło"].input(repeat)
    next(b for b in at.button if b.label == "Zmień hasło").click()
    return at.run()


def test_signed_out_visitor_sees_the_login_form():
    write_demo_auth()
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert [t.label for t in at.text_input] == ["Nazwa użytkownika", "Hasło"]


def test_password_change_through_the_page_revokes_other_sessions():
    at = AppTest.from_file(PAGE, default_timeout=30)
    other = login_as(at, "maria.zielinska")  # e.g. a session on another device
    mine = login_as(at, "maria.zielinska")
    at.run()
    assert not at.exception
    fill(at, RESIDENT_PASSWORD, "Lawenda-Na-Balkonie-5", "Lawenda-Na-Balkonie-5")
    assert not at.error, [e.value for e in at.error]
    assert "Hasło zostało zmienione" in at.success[0].value
    assert sessions.validate(other) is None and sessions.validate(mine) is None
    assert sessions.validate(at.session_state["_ebok_sid"]).username == "maria.zielinska"
    assert passwords.verify_password("Lawenda-Na-Balkonie-5", users.get("maria.zielinska").password)
    assert audit.entries("password_changed", "maria.zielinska")


def test_bad_new_password_shows_polish_messages_naming_the_field():
    at = AppTest.from_file(PAGE, default_timeout=30)
    login_as(at, "jan.kowalski")
    at.run()
    fill(at, RESIDENT_PASSWORD, "Jan-Kowalski-1", "Jan-Kowalski-2")
    errors = [e.value for e in at.error]
    assert any(e.startswith("Hasło:") for e in errors)
    assert "Powtórz hasło: hasła się różnią." in errors
    assert passwords.verify_password(RESIDENT_PASSWORD, users.get("jan.kowalski").password)


def test_sign_out_everywhere():
    at = AppTest.from_file(PAGE, default_timeout=30)
    other = login_as(at, "anna.nowak")
    login_as(at, "anna.nowak")
    at.run()
    at.button(key="ebok_logout_all").click().run()
    assert sessions.validate(other) is None
    assert [t.label for t in at.text_input] == ["Nazwa użytkownika", "Hasło"]
