"""Konta i rejestracje (office): registrations, new accounts, reset, disable, premises, access, inert text."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy import insert
from streamlit.testing.v1 import AppTest

from ebok.auth import passwords, service, sessions, users
from ebok.core import clock, settings
from ebok.storage import audit, outbox, store
from ebok.storage.tables import registrations
from tests.helpers import auth_admin as h
from tests.helpers.auth import RESIDENT_PASSWORD, login_as, page, resident_warehouse, write_demo_auth
from tests.helpers.inbox import XSS_PAYLOADS, markdown_sources, texts

PAGE = "pages/admin_konta.py"


@pytest.fixture(autouse=True)
def wh(monkeypatch):
    monkeypatch.setenv("EBOK_BCRYPT_ROUNDS", "4")
    write_demo_auth()
    return resident_warehouse()


def run(at: AppTest | None = None) -> AppTest:
    if at is None:  # not `at or …`: an AppTest that has not run yet is empty, hence falsy
        at = page(PAGE, "admin")
    at.run()
    assert not at.exception, at.exception
    return at


def field(at: AppTest, label: str):
    return next(w for w in at.text_input if w.label == label)


def button(at: AppTest, key: str):
    return at.button(key=key)


def errors(at: AppTest) -> list[str]:
    return [e.value.replace("\\", "") for e in at.error]


def successes(at: AppTest) -> list[str]:
    return [s.value.replace("\\", "") for s in at.success]


def choose(at: AppTest, username: str) -> AppTest:
    at.selectbox(key="acc_user").set_value(username)
    return run(at)


# --- access ----------------------------------------------------------------------------------------


def test_resident_cannot_open_even_with_planted_state():
    h.submit_registration()
    at = page(PAGE)
    login_as(at, "anna.nowak")
    for key, value in {"roles": ["admin"], "username": "admin", "authentication_status": True}.items():
        at.session_state[key] = value
    run(at)
    assert "Nie masz dostępu do tej strony." in [e.value for e in at.error]
    assert not at.dataframe and not at.tabs and not at.text
    assert audit.entries("access_denied", "anna.nowak")[0]["details"] == {"role": "admin"}


def test_signed_out_with_planted_state_sees_login_only():
    at = page(PAGE)
    for key, value in {
        "roles": ["admin"],
        "username": "admin",
        "authentication_status": True,
        "_ebok_sid": "f" * 64,
    }.items():
        at.session_state[key] = value
    run(at)
    assert [t.label for t in at.text_input] == ["Nazwa użytkownika", "Hasło"]
    assert not at.dataframe and not at.tabs


def test_navigation_offers_the_page_to_the_office_only():
    """A resident's app registers no such page (the address falls back); the page's own guard is above."""
    at = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=30)
    login_as(at, "anna.nowak")
    run(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)
    office = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=30)
    login_as(office, "admin")
    run(office)
    office.switch_page(PAGE)
    run(office)
    assert [t.value for t in office.title] == ["Konta i rejestracje"]


def test_admin_sees_the_page_and_the_list():
    at = run()
    assert [t.value for t in at.title] == ["Konta i rejestracje"]
    assert [t.label for t in at.tabs] == ["Rejestracje (0)", "Konta", "Nowe konto"]
    frame = at.dataframe[0].value
    assert list(frame["Użytkownik"]) == sorted(
        ["admin", "anna.nowak", "blazej.wisniewski", "jan.kowalski", "maria.zielinska"]
    )
    assert set(frame["Status"]) == {"aktywne"}


def test_filters_role_state_and_customer():
    users.set_fields("jan.kowalski", disabled=True)
    at = run()
    at.selectbox(key="acc_role").set_value("admin")
    run(at)
    assert list(at.dataframe[0].value["Użytkownik"]) == ["admin"]
    at.selectbox(key="acc_role").set_value("")
    at.selectbox(key="acc_state").set_value("disabled")
    run(at)
    assert list(at.dataframe[0].value["Użytkownik"]) == ["jan.kowalski"]
    at.selectbox(key="acc_state").set_value("")
    at.text_input(key="acc_customer").input("l000")
    run(at)
    assert list(at.dataframe[0].value["Użytkownik"]) == ["anna.nowak", "maria.zielinska"]
    at.text_input(key="acc_customer").input("Z9")
    run(at)
    assert "Brak kont spełniających kryteria." in [i.value for i in at.info]


# --- registrations ---------------------------------------------------------------------------------


def test_registration_times_are_shown_in_warsaw_time():
    clock.set_clock(lambda: datetime(2026, 7, 15, 22, 30))  # UTC; 00:30 next day in Warsaw (CEST)
    try:
        h.submit_registration()
    finally:
        clock.set_clock(None)
    shown = texts(run())
    assert any(s.startswith("Wysłano: 16.07.2026 00:30 z adresu") for s in shown), shown
    assert any(s.endswith("zaakceptowany 16.07.2026 00:30") for s in shown), shown


def test_pending_registration_shows_proof_and_approve():
    reg_id = h.submit_registration()
    at = run()
    assert at.tabs[0].label == "Rejestracje (1)"
    shown = texts(at)
    for line in (
        "Nazwa użytkownika: maria.z",
        "Symbol klienta: L0002 (w systemie księgowym: Maria Zielińska)",
        "E-mail: maria@example.com (niepotwierdzony)",
        "Dowód: kwota jednej z ostatnich opłat lub wpłat",
        "Zgodność z księgą: tak — dowód się zgadza",
        "Dowód — kwota: 410,50 zł",
    ):
        assert any(s.startswith(line) for s in shown), (line, shown)
    assert not any(s.startswith("Dowód — numer dokumentu") for s in shown)
    assert not [w.value for w in at.warning if "weryfikacji ręcznej" in w.value]
    assert any(s.startswith("Regulamin: wersja ") for s in shown)
    assert any(s.endswith("z adresu 192.0.2.7") for s in shown)
    button(at, f"reg_approve_{reg_id}").click()
    run(at)
    assert successes(at) == ["Zatwierdzono konto maria.z; e-mail do mieszkańca jest w kolejce do wysłania."]
    assert h.on_disk()["maria.z"]["approved"] is True
    assert h.registration_row(reg_id)["status"] == "approved"
    assert outbox.pending()[-1]["recipient"] == "maria@example.com"
    assert audit.entries("registration_approved", "admin")[0]["details"]["target"] == "maria.z"
    assert at.tabs[0].label == "Rejestracje (0)"


def test_a_manual_check_request_is_labelled_and_can_be_refused():
    reg_id = h.submit_registration(manual=True)
    at = run()
    assert at.tabs[0].label == "Rejestracje (1)"
    assert [w.value for w in at.warning if w.value.startswith("Do weryfikacji ręcznej")]
    shown = texts(at)
    assert "Zgodność z księgą: NIE — do weryfikacji ręcznej" in shown
    assert "Dowód — kwota: 999,99 zł" in shown
    at.text_input(key=f"reg_reason_{reg_id}_0").input("Nie jest Pani naszym klientem.")
    button(at, f"reg_refuse_{reg_id}").click()
    run(at)
    assert h.registration_row(reg_id)["status"] == "rejected"


def test_refuse_needs_a_reason_then_mails_it():
    reg_id = h.submit_registration()
    before = h.raw_bytes()
    at = run()
    button(at, f"reg_refuse_{reg_id}").click()
    run(at)
    assert errors(at) == ["Powód odmowy: podaj powód — mieszkaniec otrzyma go e-mailem."]
    assert h.raw_bytes() == before and h.registration_row(reg_id)["status"] == "pending"
    field(at, "Powód odmowy (otrzyma go mieszkaniec)").input("Dane nie zgadzają się z umową.")
    button(at, f"reg_refuse_{reg_id}").click()
    run(at)
    assert successes(at) == ["Odrzucono rejestrację maria.z; e-mail z powodem jest w kolejce do wysłania."]
    assert h.on_disk()["maria.z"]["disabled"] is True
    row = h.registration_row(reg_id)
    assert row["status"] == "rejected" and row["decided_by"] == "admin"
    msg = outbox.pending()[-1]
    assert msg["recipient"] == "maria@example.com" and "Dane nie zgadzają się z umową." in msg["body"]


# --- new accounts ----------------------------------------------------------------------------------


def fill_new(at: AppTest, customer="L0002", username="ewa.k", email="ewa@example.com", name=""):
    field(at, "Symbol klienta").input(customer)
    field(at, "Nazwa użytkownika").input(username)
    field(at, "E-mail").input(email)
    field(at, "Imię i nazwisko (puste = z systemu księgowego)").input(name)
    button(at, "new_create").click()
    return run(at)


def test_create_account_shows_the_start_password_once():
    at = fill_new(run(), name="Ewa Kowalska")
    assert successes(at) == ["Utworzono konto ewa.k."]
    [code] = at.code
    start = code.value
    raw = h.on_disk()["ewa.k"]
    assert raw["name"] == "Ewa Kowalska" and raw["customer_id"] == "L0002"
    assert raw["must_change_password"] is True and passwords.verify_password(start, raw["password"])
    assert audit.entries("account_created", "admin")[0]["details"]["target"] == "ewa.k"
    assert start not in str(audit.entries())
    assert field(at, "Nazwa użytkownika").value == ""  # the form starts empty again
    run(at)
    assert not at.code  # shown once
    login = service.authenticate("ewa.k", start)
    assert login.ok and users.get("ewa.k").must_change_password


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"customer": "L9999"}, "Symbol klienta: nie ma klienta L9999 w danych z systemu księgowego."),
        ({"username": "anna.nowak"}, "Nazwa użytkownika: „anna.nowak” jest już zajęta."),
        ({"email": "ewa.example.com"}, "E-mail: podaj poprawny adres, np. jan@example.com."),
    ],
)
def test_create_account_bad_input_names_the_field(values, message):
    before = h.raw_bytes()
    at = fill_new(run(), **values)
    assert errors(at) == [message]
    assert not at.code and h.raw_bytes() == before
    assert field(at, "E-mail").value == values.get("email", "ewa@example.com")  # kept for correction


# --- reset, disable, premises ------------------------------------------------------------------------


def test_reset_password_revokes_sessions_and_shows_the_password_once():
    s1 = sessions.create("anna.nowak", "10.0.0.1")
    at = choose(run(), "anna.nowak")
    assert "Konto: anna.nowak" in texts(at)
    button(at, "acc_reset").click()
    run(at)
    start = at.code[0].value
    raw = h.on_disk()["anna.nowak"]
    assert raw["must_change_password"] and passwords.verify_password(start, raw["password"])
    assert sessions.validate(s1) is None
    assert h.session_rows("anna.nowak")[0]["revoke_reason"] == "office_reset"
    assert audit.entries("account_password_reset_by_office", "admin")
    trail = at.dataframe[1].value  # [0] is the account list
    assert list(trail["Zdarzenie"])[:1] == ["nowe hasło startowe od biura"]


def test_own_password_is_not_reset_here():
    at = choose(run(), "admin")
    button(at, "acc_reset").click()
    run(at)
    assert errors(at) == ["Konto: własne hasło zmień na stronie „Hasło i bezpieczeństwo”."]
    assert not at.code


def test_disable_signs_the_resident_out_at_once_then_enable():
    resident = page("pages/moje_dane.py")
    login_as(resident, "anna.nowak")
    at = choose(run(), "anna.nowak")
    button(at, "acc_disable").click()
    run(at)
    assert successes(at) == ["Wyłączono konto anna.nowak; jego sesje zostały zakończone."]
    assert h.on_disk()["anna.nowak"]["disabled"] is True
    assert all(r["revoked_at"] is not None for r in h.session_rows("anna.nowak"))
    resident.run()
    assert [t.label for t in resident.text_input] == ["Nazwa użytkownika", "Hasło"]
    assert "Konto: anna.nowak" in texts(at) and "Stan: wyłączone" in texts(at)
    button(at, "acc_enable").click()
    run(at)
    assert h.on_disk()["anna.nowak"]["disabled"] is False
    assert service.authenticate("anna.nowak", RESIDENT_PASSWORD).ok
    assert [e["action"] for e in audit.entries() if e["action"].startswith("account_")][:2] == [
        "account_enabled",
        "account_disabled",
    ]


def test_assign_refuse_unknown_and_remove_premises():
    at = choose(run(), "anna.nowak")
    before = h.raw_bytes()
    field(at, "Przypisz lokale (numery oddzielone przecinkami)").input("X9999-M1")
    button(at, "acc_prem_add").click()
    run(at)
    assert errors(at) == ["Lokal: nie ma lokalu X9999-M1 w danych z systemu księgowego."]
    assert h.raw_bytes() == before
    field(at, "Przypisz lokale (numery oddzielone przecinkami)").input("L0002-M1")
    button(at, "acc_prem_add").click()
    run(at)
    assert h.on_disk()["anna.nowak"]["premises"] == ["L0002-M1"]
    assert "L0002-M1" in texts(at)
    assert audit.entries("account_premises", "admin")[0]["details"]["added"] == ["L0002-M1"]
    button(at, "acc_prem_del_L0002-M1").click()
    run(at)
    assert h.on_disk()["anna.nowak"]["premises"] == []
    assert audit.entries("account_premises", "admin")[0]["details"]["removed"] == ["L0002-M1"]


# --- resident text is inert ----------------------------------------------------------------------


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_resident_written_fields_render_inert(payload):
    users.set_fields("anna.nowak", name=f"Anna {payload}", email=f"{payload}@example.com")
    with store.engine().begin() as con:
        con.execute(
            insert(registrations).values(
                registration_id=uuid.uuid4().hex,
                username="anna.nowak",
                customer_id="L0001",
                email=f"x{payload}@example.com",
                name=f"Imię {payload}",
                proof_document=f"FV {payload}",
                proof_matches=1,
                regulations_version="1",
                regulations_accepted_at=datetime(2026, 11, 20, 9, 0),
                status="pending",
                created_at=datetime(2026, 11, 20, 9, 0),
            )
        )
    at = choose(run(), "anna.nowak")
    shown = texts(at)
    assert f"Imię i nazwisko: Imię {payload}" in shown and f"Dowód — numer dokumentu: FV {payload}" in shown
    assert f"Imię i nazwisko: Anna {payload}" in shown
    for source in markdown_sources(at):
        assert payload not in source, source
        for fragment in ("<script", "<img", "javascript:", "onerror="):
            assert fragment not in source, source
    assert all(not m.proto.allow_html for m in at.markdown)
    assert not at.get("html")
