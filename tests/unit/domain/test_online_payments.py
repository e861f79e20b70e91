"""Online payments: start, notifications (replay, forgery, concurrency), expiry, booking, export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading

import duckdb
import httpx2 as httpx
import pytest

from ebok import cli
from ebok.core import clock
from ebok.core.errors import FormError
from ebok.domain import gateways, online_payments
from ebok.domain.gateways import base, payu
from ebok.storage import audit
from tests.helpers.payments import configure, new_fake, serving
from tests.helpers.stores import empty_store_url

NOW = dt.datetime(2026, 12, 3, 18, 0)


@pytest.fixture
def fixed_clock():
    moment = {"now": NOW}
    clock.set_clock(lambda: moment["now"])
    yield moment
    clock.set_clock(None)


def _notifier(outcomes: list):
    """Deliver the fake's notifications straight to the domain, as the receiver would."""

    def deliver(url: str, headers: dict[str, str], body: bytes) -> None:
        outcomes.append(
            online_payments.handle_notification(url.rsplit("/", 1)[1], headers, body, "192.0.2.7")
        )

    return deliver


@pytest.fixture
def p24(monkeypatch, fixed_clock):
    """Przelewy24 through the fake; notifications delivered synchronously to the domain."""
    monkeypatch.setattr(base, "_BACKOFF", 0.01)
    monkeypatch.setattr(gateways, "timeout", httpx.Timeout(1.0))
    outcomes: list = []
    fake = new_fake(notify=_notifier(outcomes))
    fake.notify_delay = 0
    with serving(fake.app) as url:
        configure("przelewy24", url)
        yield fake, outcomes


@pytest.fixture
def payu_fake(monkeypatch, fixed_clock):
    payu.clear_tokens()
    monkeypatch.setattr(gateways, "timeout", httpx.Timeout(1.0))
    outcomes: list = []
    fake = new_fake(notify=_notifier(outcomes))
    fake.notify_delay = 0
    with serving(fake.app) as url:
        configure("payu", url)
        yield fake, outcomes
    payu.clear_tokens()


def _start(amount: int = 12345, premises: str = "0001", invoices=("FV/2026/11/0001",)):
    return online_payments.start(
        premises,
        "anna.nowak",
        amount,
        list(invoices),
        "anna@example.pl",
        "10.0.0.1",
        "http://portal/platnosc",
    )


def _kinds(payment_id: str) -> list[str]:
    return [e["kind"] for e in reversed(online_payments.events(payment_id))]


# --- start --------------------------------------------------------------------------------------


def test_disabled_or_unkeyed_payments_cannot_start(data_dir):
    assert not online_payments.enabled()
    with pytest.raises(FormError) as exc:
        _start()
    assert exc.value.fields == {"Płatność online"}


def test_amounts_outside_the_limits_or_not_whole_grosze_are_refused(p24):
    assert online_payments.limits() == (100, 2_000_000)
    for bad in (99, 2_000_001, 0, -500, 12.5, "12345"):
        with pytest.raises(FormError) as exc:
            _start(bad)
        assert exc.value.fields == {"Kwota"}
    with pytest.raises(FormError) as exc:
        online_payments.start("0001", "anna.nowak", 12345, [], " ", "10.0.0.1", "http://portal/x")
    assert exc.value.fields == {"E-mail"}
    assert online_payments.search() == []


def test_start_registers_once_and_returns_the_gateway_redirect(p24):
    fake, _ = p24
    payment, redirect = _start(100)  # the smallest amount the office allows is accepted
    assert online_payments.PAYMENT_ID_RE.fullmatch(payment.payment_id)
    assert payment.status == "pending" and payment.amount_grosze == 100 and payment.amount == 1
    token = next(iter(fake.transactions))
    assert redirect.endswith(f"/trnRequest/{token}")
    sent = fake.transactions[token].request
    assert sent["urlReturn"] == f"http://portal/platnosc?platnosc={payment.payment_id}"
    assert sent["urlStatus"] == "http://127.0.0.1:9/platnosci/przelewy24"
    assert payment.title in sent["description"]
    assert fake.registrations == [payment.payment_id]
    assert _kinds(payment.payment_id) == ["registered"]
    assert online_payments.get(payment.payment_id, "0002") is None  # another premises never sees it


