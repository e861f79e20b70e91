"""AppTest: Powiadomienia — consent given and withdrawn on record, events switched, bad input refused."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ebok.core import settings
from ebok.domain import notifications
from tests.helpers.auth import login_as

PAGE = str(settings.ROOT / "pages" / "powiadomienia.py")


def _page(username: str = "anna.nowak") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    login_as(at, username)
    at.run()
    assert not at.exception, at.exception
    return at


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_consent_given_and_withdrawn_is_recorded_with_version_and_way():
    at = _page()
    assert at.title[0].value == "Powiadomienia"
    assert notifications.consent("L0001").given is False  # no warehouse: no paper consent either
    _button(at, "Wyrażam zgodę").click()
    at.run()
    consent = notifications.consent("L0001")
    assert (consent.given, consent.version, consent.method, consent.username) == (
        True,
        "2026-12",
        "portal",
        "anna.nowak",
    )
    _button(at, "Wycofuję zgodę").click()
    at.run()
    assert [r["Zgoda"] for r in notifications.consent_record("L0001")] == ["wycofana", "udzielona"]
    assert notifications.consent("L0001").given is False


def test_resident_switches_an_event_off_and_sets_address_days_and_digest():
    at = _page()
    boxes = {c.label: c for c in at.checkbox}
    assert boxes["Nowa faktura"].value is True
    boxes["Nowa faktura"].uncheck()
    next(t for t in at.text_input if t.label == "Adres e-mail do powiadomień").input("anna.dom@example.pl")
    at.number_input[0].set_value(5)
    at.toggle[0].set_value(True)
    _button(at, "Zapisz ustawienia").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    prefs = notifications.preferences("L0001")
    assert not prefs.wants("invoice") and prefs.wants("document")
    assert (prefs.email, prefs.due_days_before, prefs.digest) == ("anna.dom@example.pl", 5, True)


def test_bad_address_is_refused_naming_the_field():
    at = _page()
    next(t for t in at.text_input if t.label == "Adres e-mail do powiadomień").input("anna-bez-malpy")
    _button(at, "Zapisz ustawienia").click()
    at.run()
    assert any(e.value.startswith("Adres e-mail do powiadomień:") for e in at.error)
    assert notifications.preferences("L0001").email is None
