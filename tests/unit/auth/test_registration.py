"""Remote registration: ledger proof, manual check, anti-bot checks, throttle, activation, office approval.

The tiny warehouse (tests/helpers/auth.py) gives every customer charges of 408,50 … 411,50 zł
(August–November 2026) and one payment of 400,00 zł; the proof accepts any of those amounts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import exc

from ebok.auth import registration, service, throttle, tokens, users
from ebok.core import clock, config
from ebok.core.errors import FormError
from ebok.storage import audit, outbox
from tests.helpers import unit_of_work as uow
from tests.helpers.auth import resident_warehouse
from tests.helpers.auth_admin import registration_row as uow_row

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
        amount="410,50",  # October's charge
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
        {"amount": "410,51"},  # not one of the amounts
        {"amount": "407,50"},  # July: not in the ledger at all
        {"customer_id": "L0999"},  # unknown customer: the same message
        {"customer_id": "X9-M1"},  # unknown premises number: the same message
        {"amount": "", "code": "ABCD-EFGH-JKMN"},  # the tiny export carries no codes
    ],
)
def test_wrong_proof_is_refused_with_one_message_and_counted(wh, changes):
    with pytest.raises(registration.ProofFailed) as err:
        reg(form(**changes))
    assert err.value.messages == [str(registration.PROOF_PROBLEM)]
    assert users.get("maria.z") is None and outbox.pending() == []
    assert audit.entries("registration_proof_failed")
    assert throttle.failures("register", client_address="192.0.2.1", now=T0) == 1


@pytest.mark.parametrize(
    "typed",
    ["410,50", "410.50", "410,5 zł", " 410,50 PLN ", "400", "-400,00", "409,50", "411,50"],
)
def test_any_of_the_last_charges_or_payments_proves_it(wh, typed):
    result = reg(form(amount=typed))
    row = uow_row(result.registration_id)
    assert (row["status"], row["proof_kind"], row["proof_matches"]) == ("pending", "amount", 1)
    assert not result.manual


def test_polish_amounts_are_parsed_exactly():
    d = Decimal
    assert registration.parse_amount("955,32") == d("955.32")
    assert registration.parse_amount("955.32") == d("955.32")
    assert registration.parse_amount("955,32 zł") == d("955.32")
    assert registration.parse_amount("1 234,56") == d("1234.56")
    assert registration.parse_amount("1\u00a0234,56 zł") == d("1234.56")
    assert registration.parse_amount("1.234,56") == d("1234.56")
    assert registration.parse_amount("-60,00") == d("-60.00")
    for unreadable in ("abc", "12,3,4", "1e3", "NaN", "", "12,"):
        assert registration.parse_amount(unreadable) is None, unreadable


def test_the_premises_number_names_the_customer(wh):
    reg(form(customer_id="l0002-m1"))
    assert users.get("maria.z").customer_id == "L0002"


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


def test_a_corrected_resend_is_not_too_fast(wh, monkeypatch):
    """The first send 1 s after the first render is refused; the corrected resend a second later passes."""
    ticks = iter([100.0, 101.0, 102.0])
    monkeypatch.setattr(registration.time, "monotonic", lambda: next(ticks))
    form_clock = registration.FormClock()  # first render at 100 s
    assert refused(form(repeat="literówka"), elapsed=form_clock.elapsed_at_send()) == [
        "Formularz wysłano zbyt szybko. Sprawdź dane i wyślij ponownie."
    ]
    assert form_clock.elapsed_at_send() is None  # a resend is never timed again
    assert reg(form(), elapsed=None).registration_id


def test_a_new_challenge_has_a_new_key():
    keys = {registration.new_challenge().key for _ in range(20)}
    assert len(keys) == 20


def test_every_refused_field_is_named_at_once(wh):
    with pytest.raises(FormError) as err:
        reg(
            form(
                customer_id="x 1",
                email="zly",
                username="A",
                password="qwerty123",
                repeat="inne",
                amount="dużo",
                accept_regulations=False,
                bot_answer="",
            )
        )
    assert not isinstance(err.value, registration.ProofFailed)
    assert [p.field for p in err.value.problems] == [
        "Pytanie kontrolne",
        "Symbol klienta lub numer lokalu",
        "E-mail",
        "Nazwa użytkownika",
        "Kwota",
        "Hasło",
        "Powtórz hasło",
        "Regulamin",
    ]
    assert (
        "Symbol klienta lub numer lokalu: podaj symbol klienta (np. L0001) albo numer lokalu "
        "(np. B0001/M001) z rachunku lub zawiadomienia." in err.value.messages
    )
    assert users.get("a") is None and outbox.pending() == []


def test_a_proof_is_required(wh):
    assert refused(form(amount="  ", code="")) == [
        "Dowód: podaj kwotę jednej z ostatnich opłat lub wpłat albo kod rejestracji z rachunku."
    ]


def test_a_taken_username_is_refused_by_name(wh):
    reg(form())
    assert refused(form(email="inna@example.com"), address="192.0.2.5") == [
        "Nazwa użytkownika: jest już zajęta, wybierz inną."
    ]


def test_a_made_up_proof_does_not_tell_whether_a_username_exists(wh):
    reg(form())  # the username of form() now exists
    answers = []
    for username in (form().username, "ktos.nowy"):  # taken, then free: the same made-up proof
        with pytest.raises(registration.ProofFailed) as err:
            reg(form(username=username, email=f"{username}@example.com", amount="1,23"), address="192.0.2.7")
        answers.append(err.value.messages)
    assert answers[0] == answers[1] == [f"Dowód: {registration.PROOF_PROBLEM.message}"]


def test_failed_proofs_are_throttled_per_address_but_the_office_can_still_be_asked(wh):
    for i in range(5):
        with pytest.raises(registration.ProofFailed):
            reg(form(amount="1,00", username=f"proba{i}"), address="198.51.100.9")
    assert refused(form(), address="198.51.100.9") == [registration.THROTTLED]
    assert reg(form(), address="198.51.100.10").registration_id
    asked = registration.register(form(username="proba9", amount="1,00"), CH, "198.51.100.9", manual=True)
    assert asked.manual


def test_corrections_of_other_fields_do_not_use_up_the_attempts(wh):
    for _ in range(6):
        assert refused(form(repeat="inne"), address="198.51.100.20") == ["Powtórz hasło: hasła się różnią."]
    assert reg(form(), address="198.51.100.20").registration_id


def test_a_failed_proof_can_go_to_the_office_for_a_manual_check(wh):
    config.save(config.replace_section(config.load(), "registration", auto_approve_when_proof_matches=True))
    with pytest.raises(registration.ProofFailed):
        reg(form(amount="999,99"))
    result = registration.register(form(amount="999,99"), CH, "192.0.2.1", manual=True)
    assert result.manual and not result.auto_approved  # never approved automatically
    row = uow_row(result.registration_id)
    assert (row["status"], row["proof_matches"], row["proof_amount"]) == ("manual", 0, Decimal("999.99"))
    waiting = registration.pending()
    assert [r["registration_id"] for r in waiting] == [result.registration_id]
    body = outbox.pending()[-1]["body"]
    assert "sprawdzi ręcznie biuro" in body and "/rejestracja?aktywacja=" in body
    assert audit.entries("registration_submitted", "maria.z")[0]["details"]["manual_check"] is True
    token = body.split("aktywacja=")[1].split()[0]
    assert "zatwierdzenie" in registration.activate(token)
    assert not service.authenticate("maria.z", "Pelargonie-Na-Oknie-7", None).ok
    registration.approve(result.registration_id, "admin")
    assert service.authenticate("maria.z", "Pelargonie-Na-Oknie-7", None).ok


def test_a_manual_request_for_an_unknown_customer_keeps_what_was_typed(wh):
    result = registration.register(form(customer_id="L0999", amount=""), CH, "192.0.2.1", manual=True)
    row = uow_row(result.registration_id)
    assert (row["customer_id"], row["name"], row["proof_kind"]) == ("L0999", "maria.z", "none")


def test_manual_requests_are_throttled_too(wh):
    for i in range(5):
        registration.register(form(username=f"wniosek{i}"), CH, "198.51.100.30", manual=True)
    with pytest.raises(FormError) as err:
        registration.register(form(), CH, "198.51.100.30", manual=True)
    assert err.value.messages == [registration.THROTTLED_MANUAL]


def test_the_thanks_say_the_mail_will_be_sent():
    for result in (
        registration.Registered("r"),
        registration.Registered("r", auto_approved=True),
        registration.Registered("r", manual=True),
    ):
        text = registration.thanks(result, " jan@example.com ")
        assert "Na adres jan@example.com zostanie wysłany e-mail" in text
        assert "Wysłaliśmy" not in text
    assert "do biura do sprawdzenia" in registration.thanks(
        registration.Registered("r", manual=True), "a@b.pl"
    )


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