def test_return_url_placeholder():
    assert online_payments.return_url_for("http://p/platnosc/{payment_id}", "EB1") == "http://p/platnosc/EB1"
    assert online_payments.return_url_for("http://p/x?a=1", "EB1") == "http://p/x?a=1&platnosc=EB1"


# --- notifications ---------------------------------------------------------------------------------


def test_paid_notification_confirms_once_and_a_replay_changes_nothing(p24, fixed_clock):
    fake, outcomes = p24
    payment, _ = _start()
    fake.failures = {"replay"}
    fixed_clock["now"] = NOW + dt.timedelta(minutes=3)
    t = fake.pay(payment.payment_id)
    assert [o.outcome for o in outcomes] == ["accepted", "replayed"]
    assert [o.status_code for o in outcomes] == [200, 200]
    confirmed = online_payments.get(payment.payment_id, "0001")
    assert confirmed.status == "confirmed" and confirmed.gateway_ref == t.order_id
    assert confirmed.confirmed_at == NOW + dt.timedelta(minutes=3) and confirmed.is_pending_booking
    assert t.state == "verified"  # the mandatory verify was made
    fixed_clock["now"] = NOW + dt.timedelta(hours=1)
    again = online_payments.handle_notification("przelewy24", {}, fake.sent[0][2], "192.0.2.7")
    assert again.outcome == "replayed"
    assert online_payments.get(payment.payment_id, "0001") == confirmed
    assert len(audit.entries("online_payment_confirmed")) == 1
    assert _kinds(payment.payment_id) == ["registered", "accepted", "replayed", "replayed"]


def test_forged_notifications_are_refused_logged_and_audited(p24):
    fake, outcomes = p24
    payment, _ = _start()
    fake.failures = {"bad_signature"}
    fake.pay(payment.payment_id)
    assert [(o.status_code, o.outcome, o.reason) for o in outcomes] == [(400, "refused", "bad_signature")]
    assert online_payments.get(payment.payment_id, "0001").status == "pending"
    refused = [e for e in online_payments.events() if e["kind"] == "refused"]
    assert refused[0]["remote_addr"] == "192.0.2.7" and refused[0]["detail"]["reason"] == "bad_signature"
    assert audit.entries("online_payment_refused")[0]["details"]["reason"] == "bad_signature"


def test_a_validly_signed_notification_for_an_unknown_session_is_refused(p24):
    fake, _ = p24
    payment, _ = _start()
    t = fake.find(payment.payment_id)
    t.session_id = "EB000000000FORGE"  # signed correctly, but not one of ours
    t.state = "paid"
    result = online_payments.handle_notification("przelewy24", {}, fake.p24_notification(t), "192.0.2.9")
    assert (result.status_code, result.reason) == (400, "unknown_session")
    assert audit.entries("online_payment_refused")[0]["details"]["payment"] == "EB000000000FORGE"


def test_amount_mismatch_is_refused_and_marked_on_the_payment(p24):
    fake, outcomes = p24
    payment, _ = _start(12345)
    fake.failures = {"amount_mismatch"}
    t = fake.pay(payment.payment_id)
    assert [o.reason for o in outcomes] == ["amount_mismatch"]
    after = online_payments.get(payment.payment_id, "0001")
    assert after.status == "pending" and "kwota" in after.problem
    assert t.state == "paid"  # never verified: the gateway still holds it unconfirmed
    assert [p.payment_id for p in online_payments.search(problems_only=True)] == [payment.payment_id]


def test_currency_mismatch_is_refused(p24):
    fake, _ = p24
    payment, _ = _start()
    t = fake.find(payment.payment_id)
    t.state, t.currency = "paid", "EUR"
    result = online_payments.handle_notification("przelewy24", {}, fake.p24_notification(t), None)
    assert result.reason == "currency_mismatch"
    assert online_payments.get(payment.payment_id, "0001").status == "pending"


def test_notification_for_a_gateway_not_configured_is_refused(p24):
    result = online_payments.handle_notification("payu", {}, b"{}", "192.0.2.1")
    assert (result.status_code, result.reason) == (400, "gateway_not_configured")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, data_dir, monkeypatch):
    """The store on SQLite, and on PostgreSQL when EBOK_TEST_PG_URL names a server."""
    with empty_store_url(request.param, data_dir, "payments") as url:
        monkeypatch.setenv("EBOK_STORE_URL", url)
        yield request.param


