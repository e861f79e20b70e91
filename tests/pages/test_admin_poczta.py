"""Wiadomości e-mail page: the real state of each e-mail; in a demo, the mailbox with its links."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

from ebok.core import clock, settings
from ebok.domain import mailbox, notifications
from ebok.storage import outbox
from tests.helpers import tiny_warehouse
from tests.helpers.auth import page


def run(username: str = "admin"):
    at = page("pages/admin_poczta.py", username)
    at.run()
    assert not at.exception, at.exception
    return at


def test_resident_is_refused():
    at = run("anna.nowak")
    assert [e.value for e in at.error] == ["Nie masz dostępu do tej strony."]


def test_each_message_shows_what_really_happened():
    outbox.queue("anna@example.com", "e-BOK: potwierdź adres e-mail", "a")
    down = outbox.SmtpSettings(host="127.0.0.1", port=9, timeout=2)
    outbox.queue(
        "jan@example.com", "e-BOK: ustawienie nowego hasła", "b", now=clock.now() - timedelta(minutes=1)
    )
    outbox.flush(settings=down)  # both tried once and refused
    outbox.queue("ola@example.com", "Odpowiedź", "c")
    at = run()
    table = at.dataframe[0].value
    assert list(table["Do"]) == ["ola@example.com", "jan@example.com", "anna@example.com"]
    states = list(table["Stan"])
    assert states[0].startswith("w kolejce do wysłania")
    assert all(s.startswith("jeszcze nie wysłano, nieudane próby: 1") for s in states[1:])
    assert not any(s.startswith("wysłano") for s in states)
    # no demo mailbox outside demo mode: only the choice of a message to send again
    assert [s.label for s in at.selectbox] == ["Wyślij ponownie jedną wiadomość"]


def test_demo_mailbox_shows_the_message_and_its_link():
    settings.demo_marker().write_text("demo\n", encoding="utf-8")
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = (
        "e-BOK <ebok@example.pl>",
        "anna@example.com",
        "e-BOK: potwierdź adres e-mail",
    )
    msg.set_content("Otwórz: http://localhost:8600/rejestracja?aktywacja=abc\n")
    mailbox.deliver(msg.as_bytes())
    at = run()
    assert at.info[0].value == "Portal nie wysyłał jeszcze żadnych e-maili."
    assert at.selectbox(key="poczta_demo_nr").value == 1
    assert any("aktywacja=abc" in t.value for t in at.text)
    assert at.get("link_button")[0].proto.url == "http://localhost:8600/rejestracja?aktywacja=abc"


def test_office_resends_one_message_and_sees_which_notification_it_was():
    tiny_warehouse.build(
        {"customers": [{"customer_id": "L0001", "name": "Anna", "email": "anna@example.com"}]}
    )
    notifications.record_consent("L0001", True, "anna")
    notifications.deliver([notifications.Occurrence("invoice", "L0001", "P1:FV/1", "Faktura FV/1")])
    [first] = outbox.pending()
    at = run()
    table = at.dataframe[0].value
    assert list(table["Powiadomienie"]) == ["Nowa faktura"]
    at.selectbox[0].set_value(first["id"])
    next(b for b in at.button if b.label == "Wyślij ponownie").click()
    at.run()
    assert not at.exception
    again = outbox.pending()
    assert [m["recipient"] for m in again] == ["anna@example.com", "anna@example.com"]
    assert again[1]["html"] == first["html"] and again[1]["headers"] == first["headers"]


def test_office_sees_the_consent_register():
    notifications.record_consent("L0001", True, "anna.nowak", client_address="10.1.2.3")
    notifications.record_consent("L0001", False, "anna.nowak")
    at = run()
    register = at.dataframe[-1].value
    assert list(register["Zgoda"]) == ["wycofana", "udzielona"]
    assert list(register["Wersja treści"]) == ["2026-12", "2026-12"]
    assert list(register["Adres IP"]) == ["", "10.1.2.3"]
