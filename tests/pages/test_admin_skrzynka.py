"""Skrzynka zgłoszeń: office inbox, filters, actions, e-mail on reply, inert resident text, access."""

from __future__ import annotations

import pytest

from ebok.core import config, idempotency, uploads
from ebok.domain import inbox
from ebok.storage import outbox
from tests.helpers import inbox as h
from tests.helpers.auth import login_as, page


@pytest.fixture(autouse=True)
def _warehouse():
    h.build_warehouse()


def contact(text="Proszę o korektę opłaty za wodę.", who="anna.nowak", premises=h.ANNA_FLAT, **kw):
    args = dict(
        username=who,
        premises_id=premises,
        customer_id="L0001",
        email="anna@example.pl",
        topic="oplaty",
        text=text,
        idempotency_key=idempotency.new_key(),
    )
    args.update(kw)
    return inbox.submit_contact(**args)


def fault(description="Nie działa oświetlenie na klatce.", **kw):
    args = dict(
        username="maria.zielinska",
        premises_id=h.MARIA_FLAT,
        customer_id="L0002",
        category="elektryka",
        place="klatka",
        description=description,
        idempotency_key=idempotency.new_key(),
    )
    args.update(kw)
    return inbox.submit_fault(**args)


def run(at=None):
    at = at or page("pages/admin_skrzynka.py", "admin")
    at.run()
    assert not at.exception, at.exception
    return at


def widget(items, label):
    return next(w for w in items if w.label == label)


def choose(at, item_id):
    at.selectbox(key="inbox_item").set_value(item_id)
    return run(at)


def test_lists_everything_with_counts_and_filters():
    c = contact()
    f = fault()
    inbox.set_status(f.item_id, "w_toku", actor="admin")
    at = run()
    assert [(m.label, m.value) for m in at.metric] == [("Nowe", "1"), ("W toku", "1"), ("Zakończone", "0")]
    frame = at.dataframe[0].value
    assert sorted(frame["Numer"]) == sorted([c.reference, f.reference])
    assert set(frame["Rodzaj"]) == {"Wiadomość", "Awaria"}
    at.selectbox(key="inbox_kind").set_value("fault")
    run(at)
    assert list(at.dataframe[0].value["Numer"]) == [f.reference]
    at.selectbox(key="inbox_status").set_value("nowe")
    run(at)
    assert "Brak zgłoszeń spełniających kryteria." in [i.value for i in at.info]


def test_reply_with_status_change_emails_resident(monkeypatch):
    c = contact()
    with h.smtp_server() as (port, received):
        config.save(
            config.replace_section(
                config.load(), "smtp", host="127.0.0.1", port=port, sender="biuro@example.pl"
            )
        )
        at = choose(run(), c.item_id)
        widget(at.text_area, "Odpowiedź").input("Korekta zostanie wystawiona do końca miesiąca.")
        widget(at.selectbox, "Status po odpowiedzi").set_value("w_toku")
        widget(at.button, "Wyślij odpowiedź").click()
        run(at)
    assert any("Odpowiedź do" in s.value and "e-mail" in s.value for s in at.success)
    [item] = [i for i in inbox.resident_items("anna.nowak", h.ANNA_FLAT) if i.item_id == c.item_id]
    assert item.status == "w_toku"
    assert [r.text for r in item.replies] == ["Korekta zostanie wystawiona do końca miesiąca."]
    assert len(received) == 1
    rcpt, msg = received[0]
    assert rcpt == ["anna@example.pl"] and c.reference in msg["Subject"]
    assert outbox.pending() == []


def test_reply_without_consent_sends_no_email():
    f = fault()
    at = choose(run(), f.item_id)
    widget(at.text_area, "Odpowiedź").input("Elektryk będzie jutro.")
    widget(at.button, "Wyślij odpowiedź").click()
    run(at)
    assert any("bez e-maila" in s.value for s in at.success)
    assert outbox.pending() == []


def test_reply_moves_a_new_item_to_in_progress_unless_another_status_is_chosen():
    c = contact()
    at = choose(run(), c.item_id)
    assert widget(at.selectbox, "Status po odpowiedzi").format_func("") == "W toku (domyślnie)"
    widget(at.text_area, "Odpowiedź").input("Sprawdzamy naliczenie.")
    widget(at.button, "Wyślij odpowiedź").click()
    run(at)
    [item] = [i for i in inbox.resident_items("anna.nowak", h.ANNA_FLAT) if i.item_id == c.item_id]
    assert item.status_label == "W toku"
    assert [(m.label, m.value) for m in at.metric] == [("Nowe", "0"), ("W toku", "1"), ("Zakończone", "0")]
    assert widget(at.selectbox, "Status po odpowiedzi").format_func("") == "bez zmiany (W toku)"