def test_the_same_notification_twice_at_once_gives_one_payment(backend, p24):
    fake, _ = p24
    payment, _ = _start()
    fake.failures = {"no_notify"}
    t = fake.pay(payment.payment_id)
    body = fake.p24_notification(t)
    barrier = threading.Barrier(2)
    results = []

    def deliver() -> None:
        barrier.wait()
        results.append(online_payments.handle_notification("przelewy24", {}, body, "192.0.2.7"))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.outcome for r in results) == ["accepted", "replayed"]
    assert online_payments.get(payment.payment_id, "0001").status == "confirmed"
    assert sorted(_kinds(payment.payment_id)) == ["accepted", "registered", "replayed"]
    assert len(audit.entries("online_payment_confirmed")) == 1


def test_verify_failure_asks_the_gateway_to_send_again(p24):
    fake, _ = p24
    payment, _ = _start()
    fake.failures = {"no_notify"}
    t = fake.pay(payment.payment_id)
    fake.failures = {"server_error"}
    result = online_payments.handle_notification("przelewy24", {}, fake.p24_notification(t), None)
    assert (result.status_code, result.outcome) == (503, "retry")
    assert online_payments.get(payment.payment_id, "0001").status == "pending"
    fake.failures = set()
    assert (
        online_payments.handle_notification("przelewy24", {}, fake.p24_notification(t), None).outcome
        == "accepted"
    )


def test_notification_before_the_resident_returns(p24):
    fake, outcomes = p24
    fake.notify_delay = 5  # the normal notification would come later…
    fake.failures = {"early_notify"}  # …but this one arrives before the redirect
    payment, _ = _start()
    fake.pay(payment.payment_id)
    assert [o.outcome for o in outcomes] == ["accepted"]
    assert online_payments.refresh(payment.payment_id, "0001").status == "confirmed"


# --- register failures, status checks and expiry -------------------------------------------------


@pytest.mark.parametrize("failure", ["timeout", "server_error"])
def test_gateway_down_on_register_never_registers_twice(p24, failure, fixed_clock):
    fake, _ = p24
    fake.failures, fake.delay = {failure}, 1.5
    with pytest.raises(online_payments.GatewayUnavailable) as exc:
        _start()
    assert "Nic nie zostało pobrane" in str(exc.value)
    [stuck] = online_payments.search()
    assert stuck.status == "new" and stuck.problem.startswith("rejestracja")
    assert fake.calls.count("POST /api/v1/transaction/register") == 1
    # The timed-out registration reached the gateway; nobody was sent to pay it: it expires.
    fake.failures = set()
    fixed_clock["now"] = NOW + dt.timedelta(minutes=41)
    assert online_payments.expire_stale() == 1
    assert online_payments.get(stuck.payment_id, "0001").status == "expired"
    assert fake.calls.count("POST /api/v1/transaction/register") == 1


def test_expiry_asks_the_gateway_first(p24, fixed_clock):
    fake, _ = p24
    fake.failures = {"no_notify"}
    paid, _ = _start(10000)
    unpaid, _ = _start(20000)
    young, _ = _start(30000)
    fake.pay(paid.payment_id)
    # 30 minutes for the resident + 10 minutes' grace: the first two are past it, the third is not.
    fixed_clock["now"] = NOW + dt.timedelta(minutes=40, seconds=1)
    clock_now = fixed_clock["now"]
    with online_payments.store.engine().begin() as con:
        con.execute(
            online_payments.T.update()
            .where(online_payments.T.c.payment_id == young.payment_id)
            .values(created_at=clock_now - dt.timedelta(minutes=5))
        )
    assert online_payments.expire_stale() == 1
    assert online_payments.get(paid.payment_id, "0001").status == "confirmed"
    assert online_payments.get(unpaid.payment_id, "0001").status == "expired"
    assert online_payments.get(young.payment_id, "0001").status == "pending"
    assert fake.find(paid.payment_id).state == "verified"


