"""Office account management: registrations, new accounts, password reset, disabling, premises."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import exc

from ebok.auth import admin, passwords, premises, service, sessions, users
from ebok.core import clock, settings
from ebok.core.errors import FormError
from ebok.storage import audit, outbox
from tests.helpers import auth_admin as h
from tests.helpers import unit_of_work as uow
from tests.helpers.auth import RESIDENT_PASSWORD, resident_warehouse, write_demo_auth

T0 = datetime(2026, 11, 21, 12, 0)  # UTC, as the store keeps it; 13:00 in Warsaw (CET)


@pytest.fixture(autouse=True)
def wh(monkeypatch):
    monkeypatch.setenv("EBOK_BCRYPT_ROUNDS", "4")
    clock.set_clock(lambda: T0)
    write_demo_auth()
    yield resident_warehouse()
    clock.set_clock(None)


def all_audit_text() -> str:
    return json.dumps(audit.entries(limit=10_000), default=str, ensure_ascii=False)


# --- creating accounts ---------------------------------------------------------------------------


def test_create_account_writes_auth_yaml_with_forced_change_and_audit():
    new = admin.create_account(username=" Ewa.K ", email="ewa@example.com", customer_id="l0002", by="admin")
    assert new.username == "ewa.k" and new.start_password not in repr(new)
    raw = h.on_disk()["ewa.k"]
    assert raw["customer_id"] == "L0002" and raw["roles"] == ["resident"]
    assert raw["name"] == "Maria Zielińska"  # from the warehouse when the office leaves it empty
    assert raw["must_change_password"] is True and raw["disabled"] is False
    assert passwords.verify_password(new.start_password, raw["password"])
    assert passwords.problems(new.start_password) == []
    login = service.authenticate("ewa.k", new.start_password, "10.0.0.1")
    assert login.ok and users.get("ewa.k").must_change_password
    entry = audit.entries("account_created")[0]
    assert entry["username"] == "admin" and entry["details"]["target"] == "ewa.k"
    assert new.start_password not in all_audit_text()


def test_two_created_accounts_get_different_start_passwords():
    a = admin.create_account(username="ewa.k", email="ewa@example.com", customer_id="L0002", by="admin")
    b = admin.create_account(username="ewa.k2", email="ewa@example.com", customer_id="L0002", by="admin")
    assert a.start_password != b.start_password


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"customer_id": "L9999"}, "Symbol klienta: nie ma klienta L9999"),
        ({"customer_id": "zly"}, "Symbol klienta: wielka litera"),
        ({"customer_id": ""}, "Symbol klienta: podaj"),
        ({"username": "anna.nowak"}, "Nazwa użytkownika: „anna.nowak” jest już zajęta"),
        ({"username": "Ab"}, "Nazwa użytkownika: 3–40 znaków"),
        ({"email": "ewa@"}, "E-mail: podaj poprawny adres"),
        ({"email": "ewa@example.com\nBcc: x@y.pl"}, "E-mail: podaj poprawny adres"),
        ({"name": "Ewa\nKowalska"}, "Imię i nazwisko"),
    ],
)
def test_create_account_bad_input_names_the_field_and_writes_nothing(changes, field):
    before = h.raw_bytes()
    args = {"username": "ewa.k", "email": "ewa@example.com", "customer_id": "L0002", "by": "admin"} | changes
    with pytest.raises(FormError) as err:
        admin.create_account(**args)
    assert any(p.startswith(field) for p in err.value.messages), err.value.messages
    assert h.raw_bytes() == before
    assert audit.entries("account_created") == []


def test_create_account_reports_every_problem_at_once():
    with pytest.raises(FormError) as err:
        admin.create_account(username="anna.nowak", email="x", customer_id="L9999", by="admin")
    fields = [p.split(":")[0] for p in err.value.messages]
    assert fields == ["Symbol klienta", "Nazwa użytkownika", "E-mail"]


def test_office_account_needs_no_customer():
    new = admin.create_account(
        username="biuro2", email="b2@example.com", customer_id="", role="admin", by="admin"
    )
    raw = h.on_disk()["biuro2"]
    assert raw["roles"] == ["admin"] and raw["customer_id"] is None and raw["must_change_password"]
    assert service.authenticate("biuro2", new.start_password).ok


def test_a_failure_after_validation_leaves_auth_yaml_unchanged():
    before = h.raw_bytes()
    with uow.auth_yaml_write_fails(), pytest.raises(OSError):
        admin.create_account(username="ewa.k", email="ewa@example.com", customer_id="L0002", by="admin")
    assert h.raw_bytes() == before
    assert not [p for p in settings.auth_file().parent.iterdir() if p.name.endswith(".tmp")]
    assert audit.entries("account_created") == []
    assert users.get("ewa.k") is None


def test_a_store_failure_creates_no_account_and_a_retry_succeeds():
    before = h.raw_bytes()
    with uow.store_refuses("audit_log"), pytest.raises(exc.DBAPIError, match="awaria bazy"):
        admin.create_account(username="ewa.k", email="ewa@example.com", customer_id="L0002", by="admin")
    assert h.raw_bytes() == before and users.get("ewa.k") is None
    new = admin.create_account(username="ewa.k", email="ewa@example.com", customer_id="L0002", by="admin")
    assert service.authenticate("ewa.k", new.start_password).ok


def test_a_failed_commit_puts_auth_yaml_back_byte_for_byte():
    before = h.raw_bytes()
    with uow.commit_fails(), pytest.raises(OSError, match="zerwane"):
        admin.create_account(username="ewa.k", email="ewa@example.com", customer_id="L0002", by="admin")
    assert h.raw_bytes() == before and users.get("ewa.k") is None
    assert audit.entries("account_created") == []


def test_username_taken_inside_the_lock_is_refused_without_a_write(monkeypatch):
    """Another office user creates the same name between our check and the locked write."""
    real_get = users.get
    monkeypatch.setattr(
        users, "get", lambda name, path=None: None if name == "anna.nowak" else real_get(name, path)
    )
    before = h.raw_bytes()
    with pytest.raises(FormError) as err:
        admin.create_account(username="anna.nowak", email="a@example.com", customer_id="L0001", by="admin")
    assert err.value.messages == ["Nazwa użytkownika: „anna.nowak” jest już zajęta."]
    assert h.raw_bytes() == before


# --- password reset and disabling ----------------------------------------------------------------


def test_reset_password_forces_change_and_revokes_every_session():
    s1 = sessions.create("anna.nowak", "10.0.0.1")
    s2 = sessions.create("anna.nowak", "10.0.0.2")
    other = sessions.create("maria.zielinska", "10.0.0.3")
    start = admin.reset_password("Anna.Nowak", by="admin")
    raw = h.on_disk()["anna.nowak"]
    assert raw["must_change_password"] is True
    assert passwords.verify_password(start, raw["password"])
    assert not passwords.verify_password(RESIDENT_PASSWORD, raw["password"])
    rows = {r["session_id"]: r for r in h.session_rows("anna.nowak")}
    assert {rows[s1]["revoke_reason"], rows[s2]["revoke_reason"]} == {"office_reset"}
    assert sessions.validate(s1) is None and sessions.validate(s2) is None
    assert sessions.validate(other) is not None
    assert not service.authenticate("anna.nowak", RESIDENT_PASSWORD).ok
    assert service.authenticate("anna.nowak", start).ok
    entry = audit.entries("account_password_reset_by_office")[0]
    assert entry["username"] == "admin" and entry["details"] == {"target": "anna.nowak"}
    assert start not in all_audit_text()


def test_reset_refuses_unknown_and_own_account():
    before = h.raw_bytes()
    with pytest.raises(FormError, match="Konto: nie ma takiego konta"):
        admin.reset_password("nikt", by="admin")
    with pytest.raises(FormError, match="Hasło i bezpieczeństwo"):
        admin.reset_password("admin", by="admin")
    assert h.raw_bytes() == before


def test_disable_revokes_sessions_and_rejects_a_replayed_cookie_then_enable():
    sid = sessions.create("anna.nowak", "10.0.0.1")
    sessions.bind_cookie(sid, "anna.nowak", 1_900_000_000.25)
    assert sessions.validate_cookie("anna.nowak", 1_900_000_000.25) is not None
    admin.set_disabled("anna.nowak", True, by="admin")
    assert h.on_disk()["anna.nowak"]["disabled"] is True
    assert h.session_rows("anna.nowak")[0]["revoke_reason"] == "account_disabled"
    assert sessions.validate_cookie("anna.nowak", 1_900_000_000.25) is None
    assert sessions.validate(sid) is None
    assert not service.authenticate("anna.nowak", RESIDENT_PASSWORD).ok
    admin.set_disabled("anna.nowak", False, by="admin")
    assert h.on_disk()["anna.nowak"]["disabled"] is False
    assert sessions.validate(sid) is None  # re-enabling never revives an old session
    assert service.authenticate("anna.nowak", RESIDENT_PASSWORD).ok
    actions = [
        (e["action"], e["username"], e["details"]["target"])
        for e in audit.entries()
        if "target" in e["details"]
    ]
    assert actions[:2] == [
        ("account_enabled", "admin", "anna.nowak"),
        ("account_disabled", "admin", "anna.nowak"),
    ]


def test_cannot_disable_own_account():
    with pytest.raises(FormError, match="własnego konta"):
        admin.set_disabled("admin", True, by="admin")
    assert h.on_disk()["admin"]["disabled"] is False


# --- premises --------------------------------------------------------------------------------------


def test_assign_and_remove_premises():
    assert admin.add_premises("anna.nowak", "L0002-M1, W0001-D1", by="admin") == ("L0002-M1", "W0001-D1")
    assert h.on_disk()["anna.nowak"]["premises"] == ["L0002-M1", "W0001-D1"]
    user = users.get("anna.nowak")
    seen = {p.premises_id for p in premises.premises_of(user.customer_id, user.premises)}
    assert seen == {"L0001-M1", "L0001-G1", "L0002-M1", "W0001-D1"}
    assert admin.remove_premises("anna.nowak", ["L0002-M1"], by="admin") == ("W0001-D1",)
    assert h.on_disk()["anna.nowak"]["premises"] == ["W0001-D1"]
    added, removed = audit.entries("account_premises")[1], audit.entries("account_premises")[0]
    assert added["username"] == "admin" and added["details"]["added"] == ["L0002-M1", "W0001-D1"]
    assert removed["details"] == {
        "target": "anna.nowak",
        "added": [],
        "removed": ["L0002-M1"],
        "premises": ["W0001-D1"],
    }


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ("X9999-M1", "Lokal: nie ma lokalu X9999-M1"),
        ("L0002-M1 X9999-M1", "Lokal: nie ma lokalu X9999-M1"),  # one bad id refuses the lot
        ("L0001-G1", "Lokal: L0001-G1 należy do klienta L0001"),
        ("", "Lokal: podaj numer lokalu"),
    ],
)
def test_bad_premises_are_refused_and_nothing_is_written(ids, message):
    before = h.raw_bytes()
    with pytest.raises(FormError) as err:
        admin.add_premises("anna.nowak", ids, by="admin")
    assert any(p.startswith(message) for p in err.value.messages), err.value.messages
    assert h.raw_bytes() == before
    assert audit.entries("account_premises") == []


def test_premises_already_assigned_or_not_assigned():
    admin.add_premises("anna.nowak", ["L0002-M1"], by="admin")
    with pytest.raises(FormError, match="jest już przypisany"):
        admin.add_premises("anna.nowak", ["L0002-M1"], by="admin")
    with pytest.raises(FormError, match="nie jest przypisany"):
        admin.remove_premises("anna.nowak", ["W0001-D1"], by="admin")


def test_parse_premises_ids():
    assert admin.parse_premises_ids(" a, b;c  a ") == ["a", "b", "c"]


# --- registrations ---------------------------------------------------------------------------------


def test_pending_registration_shows_the_proof():
    reg_id = h.submit_registration()
    [reg] = admin.pending_registrations()
    assert reg.registration_id == reg_id and reg.username == "maria.z"
    assert (reg.customer_id, reg.email, reg.proof_label, reg.proof_amount) == (
        "L0002",
        "maria@example.com",
        "kwota jednej z ostatnich opłat lub wpłat",
        "410,50 zł",
    )
    assert reg.proof_matches is True and reg.warehouse_name == "Maria Zielińska"
    assert reg.manual is False
    assert reg.regulations_accepted_at == T0 and reg.created_at == T0
    assert reg.client_address == "192.0.2.7" and reg.email_verified_at is None


def test_a_manual_check_request_waits_with_the_office_and_can_be_approved():
    reg_id = h.submit_registration(manual=True)
    [reg] = admin.pending_registrations()
    assert (reg.registration_id, reg.manual, reg.proof_matches, reg.proof_amount) == (
        reg_id,
        True,
        False,
        "999,99 zł",
    )
    assert admin.approve_registration(reg_id, "admin") == "maria.z"
    assert h.registration_row(reg_id)["status"] == "approved" and admin.pending_registrations() == []


def test_approve_activates_the_account_and_mails_the_resident():
    reg_id = h.submit_registration()
    token = outbox.pending()[-1]["body"].split("aktywacja=")[1].split()[0]
    from ebok.auth import registration

    registration.activate(token)
    assert not service.authenticate("maria.z", h.NEW_PASSWORD).ok
    assert admin.approve_registration(reg_id, by="admin") == "maria.z"
    assert h.on_disk()["maria.z"]["approved"] is True
    row = h.registration_row(reg_id)
    assert row["status"] == "approved" and row["decided_by"] == "admin"
    msg = outbox.pending()[-1]
    assert msg["recipient"] == "maria@example.com" and "zatwierdziło" in msg["body"]
    assert audit.entries("registration_approved", "admin")[0]["details"]["target"] == "maria.z"
    assert service.authenticate("maria.z", h.NEW_PASSWORD).ok
    assert admin.pending_registrations() == []
    with pytest.raises(FormError, match="nie czeka już"):
        admin.approve_registration(reg_id, by="admin")


def test_refuse_needs_a_reason_and_mails_it():
    reg_id = h.submit_registration()
    before = h.raw_bytes()
    with pytest.raises(FormError, match="Powód odmowy"):
        admin.refuse_registration(reg_id, by="admin", reason="   ")
    assert h.raw_bytes() == before and h.registration_row(reg_id)["status"] == "pending"
    reason = "Symbol klienta należy do innej osoby."
    assert admin.refuse_registration(reg_id, by="admin", reason=reason) == "maria.z"
    raw = h.on_disk()["maria.z"]
    assert raw["disabled"] is True and raw["approved"] is False
    row = h.registration_row(reg_id)
    assert row["status"] == "rejected" and row["decision_note"] == reason
    msg = outbox.pending()[-1]
    assert msg["recipient"] == "maria@example.com" and reason in msg["body"]
    assert "nie została zatwierdzona" in msg["subject"]
    assert audit.entries("registration_rejected", "admin")[0]["details"]["target"] == "maria.z"
    assert not service.authenticate("maria.z", h.NEW_PASSWORD).ok
    with pytest.raises(FormError, match="nie czeka już"):
        admin.refuse_registration(reg_id, by="admin", reason=reason)


def test_approve_refuses_when_the_account_vanished_and_changes_nothing():
    reg_id = h.submit_registration()
    users.update(lambda all_users: all_users.pop("maria.z"))
    with pytest.raises(FormError, match="nie ma już w pliku kont"):
        admin.approve_registration(reg_id, by="admin")
    assert h.registration_row(reg_id)["status"] == "pending"


# --- the list --------------------------------------------------------------------------------------


def test_list_filters_and_last_login():
    assert [a.username for a in admin.list_accounts()] == sorted(
        ["admin", "anna.nowak", "blazej.wisniewski", "maria.zielinska", "jan.kowalski"]
    )
    assert [a.username for a in admin.list_accounts(role="admin")] == ["admin"]
    assert [a.username for a in admin.list_accounts(customer="l000")] == ["anna.nowak", "maria.zielinska"]
    assert admin.list_accounts(disabled=True) == []
    admin.set_disabled("jan.kowalski", True, by="admin")
    assert [a.username for a in admin.list_accounts(disabled=True)] == ["jan.kowalski"]
    assert "jan.kowalski" not in [a.username for a in admin.list_accounts(disabled=False)]
    assert admin.account("anna.nowak").last_login is None
    assert service.authenticate("anna.nowak", RESIDENT_PASSWORD, "10.0.0.1").ok
    anna = admin.account("anna.nowak")
    assert anna.last_login == T0 and anna.open_sessions == 1 and anna.status == "aktywne"
    rows = admin.table_rows([anna])
    assert rows[0]["Ostatnie logowanie"] == "21.11.2026 13:00" and rows[0]["Otwarte sesje"] == 1
    assert admin.account("jan.kowalski").status == "wyłączone"


def test_proof_amount_is_shown_once_the_registration_flow_stores_it(monkeypatch):
    from decimal import Decimal

    from ebok.auth import registration

    h.submit_registration()
    rows = registration.pending()
    assert admin.pending_registrations()[0].proof_amount == "410,50 zł"  # as the resident typed it
    monkeypatch.setattr(registration, "pending", lambda: [rows[0] | {"proof_amount": Decimal("1410.50")}])
    assert admin.pending_registrations()[0].proof_amount == "1\xa0410,50 zł"


def test_concurrent_premises_assignments_all_survive():
    """Two office users assigning at once: the locked read-modify-write keeps every premises."""
    import threading

    ids = ["L0002-M1", "U0001-U1", "W0001-D1"]
    barrier = threading.Barrier(len(ids))
    failures: list[BaseException] = []

    def assign(pid: str) -> None:
        barrier.wait()
        try:
            admin.add_premises("anna.nowak", [pid], by="admin")
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=assign, args=(pid,)) for pid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert sorted(h.on_disk()["anna.nowak"]["premises"]) == ids
    assert len(audit.entries("account_premises")) == 3


def test_history_lists_own_and_office_actions_on_the_account_only():
    assert service.authenticate("anna.nowak", RESIDENT_PASSWORD, "10.0.0.1").ok
    admin.set_disabled("anna.nowak", True, by="admin")
    admin.set_disabled("maria.zielinska", True, by="admin")
    admin.reset_password("anna.nowak", by="admin")
    trail = admin.history("anna.nowak")
    assert [(r["Kto"], r["Zdarzenie"]) for r in trail] == [
        ("admin", "nowe hasło startowe od biura"),
        ("admin", "wyłączenie konta"),
        ("anna.nowak", "logowanie"),
    ]
    assert trail[-1]["Adres"] == "10.0.0.1" and trail[-1]["Kiedy"] == "21.11.2026 13:00"


# --- each office write is one unit of work over auth.yaml and the store ---------------------------


def test_a_failed_disable_keeps_the_account_enabled_and_its_sessions_alive():
    sid = sessions.create("anna.nowak", "10.0.0.1")
    before = h.raw_bytes()
    with uow.store_refuses("audit_log"), pytest.raises(exc.DBAPIError):
        admin.set_disabled("anna.nowak", True, by="admin")
    assert h.raw_bytes() == before and users.get("anna.nowak").disabled is False
    assert sessions.validate(sid) is not None  # the revocation rolled back with the rest
    with uow.auth_yaml_write_fails(), pytest.raises(OSError):
        admin.set_disabled("anna.nowak", True, by="admin")
    assert sessions.validate(sid) is not None and audit.entries("account_disabled") == []
    admin.set_disabled("anna.nowak", True, by="admin")
    assert users.get("anna.nowak").disabled and sessions.validate(sid) is None


def test_a_failed_premises_assignment_changes_nothing():
    before = h.raw_bytes()
    with uow.store_refuses("audit_log"), pytest.raises(exc.DBAPIError):
        admin.add_premises("anna.nowak", "L0002-M1", by="admin")
    assert h.raw_bytes() == before and users.get("anna.nowak").premises == ()
    with uow.auth_yaml_write_fails(), pytest.raises(OSError):
        admin.add_premises("anna.nowak", "L0002-M1", by="admin")
    assert audit.entries("account_premises") == []
    assert admin.add_premises("anna.nowak", "L0002-M1", by="admin") == ("L0002-M1",)


def test_a_failed_approval_leaves_the_registration_waiting():
    reg_id = h.submit_registration()
    before = h.raw_bytes()
    with uow.store_refuses("audit_log", "NEW.action = 'registration_approved'"):
        with pytest.raises(exc.DBAPIError):
            admin.approve_registration(reg_id, by="admin")
    assert h.raw_bytes() == before and h.registration_row(reg_id)["status"] == "pending"
    with uow.auth_yaml_write_fails(), pytest.raises(OSError):
        admin.approve_registration(reg_id, by="admin")
    assert h.registration_row(reg_id)["status"] == "pending"
    assert [m["subject"] for m in outbox.pending()] == ["e-BOK: potwierdź adres e-mail"]
    assert admin.approve_registration(reg_id, by="admin") == "maria.z"
    assert h.on_disk()["maria.z"]["approved"] is True


def test_a_failed_refusal_mail_leaves_the_registration_waiting_and_the_account_open():
    reg_id = h.submit_registration()
    sessions.create("maria.z", "10.0.0.1")
    before = h.raw_bytes()
    with uow.store_refuses("mail_outbox"), pytest.raises(exc.DBAPIError):
        admin.refuse_registration(reg_id, by="admin", reason="Brak tytułu do lokalu.")
    assert h.raw_bytes() == before and h.registration_row(reg_id)["status"] == "pending"
    # (maria.z cannot sign in yet, so the session row itself shows whether it was revoked)
    assert h.session_rows("maria.z")[0]["revoked_at"] is None
    assert audit.entries("registration_rejected") == []
    admin.refuse_registration(reg_id, by="admin", reason="Brak tytułu do lokalu.")
    assert h.on_disk()["maria.z"]["disabled"] is True
    assert h.session_rows("maria.z")[0]["revoke_reason"] == "registration_rejected"


def test_a_failed_office_reset_keeps_the_old_password():
    with uow.store_refuses("audit_log"), pytest.raises(exc.DBAPIError):
        admin.reset_password("anna.nowak", by="admin")
    assert service.authenticate("anna.nowak", RESIDENT_PASSWORD).ok
    assert users.get("anna.nowak").must_change_password is False