def test_empty_reply_refused_with_field_name():
    c = contact()
    at = choose(run(), c.item_id)
    widget(at.button, "Wyślij odpowiedź").click()
    run(at)
    assert "Odpowiedź: pole jest wymagane." in [e.value for e in at.error]
    assert inbox.office_item(c.item_id).replies == ()


def test_status_change_and_assignment():
    f = fault()
    at = choose(run(), f.item_id)
    widget(at.selectbox, "Nowy status").set_value("zakonczone")
    widget(at.text_area, "Komentarz (widoczny dla mieszkańca, opcjonalnie)").input("Wymieniono żarówki.")
    widget(at.button, "Zmień status").click()
    run(at)
    widget(at.selectbox, "Przydziel do").set_value("admin")
    widget(at.button, "Zapisz przydział").click()
    run(at)
    item = inbox.office_item(f.item_id)
    assert item.status == "zakonczone" and item.assigned_to == "admin"
    assert [(e.kind, e.username) for e in item.events] == [
        ("created", "maria.zielinska"),
        ("status", "admin"),
        ("assign", "admin"),
    ]
    at.selectbox(key="inbox_assigned").set_value("me")
    run(at)
    assert list(at.dataframe[0].value["Numer"]) == [f.reference]


def test_attachment_downloadable():
    c = contact(attachment=uploads.Upload("umowa.pdf", h.PDF))
    at = choose(run(), c.item_id)
    assert [d.label for d in at.download_button] == ["Pobierz: załącznik"]
    assert "umowa.pdf" in h.texts(at)


@pytest.mark.parametrize("payload", h.XSS_PAYLOADS)
def test_resident_text_rendered_inert(payload):
    body = f"Treść z ładunkiem: {payload} koniec"
    c = contact(text=body, attachment=uploads.Upload(f"{payload}.png", h.PNG))
    f = fault(description=f"Opis z ładunkiem: {payload} koniec", place_detail=payload)
    inbox.set_status(f.item_id, "w_toku", actor="admin", comment="Komentarz biura.")
    for item_id in (c.item_id, f.item_id):
        at = choose(run(), item_id)
        shown = h.texts(at)
        if item_id == c.item_id:
            assert body in shown
            # The file name is shown as text (path characters replaced), never as Markdown.
            name = inbox.office_item(c.item_id).attachment_name
            assert name in shown
        else:
            assert f"Opis z ładunkiem: {payload} koniec" in shown and payload in shown
        for source in h.markdown_sources(at):
            assert payload not in source, source
            for fragment in ("<script", "<img", "javascript:", "onerror="):
                assert fragment not in source, source
        assert all(not m.proto.allow_html for m in at.markdown)
        assert not at.get("html")
        frame = at.dataframe[0].value
        assert not any(payload in str(v) for v in frame.to_numpy().ravel())


def test_resident_cannot_open_even_with_planted_state():
    contact(text="Tajna wiadomość innego mieszkańca.")
    at = page("pages/admin_skrzynka.py")
    login_as(at, "anna.nowak")
    at.session_state["roles"] = ["admin"]
    at.session_state["username"] = "admin"
    at.session_state["authentication_status"] = True
    at.run()
    assert "Nie masz dostępu do tej strony." in [e.value for e in at.error]
    assert not at.dataframe and not at.metric
    assert "Tajna wiadomość innego mieszkańca." not in h.texts(at)


def test_signed_out_with_planted_state_sees_login_only():
    contact(text="Tajna wiadomość innego mieszkańca.")
    at = page("pages/admin_skrzynka.py")
    at.session_state["roles"] = ["admin"]
    at.session_state["username"] = "admin"
    at.session_state["name"] = "Admin"
    at.session_state["authentication_status"] = True
    at.session_state["_ebok_sid"] = "podrobiony-identyfikator-sesji"
    at.run()
    assert not at.dataframe and not at.metric
    assert "Tajna wiadomość innego mieszkańca." not in h.texts(at)