def test_expiry_waits_while_the_gateway_cannot_answer(p24, fixed_clock):
    fake, _ = p24
    payment, _ = _start()
    fake.failures = {"server_error"}
    fixed_clock["now"] = NOW + dt.timedelta(hours=2)
    assert online_payments.expire_stale() == 0
    assert online_payments.get(payment.payment_id, "0001").status == "pending"
    assert "status_failed" in _kinds(payment.payment_id)


def test_a_late_notification_still_confirms_an_expired_payment(p24, fixed_clock):
    fake, _ = p24
    payment, _ = _start()
    fixed_clock["now"] = NOW + dt.timedelta(hours=1)
    assert online_payments.expire_stale() == 1
    fake.failures = {"no_notify"}
    t = fake.pay(payment.payment_id)  # the bank transfer arrived late
    result = online_payments.handle_notification("przelewy24", {}, fake.p24_notification(t), None)
    assert result.outcome == "accepted"
    assert online_payments.get(payment.payment_id, "0001").status == "confirmed"


def test_refresh_without_notification_confirms_from_the_status_api(p24):
    fake, _ = p24
    payment, _ = _start()
    fake.failures = {"no_notify"}
    fake.pay(payment.payment_id)
    assert online_payments.get(payment.payment_id, "0001").status == "pending"
    assert online_payments.refresh(payment.payment_id, "0001").status == "confirmed"
    assert online_payments.refresh(payment.payment_id, "0002") is None


def test_payu_completed_and_cancelled(payu_fake):
    fake, outcomes = payu_fake
    paid, redirect = _start(5000)
    assert redirect.endswith(f"/payu/pay/{paid.gateway_ref}")
    fake.pay(paid.payment_id)
    assert [o.outcome for o in outcomes] == ["replayed", "accepted"]  # PENDING (already pending), COMPLETED
    assert online_payments.get(paid.payment_id, "0001").status == "confirmed"
    dropped, _ = _start(6000)
    fake.pay(dropped.payment_id, "cancel")
    assert online_payments.get(dropped.payment_id, "0001").status == "cancelled"


# --- each provider's fake, made to fail as the issue lists ---------------------------------------

REGISTER_CALL = {"przelewy24": "POST /api/v1/transaction/register", "payu": "POST /api/v2_1/orders"}


@pytest.fixture(params=["przelewy24", "payu"])
def provider(request, monkeypatch, fixed_clock):
    """Each provider's fake; its notifications delivered synchronously to the domain."""
    monkeypatch.setattr(base, "_BACKOFF", 0.01)
    monkeypatch.setattr(gateways, "timeout", httpx.Timeout(1.0))
    payu.clear_tokens()
    outcomes: list = []
    fake = new_fake(notify=_notifier(outcomes))
    fake.notify_delay = 0
    with serving(fake.app) as url:
        configure(request.param, url)
        yield request.param, fake, outcomes
    payu.clear_tokens()


def test_each_fake_with_a_wrong_signature_is_refused(provider):
    name, fake, outcomes = provider
    payment, _ = _start()
    fake.failures = {"bad_signature"}
    fake.pay(payment.payment_id)
    assert outcomes and {(o.status_code, o.reason) for o in outcomes} == {(400, "bad_signature")}
    assert online_payments.get(payment.payment_id, "0001").status == "pending"
    assert len(audit.entries("online_payment_refused")) == len(outcomes)


def test_each_fake_replaying_its_notification_confirms_once(provider):
    name, fake, outcomes = provider
    payment, _ = _start()
    fake.failures = {"replay"}
    fake.pay(payment.payment_id)
    assert [o.outcome for o in outcomes][-2:] == ["accepted", "replayed"]
    assert online_payments.get(payment.payment_id, "0001").status == "confirmed"
    assert len(audit.entries("online_payment_confirmed")) == 1


def test_each_fake_with_another_amount_leaves_the_payment_unconfirmed(provider):
    name, fake, outcomes = provider
    payment, _ = _start(12345)
    fake.failures = {"amount_mismatch"}
    fake.pay(payment.payment_id)
    assert outcomes[-1].reason == "amount_mismatch"
    after = online_payments.get(payment.payment_id, "0001")
    assert after.status == "pending" and "kwota" in after.problem
    assert audit.entries("online_payment_confirmed") == []


