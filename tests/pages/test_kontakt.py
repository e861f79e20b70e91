"""Napisz do nas: company data, contact form, history with the office's replies, scoping."""

from __future__ import annotations

import logging
import re

import pytest

from ebok.core import config, idempotency, uploads
from ebok.domain import inbox
from ebok.storage import audit
from tests.helpers import full_store
from tests.helpers import inbox as h
from tests.helpers.auth import page

TEXT = "Proszę o duplikat faktury za październik."


@pytest.fixture(autouse=True)
def _warehouse():
    h.build_warehouse()
    cfg = config.load()
    config.save(
        config.replace_section(
            cfg,
            "company",
            name="Spółdzielnia Mieszkaniowa Lipowa",
            address="ul. Lipowa 7, 00-950 Warszawa",
            email="biuro@sm-lipowa.pl",
            phones=("22 123 45 67",),
            nip="5261040828",
            regon="012345675",
            bank_account="61109010140000071219812874",
            office_hours="pn–pt 8:00–16:00",
        )
    )


def run(username: str = "anna.nowak", premises: str = h.ANNA_FLAT):
    at = page("pages/kontakt.py", username, lokal=premises)
    at.run()
    assert not at.exception, at.exception
    return at


def widget(items, label):
    return next(w for w in items if w.label == label)


def fill_and_send(at, topic: str | None, text: str):
    if topic is not None:
        widget(at.selectbox, "Temat").set_value(topic)
    widget(at.text_area, "Treść").input(text)
    widget(at.button, "Wyślij wiadomość").click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_company_data_from_config_shown():
    at = run()
    shown = " ".join(m.value for m in at.markdown)
    assert "Spółdzielnia Mieszkaniowa Lipowa" in [s.value for s in at.subheader]
    for needle in (
        "Lipowa 7",
        "biuro@sm",
        "22 123 45 67",
        "5261040828",
        "012345675",
        "61109010140000071219812874",
    ):
        assert needle.replace(".", "\\.").replace("-", "\\-") in shown or needle in shown, needle
    assert "pn–pt 8:00–16:00" in h.texts(at)


def test_send_message_shows_success_and_history():
    at = fill_and_send(run(), "dokumenty", TEXT)
    [item] = inbox.resident_items("anna.nowak", h.ANNA_FLAT)
    assert item.topic == "dokumenty" and item.body == TEXT and item.contact_email
    assert any(item.reference in s.value for s in at.success)
    assert len(at.expander) == 1 and item.reference in at.expander[0].label
    assert "Dokumenty i zaświadczenia" in at.expander[0].label and "Nowe" in at.expander[0].label
    assert TEXT in h.texts(at)
    assert widget(at.text_area, "Treść").value == ""  # a fresh form after success


def test_bad_input_refused_with_field_names_and_nothing_saved():
    at = fill_and_send(run(), None, "krótko")
    errors = [e.value for e in at.error]
    assert "Temat: wybierz temat z listy." in errors
    assert "Treść: wpisz co najmniej 10 znaków (jest 6)." in errors
    assert inbox.office_items() == []


def test_repeated_submit_with_same_key_saves_once():
    at = run()
    key = at.session_state["_inbox_contact_key"]
    fill_and_send(at, "oplaty", TEXT)
    # The second click of a double click carries the same form (same key).
    at.session_state["_inbox_contact_key"] = key
    at.run()
    fill_and_send(at, "oplaty", TEXT)
    assert len(inbox.office_items()) == 1


def test_office_reply_visible_in_history():
    sub = inbox.submit_contact(
        username="anna.nowak",
        premises_id=h.ANNA_FLAT,
        topic="oplaty",
        text=TEXT,
        idempotency_key=idempotency.new_key(),
    )
    inbox.reply(sub.item_id, "Duplikat wysłaliśmy pocztą.", actor="admin", status="zakonczone")
    at = run()
    assert "Duplikat wysłaliśmy pocztą." in h.texts(at)
    assert "Zakończone" in at.expander[0].label
    assert any("Odpowiedź biura" in m.value and "admin" in m.value for m in at.markdown)


def test_each_resident_and_premises_sees_only_own_messages():
    inbox.submit_contact(
        username="maria.zielinska",
        premises_id=h.MARIA_FLAT,
        topic="inne",
        text="Wiadomość Marii do biura.",
        idempotency_key=idempotency.new_key(),
    )
    inbox.submit_contact(
        username="anna.nowak",
        premises_id=h.ANNA_GARAGE,
        topic="inne",
        text="Wiadomość o garażu Anny.",
        idempotency_key=idempotency.new_key(),
    )
    at = run()
    assert at.expander == [] or len(at.expander) == 0
    assert "Wiadomość Marii do biura." not in h.texts(at)
    assert "Wiadomość o garażu Anny." not in h.texts(at)
    assert "Wiadomość o garażu Anny." in h.texts(run(premises=h.ANNA_GARAGE))


def test_foreign_premises_in_address_is_refused():
    inbox.submit_contact(
        username="maria.zielinska",
        premises_id=h.MARIA_FLAT,
        topic="inne",
        text="Wiadomość Marii do biura.",
        idempotency_key=idempotency.new_key(),
    )
    at = run(premises=h.MARIA_FLAT)
    assert "Wiadomość Marii do biura." not in h.texts(at)


