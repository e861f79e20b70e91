"""AppTest: login through app.py with Polish labels, the guard, roles, planted state, logout, timeouts."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from ebok.auth import sessions
from ebok.core import clock, config, settings
from ebok.storage import audit, store
from ebok.storage.tables import audit_log, auth_attempts, auth_sessions
from ebok.web import client, navigation
from tests.helpers import full_store
from tests.helpers.auth import (
    ADMIN_PASSWORD,
    RESIDENT_PASSWORD,
    login_as,
    resident_warehouse,
    write_demo_auth,
)

APP = str(settings.ROOT / "app.py")

PREMISES_PAGE = """
from ebok.web import guard, premises
import streamlit as st
user = guard.require_login("resident")
st.write("LOKAL=" + premises.select_premises(user))
"""
ADMIN_PAGE = """
from ebok.web import guard
import streamlit as st
user = guard.require_login("admin")
st.write("TAJNE DANE BIURA")
"""


@pytest.fixture(autouse=True)
def demo_auth():
    write_demo_auth()


def app(**kw) -> AppTest:
    return AppTest.from_file(APP, default_timeout=30, **kw)


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    fields = {t.label: t for t in at.text_input}
    fields["Nazwa użytkownika"].input(username)
    fields["Hasło"].input(password)
    next(b for b in at.button if b.label == "Zaloguj się").click()
    return at.run()


def test_login_form_is_polish_and_a_demo_account_signs_in(monkeypatch):
    monkeypatch.setattr(navigation, "PAGES", ())  # stay on app.py's own pages (AppTest runs one page)
    at = app().run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Nazwa użytkownika", "Hasło"]
    assert [b.label for b in at.button] == ["Zaloguj się"]
    assert at.text_input[1].proto.type == at.text_input[1].proto.PASSWORD
    sign_in(at, "anna.nowak", RESIDENT_PASSWORD)
    assert not at.exception and not at.error
    assert sessions.validate(at.session_state["_ebok_sid"]).username == "anna.nowak"
    assert "**Anna Nowak**  \nanna\\.nowak" in [m.value for m in at.sidebar.markdown]
    assert [b.label for b in at.sidebar.button] == ["Wyloguj się"]
    assert audit.entries("login", "anna.nowak")


def test_admin_signs_in_with_the_office_password(monkeypatch):
    monkeypatch.setattr(navigation, "PAGES", ())
    at = sign_in(app().run(), "admin", ADMIN_PASSWORD)
    assert sessions.validate(at.session_state["_ebok_sid"]).username == "admin"


def test_wrong_password_and_unknown_user_get_the_same_message():
    at = sign_in(app().run(), "anna.nowak", "zle-haslo-123")
    first = [e.value for e in at.error]
    at = sign_in(app().run(), "nikt.taki", "zle-haslo-123")
    assert first == [e.value for e in at.error] == ["Nieprawidłowa nazwa użytkownika lub hasło."]
    assert "_ebok_sid" not in at.session_state


def test_lockout_after_five_failures_through_the_form():
    at = app().run()
    for _ in range(5):
        at = sign_in(at, "maria.zielinska", "zle-haslo-123")
    assert "chwilowo zablokowane" in at.error[0].value
    at = sign_in(at, "maria.zielinska", RESIDENT_PASSWORD)
    assert "chwilowo zablokowane" in at.error[0].value
    assert "_ebok_sid" not in at.session_state


def test_logout_revokes_the_server_session_and_a_replayed_id_is_useless(monkeypatch):
    monkeypatch.setattr(navigation, "PAGES", ())
    at = sign_in(app().run(), "anna.nowak", RESIDENT_PASSWORD)
    sid = at.session_state["_ebok_sid"]
    at.sidebar.button[0].click().run()
    assert [t.label for t in at.text_input] == ["Nazwa użytkownika", "Hasło"]
    assert sessions.validate(sid) is None
    replay = app()
    replay.session_state["_ebok_sid"] = sid  # the old id planted again
    replay.run()
    assert [t.label for t in replay.text_input] == ["Nazwa użytkownika", "Hasło"]
    assert audit.entries("logout", "anna.nowak")


def test_planted_session_state_never_authenticates():
    at = AppTest.from_string(ADMIN_PAGE, default_timeout=30)
    for key, value in {
        "authentication_status": True,
        "username": "admin",
        "name": "Biuro",
        "roles": ["admin"],
        "_ebok_sid": "f" * 64,
    }.items():
        at.session_state[key] = value
    at.run()
    assert not any("TAJNE" in m.value for m in at.markdown)
    assert [t.label for t in at.text_input] == ["Nazwa użytkownika", "Hasło"]


def test_resident_cannot_open_an_admin_page_even_with_planted_roles():
    at = AppTest.from_string(ADMIN_PAGE, default_timeout=30)
    login_as(at, "anna.nowak")
    at.session_state["roles"] = ["admin"]
    at.run()
    assert not any("TAJNE" in m.value for m in at.markdown)
    assert at.error[0].value == "Nie masz dostępu do tej strony."
    assert audit.entries("access_denied", "anna.nowak")
    at = AppTest.from_string(ADMIN_PAGE, default_timeout=30)
    login_as(at, "admin")
    at.run()
    assert any("TAJNE" in m.value for m in at.markdown)


def test_navigation_by_role_and_module():
    from ebok.web import navigation, session

    resident = session.CurrentUser("anna.nowak", "Anna Nowak", "", ("resident",), "L0001", ())
    admin = session.CurrentUser("admin", "Biuro", "", ("admin",), None, ())
    assert {p.role for p in navigation.allowed_pages(resident, existing_only=False)} <= {
        "resident",
        "any",
        "everyone",
    }
    assert {p.role for p in navigation.allowed_pages(admin, existing_only=False)} <= {
        "admin",
        "any",
        "everyone",
    }
    assert {p.role for p in navigation.allowed_pages(None, existing_only=False)} == {"public", "everyone"}
    assert "pages/informacje.py" in {p.file for p in navigation.allowed_pages(None, existing_only=False)}
    assert "pages/informacje.py" in {p.file for p in navigation.allowed_pages(resident, existing_only=False)}
    config.save(config.replace_section(config.load(), "modules", **dict.fromkeys(config.MODULE_NAMES, False)))
    assert not [p for p in navigation.allowed_pages(resident, existing_only=False) if p.module]


def test_premises_selector_accepts_only_own_premises():
    own = resident_warehouse()
    at = AppTest.from_string(PREMISES_PAGE, default_timeout=30)
    login_as(at, "anna.nowak")
    at.query_params["lokal"] = own["L0002"][0]  # Maria's flat
    at.run()
    # Falls back to her default: the flat, which has charges to pay (the garage sorts first by id).
    assert "LOKAL=L0001-M1" in [m.value for m in at.markdown]
    assert "nie należy do Twojego konta" in at.warning[0].value
    assert audit.entries("premises_denied", "anna.nowak")
    at = AppTest.from_string(PREMISES_PAGE, default_timeout=30)
    login_as(at, "anna.nowak")
    at.query_params["lokal"] = "L0001-G1"  # her garage, chosen by the address
    at.run()
    assert "LOKAL=L0001-G1" in [m.value for m in at.markdown]
    assert at.selectbox(key="_ebok_premises_select_anna.nowak").options == [
        "ul. Lipowa 7/G1, Warszawa (L0001-G1)",
        "ul. Lipowa 7/M1, Warszawa (L0001-M1)",
    ]
    assert not at.sidebar.selectbox  # in the page, not below the long sidebar menu


def test_planted_premises_key_is_ignored():
    own = resident_warehouse()
    at = AppTest.from_string(PREMISES_PAGE, default_timeout=30)
    login_as(at, "maria.zielinska", premises_id=own["L0001"][0])
    at.run()
    assert "LOKAL=" + own["L0002"][0] in [m.value for m in at.markdown]


def test_idle_timeout_signs_out_on_the_next_rerun():
    t = [datetime(2026, 11, 21, 8, 0)]
    clock.set_clock(lambda: t[0])
    try:
        at = AppTest.from_string(ADMIN_PAGE, default_timeout=30)
        sid = login_as(at, "admin")
        at.run()
        assert any("TAJNE" in m.value for m in at.markdown)
        t[0] += timedelta(minutes=16)
        at.run()
        assert not any("TAJNE" in m.value for m in at.markdown)
        assert "Sesja wygasła" in at.warning[0].value
        assert sessions.validate(sid) is None
    finally:
        clock.set_clock(None)


def test_office_created_account_must_change_password_first():
    from ebok.auth import service

    start = service.create_account(
        "nowa.osoba", "Nowa Osoba", "nowa@example.com", customer_id="L0001", by="admin"
    )
    at = AppTest.from_string(PREMISES_PAGE, default_timeout=30)
    login_as(at, "nowa.osoba")
    at.run()
    assert "Przy pierwszym logowaniu" in at.warning[0].value
    assert not any(m.value.startswith("LOKAL=") for m in at.markdown)
    fields = {t.label: t for t in at.text_input}
    fields["Obecne hasło"].input(start)
    fields["Nowe hasło"].input("Sloneczny-Dzien-2026")
    fields["Powtórz nowe hasło"].input("Sloneczny-Dzien-2026")
    at.button[0].click().run()
    assert not at.error, [e.value for e in at.error]
    assert sessions.validate(at.session_state["_ebok_sid"]) is not None


def test_xss_in_resident_text_renders_inert():
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)> [klik](javascript:alert(3)) ![](http://evil/x.png)"
    at = AppTest.from_string(
        f"""