def test_each_fake_notifying_before_the_resident_returns(provider):
    name, fake, outcomes = provider
    fake.notify_delay = 5  # a normal notification would come later; this one comes before the redirect
    fake.failures = {"early_notify"}
    payment, _ = _start()
    fake.pay(payment.payment_id)
    assert outcomes[-1].outcome == "accepted"
    assert online_payments.get(payment.payment_id, "0001").status == "confirmed"


def test_each_fake_without_notifications_status_api_then_expiry(provider, fixed_clock):
    name, fake, outcomes = provider
    fake.failures = {"no_notify"}
    paid, _ = _start(10000)
    unpaid, _ = _start(20000)
    fake.pay(paid.payment_id)
    assert outcomes == []
    fixed_clock["now"] = NOW + dt.timedelta(minutes=41)  # 30 minutes to pay + 10 minutes' grace
    assert online_payments.expire_stale() == 1
    assert online_payments.get(paid.payment_id, "0001").status == "confirmed"
    assert online_payments.get(unpaid.payment_id, "0001").status == "expired"
    assert online_payments.expire_stale() == 0  # nothing stays open


@pytest.mark.parametrize("failure", ["timeout", "server_error"])
def test_each_fake_down_on_register_never_pays_twice(provider, failure):
    name, fake, _ = provider
    fake.failures, fake.delay = {failure}, 1.5
    with pytest.raises(online_payments.GatewayUnavailable):
        _start()
    [stuck] = online_payments.search()
    assert stuck.status == "new" and stuck.problem.startswith("rejestracja")
    assert fake.calls.count(REGISTER_CALL[name]) == 1


# --- pending display, booking and export ---------------------------------------------------------


def _confirmed(fake, amounts, premises="0001"):
    ids = []
    for amount in amounts:
        payment, _ = _start(amount, premises)
        fake.pay(payment.payment_id)
        ids.append(payment.payment_id)
    return ids


def test_unbooked_confirmed_and_booking_by_a_load(p24, tmp_path):
    fake, _ = p24
    by_ref, by_title, waiting = _confirmed(fake, [10000, 2550, 777])
    _start(999)  # pending, never counted
    assert online_payments.unbooked_total_grosze("0001") == 10000 + 2550 + 777
    wh = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(wh))
    con.execute("CREATE TABLE ledger (kind VARCHAR, description VARCHAR, payment_ref VARCHAR)")
    con.executemany(
        "INSERT INTO ledger VALUES (?, ?, ?)",
        [
            ("payment", "Wpłata online", by_ref.lower()),
            ("payment", f"Przelew e-BOK {by_title} z 03.12.2026", None),
            ("invoice", f"Faktura {waiting}", None),  # an invoice text never books a payment
            ("payment", "Wpłata e-BOK EB000000000OTHER", None),
        ],
    )
    con.close()
    assert online_payments.book_load("L1", wh) == 2
    assert [p.payment_id for p in online_payments.unbooked_confirmed("0001")] == [waiting]
    assert online_payments.unbooked_total_grosze("0001") == 777
    assert online_payments.book_load("L2", wh) == 0  # booked once, by the first load
    assert online_payments.get(by_ref, "0001").booked_load == "L1"


def test_book_load_never_fails_the_load(p24, tmp_path):
    fake, _ = p24
    _confirmed(fake, [100])
    assert online_payments.book_load("L1", tmp_path / "missing.duckdb") == 0


