"""Zgłoś awarię: form, validation with field names, list with status history, scoping."""

from __future__ import annotations

import pytest

from ebok.core import config, idempotency, uploads
from ebok.domain import inbox
from tests.helpers import inbox as h
from tests.helpers.auth import page

DESCRIPTION = "Od rana nie działa domofon przy wejściu do klatki B."


@pytest.fixture(autouse=True)
def _warehouse():
    h.build_warehouse()


def run(username: str = "anna.nowak", premises: str = h.ANNA_FLAT):
    at = page("pages/awarie.py", username, lokal=premises)
    at.run()
    assert not at.exception, at.exception
    return at


def widget(items, label):
    return next(w for w in items if w.label == label)


def send(at, category=None, place=None, detail="", description=""):
    if category:
        widget(at.selectbox, "Kategoria").set_value(category)
    if place:
        widget(at.selectbox, "Miejsce").set_value(place)
    widget(at.text_input, "Dokładne miejsce (opcjonalnie)").input(detail)
    widget(at.text_area, "Opis").input(description)
    widget(at.button, "Zgłoś awarię").click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_report_fault_in_common_area():
    at = send(run(), "domofon", "klatka", "klatka B, parter", DESCRIPTION)
    [item] = inbox.resident_items("anna.nowak", h.ANNA_FLAT, kind="fault")
    assert (item.topic, item.place, item.place_detail, item.body) == (
        "domofon",
        "klatka",
        "klatka B, parter",
        DESCRIPTION,
    )
    assert any(item.reference in s.value and "przyjęte" in s.value for s in at.success)
    [exp] = at.expander
    assert item.reference in exp.label and "Domofon" in exp.label and "Nowe" in exp.label
    assert DESCRIPTION in h.texts(at) and "klatka B, parter" in h.texts(at)
    assert any("Klatka schodowa" in m.value for m in at.markdown)


def test_emergency_warning_shown():
    at = run()
    assert any("112" in w.value and "992" in w.value for w in at.warning)


def test_every_bad_field_named():
    at = send(run(), description="cieknie")
    errors = [e.value for e in at.error]
    assert errors == [
        "Kategoria: wybierz kategorię awarii z listy.",
        "Miejsce: wybierz, gdzie jest awaria (Twój lokal albo część wspólna).",
        "Opis: wpisz co najmniej 10 znaków (jest 7).",
    ]
    assert inbox.office_items() == []


def test_status_history_with_comment_visible_assignment_hidden():
    sub = inbox.submit_fault(
        username="anna.nowak",
        premises_id=h.ANNA_FLAT,
        category="woda",
        place="lokal",
        description="Przecieka wodomierz w łazience.",
        idempotency_key=idempotency.new_key(),
    )
    inbox.assign(sub.item_id, "admin", actor="admin", office_users=["admin"])
    inbox.set_status(sub.item_id, "w_toku", actor="admin", comment="Hydraulik w czwartek 10–12.")
    at = run()
    history = [m.value for m in at.markdown if "—" in m.value]
    assert len(history) == 2
    assert "Zgłoszenie przyjęte" in history[0] and "anna\\.nowak" in history[0]
    assert "Status\\: W toku" in history[1] and "(admin)" in history[1]
    assert "Hydraulik w czwartek 10–12." in h.texts(at)
    assert not any("Przydzielono" in m for m in h.markdown_sources(at))
    assert "W toku" in at.expander[0].label


def test_double_submit_same_key_saves_once():
    at = run()
    key = at.session_state["_inbox_fault_key"]
    send(at, "winda", "winda", "", "Winda stoi między piętrami od godziny.")
    at.session_state["_inbox_fault_key"] = key
    at.run()
    send(at, "winda", "winda", "", "Winda stoi między piętrami od godziny.")
    assert len(inbox.office_items(kind="fault")) == 1


def test_other_residents_reports_not_listed():
    inbox.submit_fault(
        username="maria.zielinska",
        premises_id=h.MARIA_FLAT,
        category="gaz",
        place="piwnica",
        description="Zapach gazu w piwnicy budynku.",
        idempotency_key=idempotency.new_key(),
    )
    at = run()
    assert len(at.expander) == 0
    assert "Zapach gazu w piwnicy budynku." not in h.texts(at)
    assert "Nie zgłoszono jeszcze żadnej awarii z tego lokalu." in [i.value for i in at.info]


def test_module_switched_off():
    config.save(config.replace_section(config.load(), "modules", faults=False))
    at = run()
    assert "Ta część portalu jest wyłączona przez biuro." in [i.value for i in at.info]
    assert not [b for b in at.button if b.label == "Zgłoś awarię"]


FIFTY_MB = b"\x89PNG\r\n\x1a\n" + b"0" * (50 * 1024 * 1024 - 8)  # a 50 MB photo: exactly 50,0 MB


def test_a_50_mb_photo_refuses_the_whole_report_naming_the_file_and_the_limit():
    at = run()
    uploader = widget(at.file_uploader, "Zdjęcie (opcjonalnie)")
    # The uploader states our own limit; a bigger file is refused in the browser and the form
    # is not sent (tests/browser/test_uploads.py). Past the browser (no script), the server refuses:
    assert uploader.proto.max_upload_size_mb == uploads.FAULT_PHOTO.max_mb
    uploader.set_value(("zalanie.png", FIFTY_MB, "image/png"))
    send(at, "domofon", "klatka", "", DESCRIPTION)
    assert [e.value for e in at.error] == [
        "Zdjęcie: plik „zalanie.png” jest za duży (50,0 MB), dopuszczalne 5 MB. "
        "Formularza nie wysłano; wybierz mniejszy plik."
    ]
    assert not at.success and inbox.office_items() == []
    assert widget(at.text_area, "Opis").value == DESCRIPTION