from ebok.web import forms
from ebok.core import text
import streamlit as st
st.markdown(text.escape_markdown({payload!r}))
forms.safe_text({payload!r})
""",
        default_timeout=30,
    ).run()
    md = at.markdown[0]
    assert md.proto.allow_html is False
    assert "\\[klik\\]\\(javascript" in md.value
    assert "&lt;script&gt;" in md.value and "\\!\\[\\]\\(http" in md.value
    assert at.text[0].value == payload  # st.text shows it literally


def test_data_as_of_caption():
    at = AppTest.from_string("from ebok.web import guard\nguard.data_as_of()", default_timeout=30).run()
    assert at.caption[0].value == "Brak danych z systemu księgowego."
    resident_warehouse()
    at = AppTest.from_string("from ebok.web import guard\nguard.data_as_of()", default_timeout=30).run()
    assert at.caption[0].value.startswith("Dane na dzień ")
    assert len(at.caption[0].value) == len("Dane na dzień 21.11.2026 10:00")


def test_switched_off_module_stops_the_page():
    config.save(config.replace_section(config.load(), "modules", voting=False))
    at = AppTest.from_string(
        "from ebok.web import guard\nimport streamlit as st\nguard.require_module('voting')\nst.write('GLOSOWANIE')",
        default_timeout=30,
    ).run()
    assert at.info[0].value == "Ta część portalu jest wyłączona przez biuro."
    assert not any("GLOSOWANIE" in m.value for m in at.markdown)


def test_selector_changes_the_premises_and_the_address():
    resident_warehouse()
    at = AppTest.from_string(PREMISES_PAGE, default_timeout=30)
    login_as(at, "anna.nowak")
    at.run()
    assert "LOKAL=L0001-M1" in [m.value for m in at.markdown]  # the flat: it has charges to pay
    at.selectbox(key="_ebok_premises_select_anna.nowak").select("L0001-G1").run()
    assert "LOKAL=L0001-G1" in [m.value for m in at.markdown]
    assert at.query_params["lokal"] in ("L0001-G1", ["L0001-G1"])
    at.run()  # stays on the chosen one
    assert "LOKAL=L0001-G1" in [m.value for m in at.markdown]


def test_planted_selector_value_is_ignored():
    resident_warehouse()
    at = AppTest.from_string(PREMISES_PAGE, default_timeout=30)
    login_as(at, "anna.nowak")
    at.session_state["_ebok_premises_select_anna.nowak"] = "L0002-M1"
    at.run()
    assert not any(m.value == "LOKAL=L0002-M1" for m in at.markdown)


def test_signed_out_start_page_shows_the_announcement_and_public_links():
    config.save(
        config.replace_section(config.load(), "texts", login_announcement="Przerwa techniczna w sobotę.")
    )
    at = app().run()
    assert at.info[0].value == "Przerwa techniczna w sobotę."
    assert at.title[0].value.startswith("e-BOK")


def test_lockout_by_client_address_through_the_form(monkeypatch):

    monkeypatch.setattr(client, "client_address", lambda: "203.0.113.5")
    at = app().run()
    for i in range(5):
        at = sign_in(at, f"zgadywany{i}", "zle-haslo-123")
    at = sign_in(at, "anna.nowak", RESIDENT_PASSWORD)
    assert "chwilowo zablokowane" in at.error[0].value
    assert "_ebok_sid" not in at.session_state
    monkeypatch.setattr(client, "client_address", lambda: "203.0.113.6")
    at = sign_in(app().run(), "anna.nowak", RESIDENT_PASSWORD)
    assert not at.error
    assert "_ebok_sid" in at.session_state


LOGIN_REFUSED = {
    "disk_full": "Nie udało się zalogować: brak miejsca na dysku serwera. Nic nie zostało zapisane — "
    "spróbuj później albo zadzwoń do biura. Numer błędu dla biura: ",
    "read_only": "Nie udało się zalogować: baza danych serwera jest chwilowo tylko do odczytu (np. trwają "
    "prace serwisowe). Nic nie zostało zapisane — spróbuj później albo zadzwoń do biura. "
    "Numer błędu dla biura: ",
}


def _rows() -> tuple[int, int, int]:
    with store.engine().connect() as con:
        return tuple(
            con.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (auth_attempts, auth_sessions, audit_log)
        )


@pytest.mark.parametrize("refusal", ["disk_full", "read_only"])
def test_a_store_that_cannot_record_a_login_refuses_it_in_polish(refusal, monkeypatch, caplog):
    monkeypatch.setattr(navigation, "PAGES", ())
    at = app().run()
    with full_store.refusing(refusal):
        if refusal == "disk_full":
            # The sessions table is full (smallest rows), the attempts table is not: the attempt
            # would land, the session not - the one transaction keeps neither.
            full_store.fill(lambda i: sessions.create("j"))
        before = _rows()
        with caplog.at_level(logging.ERROR, logger="ebok.failure"):
            sign_in(at, "anna.nowak", RESIDENT_PASSWORD)
        assert _rows() == before  # no attempt, no session, no audit entry: all or nothing
    assert not at.exception  # never Streamlit's English box
    [shown] = [e.value for e in at.error]
    ref = re.fullmatch(re.escape(LOGIN_REFUSED[refusal]) + r"([0-9A-F]{8})\.", shown)
    assert ref, shown
    assert "_ebok_sid" not in at.session_state  # this tab is not signed in either
    assert not at.sidebar.button  # still signed out: no "Wyloguj się"
    [record] = [r for r in caplog.records if r.name == "ebok.failure"]
    assert record.levelno == logging.ERROR and ref.group(1) in record.getMessage()
    assert "Nie udało się zalogować" in record.getMessage()