def test_module_switched_off():
    config.save(config.replace_section(config.load(), "modules", contact=False))
    at = run()
    assert [i.value for i in at.info] == ["Ta część portalu jest wyłączona przez biuro."]
    assert not [b for b in at.button if b.label == "Wyślij wiadomość"]


def test_admin_cannot_open_resident_page():
    at = page("pages/kontakt.py", "admin")
    at.run()
    assert "Nie masz dostępu do tej strony." in [e.value for e in at.error]
    assert not [b for b in at.button if b.label == "Wyślij wiadomość"]


def test_attachment_uploaded_stored_and_downloadable_by_owner():
    at = run()
    widget(at.file_uploader, "Załącznik (opcjonalnie)").set_value(
        ("skan faktury.pdf", h.PDF, "application/pdf")
    )
    fill_and_send(at, "dokumenty", TEXT)
    [item] = inbox.resident_items("anna.nowak", h.ANNA_FLAT)
    assert item.attachment_name == "skan faktury.pdf" and item.attachment_type == "application/pdf"
    assert [p.name for p in uploads.uploads_dir(uploads.INBOX_ATTACHMENT).iterdir()] != ["skan faktury.pdf"]
    assert "skan faktury.pdf" in h.texts(at)
    assert [d.label for d in at.download_button] == ["Pobierz: załącznik"]


def test_disguised_attachment_refused():
    at = run()
    widget(at.file_uploader, "Załącznik (opcjonalnie)").set_value(
        ("zdjecie.png", b"MZ\x90\x00" * 40, "image/png")
    )
    fill_and_send(at, "usterka", TEXT)
    assert "Załącznik: dozwolone są tylko pliki JPEG, PNG, PDF (sprawdzamy zawartość pliku)." in [
        e.value for e in at.error
    ]
    assert inbox.office_items() == [] and list(uploads.uploads_dir(uploads.INBOX_ATTACHMENT).iterdir()) == []


REFUSED = {
    "disk_full": "Wiadomość nie została wysłana: brak miejsca na dysku serwera. Nic nie zostało "
    "zapisane — spróbuj później albo zadzwoń do biura. Numer błędu dla biura: ",
    "read_only": "Wiadomość nie została wysłana: baza danych serwera jest chwilowo tylko do odczytu "
    "(np. trwają prace serwisowe). Nic nie zostało zapisane — spróbuj później albo zadzwoń do biura. "
    "Numer błędu dla biura: ",
}


@pytest.mark.parametrize("refusal", ["disk_full", "read_only"])
def test_a_store_that_cannot_write_refuses_the_message_in_polish_and_keeps_nothing(refusal, caplog):
    at = run()
    widget(at.file_uploader, "Załącznik (opcjonalnie)").set_value(("skan.pdf", h.PDF, "application/pdf"))
    with full_store.refusing(refusal):
        if refusal == "disk_full":
            # Only the audit log is full (smallest entries): the message itself would fit, its
            # audit entry not - one transaction keeps neither, and no file either.
            full_store.fill(lambda i: audit.record("x"))
        before = len(inbox.office_items())
        with caplog.at_level(logging.ERROR, logger="ebok.failure"):
            fill_and_send(at, "dokumenty", TEXT)  # asserts that at.exception is empty
        assert len(inbox.office_items()) == before  # reading still works; nothing was added
    assert inbox.resident_items("anna.nowak", h.ANNA_FLAT) == []
    assert not audit.entries("inbox.contact_submitted", "anna.nowak")
    assert list(uploads.uploads_dir(uploads.INBOX_ATTACHMENT).iterdir()) == []  # no file, not even .part
    [shown] = [e.value for e in at.error]
    ref = re.fullmatch(re.escape(REFUSED[refusal]) + r"([0-9A-F]{8})\.", shown)
    assert ref, shown
    assert not at.success
    # The office's log: an ERROR with the same number, what failed and the driver's own words.
    [record] = [r for r in caplog.records if r.name == "ebok.failure"]
    assert record.levelno == logging.ERROR and ref.group(1) in record.getMessage()
    assert "Wiadomość nie została wysłana" in record.getMessage()
    words = "database or disk is full" if refusal == "disk_full" else "readonly database"
    assert words in record.exc_text
    # The form keeps what was typed, so the resident can send it once the server writes again.
    assert widget(at.text_area, "Treść").value == TEXT


FIFTY_MB = b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024 - 9)  # a 50 MB scan: exactly 50,0 MB


def test_a_50_mb_attachment_refuses_the_whole_message_naming_the_file_and_the_limit():
    at = run()
    uploader = widget(at.file_uploader, "Załącznik (opcjonalnie)")
    # The uploader states our own limit; a bigger file is refused in the browser and the form
    # is not sent (tests/browser/test_uploads.py). Past the browser (no script), the server refuses:
    assert uploader.proto.max_upload_size_mb == uploads.INBOX_ATTACHMENT.max_mb
    uploader.set_value(("skan.pdf", FIFTY_MB, "application/pdf"))
    fill_and_send(at, "dokumenty", TEXT)
    assert [e.value for e in at.error] == [
        "Załącznik: plik „skan.pdf” jest za duży (50,0 MB), dopuszczalne 5 MB. "
        "Formularza nie wysłano; wybierz mniejszy plik."
    ]
    assert not at.success and inbox.office_items() == []  # not sent without it: not sent at all
    assert list(uploads.uploads_dir(uploads.INBOX_ATTACHMENT).iterdir()) == []
    assert widget(at.text_area, "Treść").value == TEXT  # what was typed stays for a smaller file
