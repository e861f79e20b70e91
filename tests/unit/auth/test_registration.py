"""Remote registration: ledger proof, anti-bot checks, throttle, activation link, office approval."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import exc

from ebok.auth import registration, service, tokens, users
from ebok.core import clock, config
from ebok.core.errors import FormError
from ebok.storage import audit, outbox
from tests.helpers import unit_of_work as uow
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


def reg(f, address="192.0.2.1", elapsed=30.0) -> registration.Registered:
    return registration.register(f, CH, address, elapsed_seconds=elapsed)


def refused(f, address="192.0.2.1", elapsed=30.0) -> list[str]:
    """Return the messages of the FormError the registration raises."""
    with pytest.raises(FormError) as err:
        reg(f, address, elapsed)
    return err.value.messages


def test_matching_proof_creates_an_inactive_account_and_sends_activation(wh):
    result = reg(form())
    assert not result.auto_approved
    user = users.get("maria.z")
    assert user.customer_id == "L0002" and user.name == "Maria Zielińska"
    assert not user.active and not user.email_verified and not user.approved
    assert user.extra["regulations_version"] == config.load().registration.regulations_version
    assert user.extra["regulations_accepted_at"] == "2026-11-21T12:00:00"
    assert registration.pending()[0]["username"] == "maria.z"
    assert registration.pending()[0]["registration_id"] == result.registration_id
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
    assert refused(form(**changes)) == [str(registration.PROOF_PROBLEM)]
    assert users.get("maria.z") is None and outbox.pending() == []
    assert audit.entries("registration_proof_failed")


def test_amount_formats_are_accepted(wh):
    assert registration.parse_amount("1 234,56 zł") == registration.parse_amount("1234.56")
    assert registration.parse_amount("abc") is None
    assert reg(form(amount="411.50 zł", document_no=" n/l0002/2026/11 ")).registration_id


def test_bot_checks_honeypot_speed_and_question(wh):
    assert refused(form(website="http://spam.example")) == [
        "Nie udało się przyjąć formularza. Spróbuj ponownie."
    ]
    assert refused(form(), address="192.0.2.2", elapsed=1.0) == [
        "Formularz wysłano zbyt szybko. Sprawdź dane i wyślij ponownie."
    ]
    assert refused(form(bot_answer="sześć"), address="192.0.2.3") == [
        "Pytanie kontrolne: nieprawidłowa odpowiedź."
    ]
    assert (
        registration.answer_ok("5", 5)
        and registration.answer_ok("piec", 5)
        and registration.answer_ok("Pięć", 5)
    )
    assert users.get("maria.z") is None
    assert len(audit.entries("registration_bot")) == 2


def test_every_refused_field_is_named_at_once(wh):
    with pytest.raises(FormError) as err:
        reg(
            form(
                customer_id="x1",
                email="zly",
                username="A",
                password="qwerty123",
                repeat="inne",
                document_no=" ",
                amount="dużo",
                accept_regulations=False,
                bot_answer="",
            )
        )
    assert [p.field for p in err.value.problems] == [
        "Pytanie kontrolne",
        "Symbol klienta",
        "E-mail",
        "Nazwa użytkownika",
        "Numer dokumentu",
        "Kwota brutto",
        "Hasło",
        "Powtórz hasło",
        "Regulamin",
    ]
    assert "Symbol klienta: wielka litera i cztery cyfry, np. L0001." in err.value.messages
    assert users.get("a") is None and outbox.pending() == []


def test_a_taken_username_is_refused_by_name(wh):
    reg(form())
    assert refused(form(email="inna@example.com"), address="192.0.2.5") == [
        "Nazwa użytkownika: jest już zajęta, wybierz inną."
    ]


def test_registration_is_throttled_per_address(wh):
    for i in range(5):
        refused(form(amount="1,00", username=f"proba{i}"), address="198.51.100.9")
    assert refused(form(), address="198.51.100.9") == [registration.THROTTLED]
    assert reg(form(), address="198.51.100.10").registration_id


def test_activation_link_is_single_use_then_office_approves(wh):
    reg(form())
    token = outbox.pending()[-1]["body"].split("aktywacja=")[1].split()[0]
    assert "zatwierdzenie" in registration.activate(token)
    assert registration.activate(token) is None  # single use
    assert not service.authenticate("maria.z", "Pelargonie-Na-Oknie-7", None).ok
    reg_id = registration.pending()[0]["registration_id"]
    registration.approve(reg_id, "admin")
    assert service.authenticate("maria.z", "Pelargonie-Na-Oknie-7", None).ok
    assert audit.entries("registration_approved", "admin")
    with pytest.raises(FormError, match="nie czeka już na decyzję"):
        registration.approve(reg_id, "admin")


def test_auto_approve_when_configured(wh, monkeypatch):
    config.save(config.replace_section(config.load(), "registration", auto_approve_when_proof_matches=True))
    result = reg(form())
    assert result.auto_approved and registration.pending() == []
    token = outbox.pending()[-1]["body"].split("aktywacja=")[1].split()[0]
    assert "Możesz się zalogować" in registration.activate(token)
    assert service.authenticate("maria.z", "Pelargonie-Na-Oknie-7", None).ok


def test_activation_link_expires(wh):
    reg(form())
    token = outbox.pending()[-1]["body"].split("aktywacja=")[1].split()[0]
    clock.set_clock(lambda: T0 + tokens.LIFETIME["activate"] + timedelta(seconds=1))
    assert registration.activate(token) is None


def test_reject_keeps_the_account_closed(wh):
    reg(form())
    registration.reject(registration.pending()[0]["registration_id"], "admin", "Brak tytułu do lokalu")
    assert users.get("maria.z").disabled


def test_links_use_the_configured_base_url(wh, monkeypatch):
    monkeypatch.setenv("EBOK_BASE_URL", "https://ebok.example.pl/")
    reg(form())
    assert "https://ebok.example.pl/rejestracja?aktywacja=" in outbox.pending()[-1]["body"]


def test_approval_mail_says_what_to_do_next(wh):
    """Approved before activation: the e-mail asks to confirm the address, not to sign in."""
    reg(form())
    token = outbox.pending()[-1]["body"].split("aktywacja=")[1].split()[0]
    registration.approve(registration.pending()[0]["registration_id"], "admin")
    body = outbox.pending()[-1]["body"]
    assert "potwierdź jeszcze adres e-mail" in body and "Zaloguj się" not in body
    reg(form(username="maria.y", email="maria.y@example.com"), address="192.0.2.9")
    second = registration.pending()[0]
    token = outbox.pending()[-1]["body"].split("aktywacja=")[1].split()[0]
    registration.activate(token)
    registration.approve(second["registration_id"], "admin")
    assert "Zaloguj się: " in outbox.pending()[-1]["body"]


# --- one unit of work: a failure at any step leaves nothing behind ---------------------------------


@pytest.mark.parametrize(
    "table",
    ["registrations", "auth_tokens", "mail_outbox", "audit_log"],
)
def test_a_store_failure_leaves_no_account_and_a_retry_succeeds(wh, table):
    before_file, before_rows = uow.raw_auth_yaml(), uow.left_in_store()
    with uow.store_refuses(table), pytest.raises(exc.DBAPIError, match="awaria bazy"):
        reg(form())
    assert users.get("maria.z") is None and uow.raw_auth_yaml() == before_file
    assert uow.left_in_store() == before_rows
    result = reg(form())  # the same username again: not "taken"
    assert registration.pending()[0]["registration_id"] == result.registration_id
    assert users.get("maria.z").extra["registration_id"] == result.registration_id


def test_an_auth_yaml_write_failure_leaves_no_store_row(wh):
    before_file, before_rows = uow.raw_auth_yaml(), uow.left_in_store()
    with uow.auth_yaml_write_fails(), pytest.raises(OSError, match="dysk pełny"):
        reg(form())
    assert uow.raw_auth_yaml() == before_file and users.get("maria.z") is None
    assert uow.left_in_store() == before_rows
    assert reg(form()).registration_id


def test_a_failed_commit_takes_the_account_back_out_of_auth_yaml(wh, monkeypatch):
    reg(form(username="pierwsza", email="p@example.com"))  # auth.yaml exists with one user
    before_file, before_rows = uow.raw_auth_yaml(), uow.left_in_store()
    monkeypatch.setattr(registration.throttle, "record", lambda *a, **k: None)  # it commits on its own
    with uow.commit_fails(), pytest.raises(OSError, match="zerwane"):
        reg(form())
    assert uow.raw_auth_yaml() == before_file and users.get("maria.z") is None
    assert uow.left_in_store() == before_rows
    assert reg(form()).registration_id


def test_a_failed_approval_changes_neither_side(wh):
    reg(form())
    reg_id = registration.pending()[0]["registration_id"]
    with uow.store_refuses("mail_outbox"), pytest.raises(exc.DBAPIError):
        registration.approve(reg_id, "admin")
    assert registration.pending()[0]["status"] == "pending"
    assert users.get("maria.z").approved is False
    registration.approve(reg_id, "admin")  # the office simply tries again
    assert users.get("maria.z").approved and registration.pending() == []


def test_a_failed_activation_keeps_the_link_usable(wh):
    reg(form())
    token = outbox.pending()[-1]["body"].split("aktywacja=")[1].split()[0]
    with uow.store_refuses("audit_log"), pytest.raises(exc.DBAPIError):
        registration.activate(token)
    assert users.get("maria.z").email_verified is False
    assert registration.pending()[0]["email_verified_at"] is None
    assert "zatwierdzenie" in registration.activate(token)
    assert users.get("maria.z").email_verified and registration.pending()[0]["email_verified_at"] == T0
