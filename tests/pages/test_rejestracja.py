"""AppTest: remote registration form, wrong proof and the manual check, success, the activation link."""

from __future__ import annotations

import time

from streamlit.testing.v1 import AppTest

from ebok.auth import registration, users
from ebok.core import settings
from ebok.storage import outbox
from tests.helpers.auth import resident_warehouse, write_demo_auth
from tests.helpers.auth_admin import registration_row

PAGE = str(settings.ROOT / "pages" / "rejestracja.py")
QUESTION = "Pytanie kontrolne: Ile to jest trzy dodać cztery?"
MANUAL = "Wyślij wniosek do biura do sprawdzenia"


def page(shown_seconds_ago: float = 60) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    # A known question; the form was first shown a minute ago (the minimum fill time has passed).
    at.session_state["_reg_challenge"] = registration.Challenge("Ile to jest trzy dodać cztery?", 7, "k1")
    at.session_state["_reg_clock"] = registration.FormClock(time.monotonic() - shown_seconds_ago)
    return at.run()


def fill(at: AppTest, **values: str) -> AppTest:
    defaults = {
        "Symbol klienta lub numer lokalu": "W0001",
        "E-mail": "jan.k@example.com",
        "Nazwa użytkownika": "jan.k",
        "Hasło": "Studnia-Za-Domem-44",
        "Powtórz hasło": "Studnia-Za-Domem-44",
        "Kwota jednej z ostatnich opłat lub wpłat (zł)": "411,50",
        QUESTION: "siedem",
    }
    defaults.update(values)
    fields = {t.label: t for t in at.text_input}
    for label, value in defaults.items():
        fields[label].input(value)
    at.checkbox[0].check()
    return at


def submit(at: AppTest, **values: str) -> AppTest:
    fill(at, **values)
    next(b for b in at.button if b.label == "Zarejestruj się").click()
    return at.run()


def ready() -> None:
    resident_warehouse()
    write_demo_auth()


def test_form_labels_are_polish_and_the_honeypot_is_hidden():
    ready()
    at = page()
    labels = [t.label for t in at.text_input]
    assert labels[:4] == ["Symbol klienta lub numer lokalu", "E-mail", "Nazwa użytkownika", "Hasło"]
    assert (
        "Kwota jednej z ostatnich opłat lub wpłat (zł)" in labels and "Kod rejestracji z rachunku" in labels
    )
    honeypot = at.text_input(key="ebok_reg_website")
    assert honeypot.proto.label_visibility.value == honeypot.proto.label_visibility.COLLAPSED
    # Its keyed container is display:none: not seen, not reached with Tab, not read by screen readers.
    styles = [m.value for m in at.markdown if "<style>" in m.value]
    assert styles == [".st-key-ebok_reg_trap { display: none !important; }".join(("<style>", "</style>"))]
    assert "Akceptuję regulamin portalu" in at.checkbox[0].label
    assert not [b for b in at.button if b.label == MANUAL]


def test_wrong_proof_offers_the_manual_check_and_sends_it():
    ready()
    at = submit(page(), **{"Kwota jednej z ostatnich opłat lub wpłat (zł)": "999,99"})
    assert [e.value for e in at.error] == [str(registration.PROOF_PROBLEM)]
    assert users.get("jan.k") is None
    next(b for b in at.button if b.label == MANUAL).click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    assert "Wniosek trafił do biura do sprawdzenia" in at.success[0].value
    assert "zostanie wysłany" in at.success[0].value
    row = registration_row(users.get("jan.k").extra["registration_id"])
    assert (row["status"], row["proof_matches"], row["customer_id"]) == ("manual", 0, "W0001")
    assert "/rejestracja?aktywacja=" in outbox.pending()[-1]["body"]


def test_registration_then_activation_link():
    ready()
    at = submit(page())
    assert not at.error, [e.value for e in at.error]
    assert "Na adres jan.k@example.com zostanie wysłany e-mail" in at.success[0].value
    assert "Wysłaliśmy" not in at.success[0].value
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


def test_a_fast_first_send_then_a_corrected_resend_passes():
    ready()
    at = submit(page(shown_seconds_ago=1), **{"Powtórz hasło": "Studnia-Za-Domem-45"})
    assert [e.value for e in at.error] == ["Formularz wysłano zbyt szybko. Sprawdź dane i wyślij ponownie."]
    at = submit(at, **{"Powtórz hasło": "Studnia-Za-Domem-45"})
    assert [e.value for e in at.error] == ["Powtórz hasło: hasła się różnią."]
    at = submit(at)  # the correction, sent at once: never "too fast"
    assert not at.error, [e.value for e in at.error]
    assert users.get("jan.k") is not None


def test_a_wrong_answer_brings_a_new_question_with_an_empty_field():
    ready()
    at = submit(page(), **{QUESTION: "osiem"})
    assert [e.value for e in at.error] == ["Pytanie kontrolne: nieprawidłowa odpowiedź."]
    new = at.session_state["_reg_challenge"]
    assert new.key != "k1"
    answer = at.text_input(key=f"ebok_reg_answer_{new.key}")
    assert answer.label == f"Pytanie kontrolne: {new.question}" and answer.value == ""
    # Fields other than the answer keep what the resident typed.
    assert {t.label: t.value for t in at.text_input}["E-mail"] == "jan.k@example.com"


def test_honeypot_filled_by_a_bot_is_refused():
    ready()
    at = page()
    at.text_input(key="ebok_reg_website").input("http://spam.example")
    at = submit(at)
    assert at.error and users.get("jan.k") is None
