"""Komunikaty page: publish to an audience, errors name the field, readers listed, withdraw."""

from __future__ import annotations

import pytest

from ebok.domain import messages
from tests.helpers import messages as h
from tests.helpers.auth import page, write_demo_auth


@pytest.fixture(autouse=True)
def _warehouse():
    h.build_warehouse()
    write_demo_auth()


def run(username: str = "admin"):
    at = page("pages/admin_komunikaty.py", username)
    at.run()
    assert not at.exception, at.exception
    return at


def test_resident_is_refused():
    at = run("anna.nowak")
    assert [e.value for e in at.error] == ["Nie masz dostępu do tej strony."]


def test_publish_to_a_building():
    at = run()
    at.selectbox(key="msg_audience").set_value("building")
    at.run()
    target = at.selectbox(key="msg_target")
    assert target.options == ["B1 — ul. Lipowa 7, Warszawa (3 lok.)", "B2 — ul. Lipowa 7, Warszawa (1 lok.)"]
    target.set_value("B1")
    at.text_input(key="msg_subject").input("Wyłączenie wody")
    at.text_area(key="msg_body").input("We wtorek w godzinach 8–12.")
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Komunikat opublikowany."]
    assert at.text_input(key="msg_subject").value == ""  # the form is empty for the next one
    (view,) = messages.office_overview(include_export=False)
    assert (view.audience, view.target, view.author) == ("building", "B1", "admin")
    # B1: Anna (flat and garage, one account) and Maria.
    assert (view.recipients, view.reads) == (2, 0)


def test_missing_subject_names_the_field():
    at = run()
    at.text_area(key="msg_body").input("Treść bez tematu")
    at.button[0].click()
    at.run()
    assert [e.value for e in at.error] == ["Temat: pole jest wymagane."]
    assert messages.office_overview(include_export=False) == []
    assert at.text_area(key="msg_body").value == "Treść bez tematu"  # nothing typed is lost


def test_readers_listed_and_withdraw():
    mid = messages.publish("admin", "all", None, "Przerwa techniczna", "W sobotę.")
    messages.mark_read("maria.zielinska", f"office:{mid}")
    at = run()
    frames = at.dataframe
    overview = frames[0].value
    row = overview[overview["Temat"] == "Przerwa techniczna"].iloc[0]
    assert row["Przeczytało"] == "1 z 3"  # anna, maria, jan; blazej has no premises in this warehouse
    at.selectbox(key="msg_chosen").set_value(f"office:{mid}")
    at.run()
    readers = at.dataframe[1].value
    assert list(readers["Konto"]) == ["maria.zielinska"]
    assert "**Przeczytane: 1 z 3 kont**" in [m.value for m in at.markdown]
    pending = at.dataframe[2].value
    assert "anna.nowak" in list(pending["Konto"]) and "maria.zielinska" not in list(pending["Konto"])
    at.button(key=f"withdraw-office:{mid}").click()
    at.run()
    assert not at.exception, at.exception
    assert messages.for_premises("anna.nowak", h.ANNA_FLAT)[0].subject != "Przerwa techniczna"
