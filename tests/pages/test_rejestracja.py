"""AppTest: remote registration form, wrong proof, success, activation link from the e-mail."""

from __future__ import annotations

import time

from streamlit.testing.v1 import AppTest

from ebok.auth import registration, users
from ebok.core import settings
from ebok.storage import outbox
from tests.helpers.auth import resident_warehouse, write_demo_auth

PAGE = str(settings.ROOT / "pages" / "rejestracja.py")


def page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    # A known question issued a minute ago (the minimum fill time has passed).
    at.session_state["_reg_challenge"] = registration.Challenge(
        "Ile to jest trzy dodać cztery?", 7, time.monotonic() - 60
    )
    return at.run()


def submit(at: AppTest, **values: str) -> AppTest:
    defaults = {
        "Symbol klienta": "W0001",
        "E-mail": "jan.k@example.com",
        "Nazwa użytkownika": "jan.k",
        "Hasło": "Studnia-Za-Domem-44",
        "Powtórz hasło": "Studnia-Za-Domem-44",
        "Numer dokumentu": "N/W0001/2026/11",
        "Kwota brutto (zł)": "411,50",
        "Pytanie kontrolne: Ile to jest trzy dodać cztery?": "siedem",
    }
    defaults.update(values)
    fields = {t.label: t for t in at.text_input}
    for label, value in defaults.items():
        fields[label].input(value)
    at.checkbox[0].check()
    next(b for b in at.button if b.label == "Zarejestruj się").click()
    return at.run()


def test_form_labels_are_polish_and_the_honeypot_is_hidden():
    resident_warehouse()
    write_demo_auth()
    at = page()
    labels = [t.label for t in at.text_input]
    assert labels[:4] == ["Symbol klienta", "E-mail", "Nazwa użytkownika", "Hasło"]
    honeypot = at.text_input(key="ebok_reg_website")
    assert honeypot.proto.label_visibility.value == honeypot.proto.label_visibility.COLLAPSED
    assert "Akceptuję regulamin portalu" in at.checkbox[0].label


def test_wrong_proof_is_refused():
    resident_warehouse()
    write_demo_auth()
    at = submit(page(), **{"Kwota brutto (zł)": "999,99"})
    assert [e.value for e in at.error] == [str(registration.PROOF_PROBLEM)]
    assert users.get("jan.k") is None


def test_registration_then_activation_link():
    resident_warehouse()
    write_demo_auth()
    at = submit(page())
    assert not at.error, [e.value for e in at.error]
    assert "Wysłaliśmy e-mail" in at.success[0].value
    body = outbox.pending()[-1]["body"]
    token = body.split("aktywacja=")[1].split()[0]
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["aktywacja"] = token
    at.run()
    assert "Adres e-mail potwierdzony" in at.success[0].value
    assert "aktywacja" not in at.query_params
    assert users.get("jan.k").email_verified
    again = AppTest.from_file(PAGE, default_timeout=30)
    again.query_params["aktywacja"] = token
    again.run()
    assert "nieprawidłowy" in again.error[0].value


def test_honeypot_filled_by_a_bot_is_refused():
    resident_warehouse()
    write_demo_auth()
    at = page()
    at.text_input(key="ebok_reg_website").input("http://spam.example")
    at = submit(at)
    assert at.error and users.get("jan.k") is None