def test_export_each_confirmed_payment_exactly_once(p24, fixed_clock):
    fake, _ = p24
    first = _confirmed(fake, [123456, 105])
    _start(999)  # pending: not exported
    batch = online_payments.export_batch("biuro")
    assert batch.rows == 2 and batch.total_grosze == 123456 + 105
    rows = list(csv.reader(io.StringIO(batch.content.decode("utf-8")), delimiter=";"))
    assert rows[0] == list(online_payments.EXPORT_COLUMNS)
    # Same confirmation moment (the clock stands still): ordered by payment id.
    assert [(r[0], r[1], r[2], r[3], r[7], r[8]) for r in rows[1:]] == sorted(
        [
            (first[0], "0001", "1234,56", "PLN", f"e-BOK {first[0]}", "FV/2026/11/0001"),
            (first[1], "0001", "1,05", "PLN", f"e-BOK {first[1]}", "FV/2026/11/0001"),
        ]
    )
    assert rows[1][4] == "2026-12-03 19:00:00"  # Polish local time of 18:00 UTC
    assert online_payments.export_batch("biuro") is None  # nothing new: exported once
    later = _confirmed(fake, [300])
    second = online_payments.export_batch("biuro")
    assert second.rows == 1 and later[0] in second.content.decode()
    assert online_payments.batch_csv(batch.batch_id) == batch.content  # downloaded again, unchanged
    assert [b.batch_id for b in online_payments.batches()] == sorted(
        [batch.batch_id, second.batch_id], reverse=True
    )
    with pytest.raises(KeyError):
        online_payments.batch_csv("nie-ma")
    exported = audit.entries("online_payments_exported")
    assert [e["details"]["rows"] for e in exported] == [1, 2]


def test_status_labels_and_search_filters(p24):
    fake, _ = p24
    [done] = _confirmed(fake, [100])
    _start(200, premises="0002")
    assert online_payments.STATUS_LABELS["pending"] == "czeka na potwierdzenie"
    assert online_payments.get(done, "0001").label == "opłacona"
    assert [p.premises_id for p in online_payments.search(status="pending")] == ["0002"]
    assert [p.payment_id for p in online_payments.search(premises_id="0001")] == [done]
    assert online_payments.search(date_from=NOW.date() + dt.timedelta(days=1)) == []
    assert len(online_payments.search(date_from=NOW.date(), date_to=NOW.date())) == 2
    assert json.loads(json.dumps(online_payments.events(done)[0]["detail"]))  # JSON detail decoded


def test_cli_payments_check(p24, fixed_clock, capsys):
    _start()
    fixed_clock["now"] = NOW + dt.timedelta(hours=1)
    assert cli.main(["payments", "check"]) == 0
    assert "Wygasłe płatności: 1; nadal czeka na potwierdzenie: 0." in capsys.readouterr().out


def _recorded_announcements(monkeypatch) -> list:
    """Record the notifications hook's calls (the premises' customer is L0001)."""
    calls: list = []

    class Info:
        customer_id = "L0001"

    monkeypatch.setattr(online_payments.finance, "premises_info", lambda premises_id, today: Info())
    monkeypatch.setattr(
        online_payments.notifications,
        "payment_result",
        lambda customer, premises, pid, ok, amount, reason="", lang=None: calls.append(
            (customer, premises, pid, ok, amount, lang)
        ),
    )
    return calls


def test_a_confirmed_payment_is_announced_once_and_a_mail_failure_changes_nothing(p24, monkeypatch):
    fake, _outcomes = p24
    calls = _recorded_announcements(monkeypatch)
    paid, _ = _start(12345)
    fake.failures = {"replay"}
    fake.pay(paid.payment_id)
    assert calls == [("L0001", "0001", paid.payment_id, True, "123,45 zł", "pl")]  # the replay adds nothing

    def broken(*_args, **_kwargs):
        raise RuntimeError("SMTP queue down")

    monkeypatch.setattr(online_payments.notifications, "payment_result", broken)
    fake.failures = set()
    other, _ = _start(700)
    fake.pay(other.payment_id)
    assert online_payments.get(other.payment_id, "0001").status == "confirmed"


def test_a_cancelled_payment_is_announced_as_failed(payu_fake, monkeypatch):
    fake, _outcomes = payu_fake
    calls = _recorded_announcements(monkeypatch)
    dropped, _ = _start(6000)
    fake.pay(dropped.payment_id, "cancel")
    assert calls == [("L0001", "0001", dropped.payment_id, False, "60,00 zł", "pl")]


def test_the_announcement_is_written_in_the_residents_language(p24, monkeypatch):
    """Anna chose Ukrainian: the bank's answer reaches her in it, whatever language the request ran in."""
    from ebok.auth import language

    fake, _outcomes = p24
    calls = _recorded_announcements(monkeypatch)
    language.save("anna.nowak", "L0001", "uk")
    paid, _ = _start(123456)
    fake.pay(paid.payment_id)
    assert calls == [("L0001", "0001", paid.payment_id, True, "1\xa0234,56 zł", "uk")]
