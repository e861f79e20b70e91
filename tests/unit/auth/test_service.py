"""Login throttle and lockout, server-side sessions, timeouts, cookie replay, tokens, passwords."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ebok.auth import passwords, service, sessions, throttle, tokens, users
from ebok.core import clock, config
from ebok.core.errors import FormError
from ebok.storage import audit, outbox

T0 = datetime(2026, 11, 21, 10, 0, 0)
PW = "Zielony-Balkon-77"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clk(monkeypatch):
    monkeypatch.setenv("EBOK_BCRYPT_ROUNDS", "4")
    c = Clock(T0)
    clock.set_clock(c)
    yield c
    clock.set_clock(None)


@pytest.fixture
def ola(clk):
    users.add_user(
        "ola",
        {
            "name": "Aleksandra Wójcik",
            "email": "ola@example.com",
            "password": passwords.hash_password(PW),
            "roles": ["resident"],
            "customer_id": "L0009",
        },
    )
    return "ola"


# --- throttle ------------------------------------------------------------------------------------


def test_five_failures_per_username_lock_it_from_any_address(ola, clk):
    for i in range(5):
        r = service.authenticate("ola", "zle-haslo", f"10.0.0.{i}")
        assert not r.ok
    assert r.message == service.LOGIN_LOCKED
    # Correct password, fresh address: still locked, and no session is created.
    r = service.authenticate("ola", PW, "10.9.9.9")
    assert not r.ok and r.message == service.LOGIN_LOCKED and r.session_id is None
    assert audit.entries("login_lockout", "ola")
    assert audit.entries("login_blocked", "ola")
    clk.advance(minutes=15, seconds=1)
    assert service.authenticate("ola", PW, "10.9.9.9").ok


def test_five_failures_per_address_lock_the_address_for_every_username(ola, clk):
    for i in range(5):
        assert not service.authenticate(f"ghost{i}", "x", "203.0.113.7").ok
    r = service.authenticate("ola", PW, "203.0.113.7")
    assert not r.ok and r.message == service.LOGIN_LOCKED
    assert service.authenticate("ola", PW, "203.0.113.8").ok  # another address is fine
    clk.advance(minutes=16)
    assert service.authenticate("ola", PW, "203.0.113.7").ok


def test_clients_with_no_known_address_share_one_limit(ola, clk):
    # Streamlit gives no address for a loopback peer: such clients used to have no address limit.
    for i in range(5):
        assert not service.authenticate(f"ghost{i}", "x", None).ok
    r = service.authenticate("ola", PW, None)
    assert not r.ok and r.message == service.LOGIN_LOCKED
    assert service.authenticate("ola", PW, "203.0.113.8").ok  # a known address has its own limit
    assert throttle.failures("login", client_address=throttle.UNKNOWN_ADDRESS) == 5


def test_registration_and_reset_limits_hold_for_unknown_addresses(ola, clk):
    for _ in range(5):
        throttle.record("reset", None, None, False)
    assert throttle.is_locked("reset", None, None)
    assert throttle.is_locked("reset", None, "")  # an empty header is no address either
    assert not throttle.is_locked("reset", None, "198.51.100.1")


def test_four_failures_do_not_lock(ola, clk):
    for _ in range(4):
        assert service.authenticate("ola", "zle", "10.0.0.1").message == service.LOGIN_FAILED
    assert service.authenticate("ola", PW, "10.0.0.1").ok


def test_same_message_whether_or_not_the_user_exists(ola, clk):
    a = service.authenticate("ola", "wrong-one", "10.0.0.1")
    b = service.authenticate("nie.ma.takiego", "wrong-one", "10.0.0.2")
    assert a.message == b.message == service.LOGIN_FAILED
    for _ in range(5):
        a = service.authenticate("ola", "x", None)
        b = service.authenticate("nie.ma.takiego", "x", None)
    assert a.message == b.message == service.LOGIN_LOCKED


def test_disabled_account_gets_the_wrong_password_message(ola, clk):
    users.set_fields("ola", disabled=True)
    r = service.authenticate("ola", PW, "10.0.0.1")
    assert not r.ok and r.message == service.LOGIN_FAILED


def test_throttle_counts_only_the_window(clk):
    for _ in range(3):
        throttle.record("login", "x", "1.1.1.1", False)
    clk.advance(minutes=14)
    assert throttle.failures("login", username="x") == 3
    clk.advance(minutes=2)
    assert throttle.failures("login", username="x") == 0


# --- sessions, timeouts ---------------------------------------------------------------------------


def test_idle_timeout_with_a_controllable_clock(ola, clk):
    sid = service.authenticate("ola", PW, "10.0.0.1").session_id
    clk.advance(minutes=14)
    assert sessions.validate(sid) is not None  # activity moves last_seen
    clk.advance(minutes=14)
    assert sessions.validate(sid) is not None
    clk.advance(minutes=15, seconds=1)
    assert sessions.validate(sid) is None
    clk.advance(seconds=1)
    assert sessions.validate(sid) is None  # revoked, stays dead


def test_absolute_timeout_even_when_active(ola, clk):
    sid = service.authenticate("ola", PW, "10.0.0.1").session_id
    for _ in range(12 * 6):  # active every 10 minutes for 12 hours
        clk.advance(minutes=10)
        alive = sessions.validate(sid)
    assert alive is not None  # exactly 12 h: still valid
    clk.advance(minutes=1)
    assert sessions.validate(sid) is None


def test_timeouts_follow_the_office_config(ola, clk, monkeypatch):
    config.save(
        config.replace_section(config.load(), "security", idle_timeout_minutes=5, absolute_timeout_hours=1)
    )
    sid = service.authenticate("ola", PW, None).session_id
    clk.advance(minutes=5, seconds=1)
    assert sessions.validate(sid) is None


def test_planted_or_forged_session_ids_are_rejected(ola, clk):
    assert sessions.validate("a" * 64) is None
    assert sessions.validate(None) is None
    assert sessions.validate({"username": "ola"}) is None  # type: ignore[arg-type]


# --- cookie replay ------------------------------------------------------------------------------


def _cookie(ola: str) -> tuple[str, float]:
    sid = service.authenticate(ola, PW, "10.0.0.1").session_id
    exp = (clock.now() + timedelta(hours=12)).timestamp()
    sessions.bind_cookie(sid, ola, exp)
    return sid, exp


def test_cookie_replayed_after_logout_is_rejected(ola, clk):
    sid, exp = _cookie(ola)
    assert sessions.validate_cookie("ola", exp).session_id == sid
    service.logout(sid, "ola")
    assert sessions.validate_cookie("ola", exp) is None
    assert audit.entries("logout", "ola")


def test_cookie_replayed_after_password_change_is_rejected(ola, clk):
    sid, exp = _cookie(ola)
    new_sid = service.change_password("ola", PW, "Nowe-Haslo-Kot-42", "Nowe-Haslo-Kot-42")
    assert new_sid and new_sid != sid
    assert sessions.validate_cookie("ola", exp) is None
    assert sessions.validate(sid) is None
    assert sessions.validate(new_sid) is not None
    assert audit.entries("password_changed", "ola")


def test_cookie_replayed_after_disabling_is_rejected(ola, clk):
    sid, exp = _cookie(ola)
    service.set_disabled("ola", True, by="admin")
    assert sessions.validate_cookie("ola", exp) is None
    assert sessions.validate(sid) is None
    assert audit.entries("account_disabled", "admin")


def test_disabling_by_hand_edit_also_ends_the_session(ola, clk):
    sid, exp = _cookie(ola)

    def disable(us: dict) -> None:
        us["ola"]["disabled"] = True

    users.update(disable)  # same effect as editing auth.yaml: no revoke call
    assert sessions.validate(sid) is None


def test_cookie_of_another_user_does_not_match(ola, clk):
    _sid, exp = _cookie(ola)
    assert sessions.validate_cookie("admin", exp) is None


# --- password change and rules -----------------------------------------------------------------


def _refused(*args: str) -> list[str]:
    with pytest.raises(FormError) as err:
        service.change_password("ola", *args)
    return err.value.messages


def test_change_password_checks_old_rules_and_repeat(ola, clk):
    assert _refused("zle", "Nowe-Haslo-Kot-42", "Nowe-Haslo-Kot-42") == ["Obecne hasło: nieprawidłowe."]
    assert any("co najmniej 8" in p for p in _refused(PW, "krótkie", "krótkie"))
    assert "Powtórz hasło: hasła się różnią." in _refused(PW, "Nowe-Haslo-Kot-42", "Nowe-Haslo-Kot-43")
    assert _refused(PW, "Ola-Wojcik-2026x", "Ola-Wojcik-2026x") == [
        "Hasło: nie może zawierać nazwy użytkownika, imienia i nazwiska, e-maila ani symbolu klienta."
    ]
    assert _refused(PW, PW, PW) == ["Nowe hasło: musi różnić się od obecnego."]
    assert passwords.verify_password(PW, users.get("ola").password)


def test_change_password_names_every_refused_field_at_once(ola, clk):
    assert _refused("zle", "krótkie", "inne") == [
        "Obecne hasło: nieprawidłowe.",
        "Hasło: musi mieć co najmniej 8 znaków.",
        "Powtórz hasło: hasła się różnią.",
    ]
    assert passwords.verify_password(PW, users.get("ola").password)


@pytest.mark.parametrize(
    ("pw", "ok"),
    [
        ("Zażółć-gęślą-jaźń", True),  # Polish letters allowed
        ("a" * 7, False),
        ("Ab1!" * 32, True),  # 128 characters
        ("Ab1!" * 32 + "x", False),  # 129
        ("password1", False),  # common list
        ("qwerty123", False),
        ("zaq12wsx", False),  # Polish common addition
        ("L0009-moje-haslo", False),  # customer symbol
        ("ola@example.com!", False),  # e-mail
        (" Spacja-Na-Poczatku", False),
    ],
)
def test_password_rules(pw, ok):
    problems = passwords.problems(
        pw, username="ola", name="Aleksandra Wójcik", email="ola@example.com", customer_id="L0009"
    )
    assert (problems == []) is ok, problems


def test_long_password_over_72_bytes_every_character_counts(clk):
    pw = "ż" * 60  # 120 bytes in UTF-8
    h = passwords.hash_password(pw)
    assert passwords.verify_password(pw, h)
    assert not passwords.verify_password("ż" * 59 + "z", h)


def test_common_list_is_shipped_and_large():
    assert len(passwords.common_passwords()) > 19000


# --- reset tokens -------------------------------------------------------------------------------


def _reset_link_token() -> str:
    body = outbox.pending()[-1]["body"]
    return body.split("token=")[1].split()[0]


def test_reset_token_is_single_use_and_stored_hashed(ola, clk):
    assert service.request_reset("OLA@example.com", "10.0.0.1") == service.RESET_SENT
    token = _reset_link_token()
    from sqlalchemy import select

    from ebok.storage import store
    from ebok.storage.tables import auth_tokens

    with store.engine().connect() as con:
        stored = [r.token_hash for r in con.execute(select(auth_tokens))]
    assert token not in stored and len(stored) == 1
    service.reset_password(token, "Nowe-Haslo-Kot-42", "Nowe-Haslo-Kot-42")
    assert service.authenticate("ola", "Nowe-Haslo-Kot-42", None).ok
    with pytest.raises(FormError, match="wygasł"):
        service.reset_password(token, "Inne-Haslo-Pies-43", "Inne-Haslo-Pies-43")
    assert audit.entries("password_reset", "ola")


def test_reset_token_expires_after_30_minutes(ola, clk):
    service.request_reset("ola@example.com", None)
    token = _reset_link_token()
    clk.advance(minutes=30, seconds=1)
    assert tokens.peek("reset", token) is None
    with pytest.raises(FormError, match="wygasł"):
        service.reset_password(token, "Nowe-Haslo-Kot-42", "Nowe-Haslo-Kot-42")
    assert passwords.verify_password(PW, users.get("ola").password)


def test_reset_request_gives_the_same_answer_for_unknown_email(ola, clk):
    assert service.request_reset("nikt@example.com", None) == service.RESET_SENT
    assert outbox.pending() == []


def test_reset_request_is_throttled_per_address(ola, clk):
    for _ in range(5):
        service.request_reset("ola@example.com", "198.51.100.1")
    assert len(outbox.pending()) == 5
    service.request_reset("ola@example.com", "198.51.100.1")
    assert len(outbox.pending()) == 5
    assert audit.entries("reset_blocked")


def test_reset_ends_existing_sessions(ola, clk):
    sid = service.authenticate("ola", PW, None).session_id
    service.request_reset("ola@example.com", None)
    service.reset_password(_reset_link_token(), "Nowe-Haslo-Kot-42", "Nowe-Haslo-Kot-42")
    assert sessions.validate(sid) is None


# --- office-created accounts ----------------------------------------------------------------------


def test_office_account_start_password_forces_change(clk):
    start = service.create_account(
        "nowy.lokator", "Piotr Nowy", "piotr@example.com", customer_id="L0005", by="admin"
    )
    user = users.get("nowy.lokator")
    assert user.must_change_password and passwords.verify_password(start, user.password)
    assert not passwords.problems(start)
    r = service.authenticate("nowy.lokator", start, None)
    assert r.ok
    service.change_password("nowy.lokator", start, "Moje-Wlasne-Haslo-9", "Moje-Wlasne-Haslo-9")
    assert users.get("nowy.lokator").must_change_password is False
    assert audit.entries("account_created", "admin")[0]["details"]["target"] == "nowy.lokator"


def test_unknown_user_costs_a_full_bcrypt_check(monkeypatch):
    monkeypatch.delenv("EBOK_BCRYPT_ROUNDS", raising=False)
    assert passwords._dummy_hash(passwords._rounds()).startswith("$2b$12$")
    assert passwords.verify_password("x", None) is False


def test_plaintext_password_written_by_hand_never_signs_in(ola, clk):
    users.set_fields("ola", password=PW)  # someone pasted the password itself into auth.yaml
    r = service.authenticate("ola", PW, None)
    assert not r.ok and r.message == service.LOGIN_FAILED
