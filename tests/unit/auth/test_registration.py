"""Remote registration: ledger proof, anti-bot checks, throttle, activation link, office approval."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ebok.auth import registration, service, tokens, users
from ebok.core import clock, config
from ebok.storage import audit, outbox
from tests.helpers.auth import resident_warehouse

T0 = datetime(2026, 11, 21, 12, 0)
CH = registration.Challenge("Ile to jest dwa dodać trzy?", 5)


@pytest.fixture
def wh(monkeypatch):
    monkeypatch.setenv("EBOK_BCRYPT_ROUNDS", "4")
    clock.set_clock(lambda: T0)
    yield resident_warehouse()
    clock.set_clock(None)


def form(**kw) -> registration.RegistrationForm:
    base = dict(
        customer_id="L0002",
        email="maria@example.com",
        username="maria.z",
        password="Pelargonie-Na-Oknie-7",
        repeat="Pelargonie-Na-Oknie-7",
        document_no="N/L0002/2026/10",  # one of the last three (09, 10, 11)
        amount="410,50",
        accept_regulations=True,
        bot_answer="pięć",
    )
    base.update(kw)
    return registration.RegistrationForm(**base)


def reg(f, address="192.0.2.1", elapsed=30.0):
    return registration.register(f, CH, address, elapsed_seconds=elapsed)


def test_matching_proof_creates_an_inactive_account_and_sends_activation(wh):
    result = reg(form())
    assert result.ok, result.problems
    user = users.get("maria.z")
    assert user.customer_id == "L0002" and user.name == "Maria Zielińska"
    assert not user.active and not user.email_verified and not user.approved
    assert user.extra["regulations_version"] == config.load().registration.regulations_version
    assert user.extra["regulations_accepted_at"] == "2026-11-21T12:00:00"
    assert registration.pending()[0]["username"] == "maria.z"
    msg = outbox.pending()[-1]
    assert msg["recipient"] == "maria@example.com" and "/rejestracja?aktywacja=" in msg["body"]
    entry = audit.entries("registration_submitted", "maria.z")[0]
    assert entry["details"]["customer_id"] == "L0002" and "password" not in str(entry)


@pytest.mark.parametrize(
    "changes",
    [
        {"amount": "410,51"},  # wrong amount
        {"document_no": "N/L0002/2026/08"},  # older than the last three
        {"document_no": "N/L0001/2026/10"},  # another customer's document
        {"customer_id": "L0999"},  # unknown customer: the same message
    ],
)
def test_wrong_proof_is_refused_with_one_message(wh, changes):
    result = reg(form(**changes))
    assert not result.ok and result.problems == [registration.PROOF_FAILED]
    assert users.get("maria.z") is None and outbox.pending() == []
    assert audit.entries("registration_proof_failed")


def test_amount_formats_are_accepted(wh):
    assert registration.parse_amount("1 234,56 zł") == registration.parse_amount("1234.56")
    assert registration.parse_amount("abc") is None
    assert reg(form(amount="411.50 zł", document_no=" n/l0002/2026/11 ")).ok


def test_bot_checks_honeypot_speed_and_question(wh):
    assert not reg(form(website="http://spam.example")).ok
    assert not reg(form(), address="192.0.2.2", elapsed=1.0).ok
    wrong = reg(form(bot_answer="sześć"), address="192.0.2.3")
    assert "Pytanie kontrolne: nieprawidłowa odpowiedź." in wrong.problems
    assert (
        registration.answer_ok("5", 5)
        and registration.answer_ok("piec", 5)
        and registration.answer_ok("Pięć", 5)
    )
    assert users.get("maria.z") is None
    assert len(audit.entries("registration_bot")) == 2


def test_field_messages_name_the_field(wh):
    result = reg(
        form(
            customer_id="x1",
            email="zly",
            username="A",
            password="qwerty123",
            repeat="inne",
            accept_regulations=False,
        )
    )
    text = " ".join(result.problems)
    for field in ("Symbol klienta", "E-mail", "Nazwa użytkownika", "Hasło", "Powtórz hasło", "Regulamin"):
        assert field in text


def test_registration_is_throttled_per_address(wh):
    for i in range(5):
        reg(form(amount="1,00", username=f"proba{i}"), address="198.51.100.9")
    blocked = reg(form(), address="198.51.100.9")
    assert blocked.problems == [registration.THROTTLED]
    assert reg(form(), address="198.51.100.10").ok


def test_activation_link_is_single_use_then_office_approves(wh):
    assert reg(form()).ok
    token = outbox.pending()[-1]["body"].split("aktywacja=")[1].split()[0]
    assert "zatwierdzenie" in registration.activate(token)
    assert registration.activate(token) is None  # single use
    assert not service.authenticate("maria.z", "Pelargonie-Na-Oknie-7", None).ok
    reg_id = registration.pending()[0]["registration_id"]
    registration.approve(reg_id, "admin")
    assert service.authenticate("maria.z", "Pelargonie-Na-Oknie-7", None).ok
    assert audit.entries("registration_approved", "admin")
    with pytest.raises(ValueError):
        registration.approve(reg_id, "admin")


def test_auto_approve_when_configured(wh):
    config.save(config.replace_section(config.load(), "registration", auto_approve_when_proof_matches=True))
    result = reg(form())
    assert result.ok and result.auto_approved and registration.pending() == []
    token = outbox.pending()[-1]["body"].split("aktywacja=")[1].split()[0]
    assert "Możesz się zalogować" in registration.activate(token)
    assert service.authenticate("maria.z", "Pelargonie-Na-Oknie-7", None).ok


def test_activation_link_expires(wh):
    assert reg(form()).ok
    token = outbox.pending()[-1]["body"].split("aktywacja=")[1].split()[0]
    clock.set_clock(lambda: T0 + tokens.LIFETIME["activate"] + timedelta(seconds=1))
    assert registration.activate(token) is None


def test_reject_keeps_the_account_closed(wh):
    assert reg(form()).ok
    registration.reject(registration.pending()[0]["registration_id"], "admin", "Brak tytułu do lokalu")
    assert users.get("maria.z").disabled


def test_links_use_the_configured_base_url(wh, monkeypatch):
    monkeypatch.setenv("EBOK_BASE_URL", "https://ebok.example.pl/")
    assert reg(form()).ok
    assert "https://ebok.example.pl/rejestracja?aktywacja=" in outbox.pending()[-1]["body"]


def test_approval_mail_says_what_to_do_next(wh):
    """Approved before activation: the e-mail asks to confirm the address, not to sign in."""
    assert reg(form()).ok
    token = outbox.pending()[-1]["body"].split("aktywacja=")[1].split()[0]
    registration.approve(registration.pending()[0]["registration_id"], "admin")
    body = outbox.pending()[-1]["body"]
    assert "potwierdź jeszcze adres e-mail" in body and "Zaloguj się" not in body
    assert reg(form(username="maria.y", email="maria.y@example.com"), address="192.0.2.9").ok
    second = registration.pending()[0]
    token = outbox.pending()[-1]["body"].split("aktywacja=")[1].split()[0]
    registration.activate(token)
    registration.approve(second["registration_id"], "admin")
    assert "Zaloguj się: " in outbox.pending()[-1]["body"]
