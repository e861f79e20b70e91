"""The notification receiver alone: health, forgery, replay, size limit, client address; end to end."""

from __future__ import annotations

import json
import threading
import time

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from ebok.domain import gateways, online_payments
from ebok.receiver.app import MAX_BODY, create_app
from ebok.storage import audit
from tests.helpers.payments import configure, new_fake, serving


@pytest.fixture
def client():
    with TestClient(create_app(), client=("127.0.0.1", 50000)) as test_client:
        yield test_client


@pytest.fixture
def p24(monkeypatch):
    monkeypatch.setattr(gateways, "timeout", httpx.Timeout(2.0))
    fake = new_fake()
    fake.failures = {"no_notify"}  # the tests post the notifications themselves
    with serving(fake.app) as url:
        configure("przelewy24", url)
        yield fake


def _paid(fake) -> tuple[str, bytes]:
    payment, _ = online_payments.start(
        "0001", "anna.nowak", 4321, [], "anna@example.pl", "10.0.0.1", "http://p/"
    )
    t = fake.pay(payment.payment_id)
    return payment.payment_id, fake.p24_notification(t)


def test_health(client):
    response = client.get("/platnosci/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_unknown_gateway_path_and_wrong_method(client):
    assert client.post("/platnosci/paypal", content=b"{}").status_code == 404
    assert client.get("/platnosci/przelewy24").status_code == 405


def test_a_notification_is_applied_once_then_replayed(client, p24):
    payment_id, body = _paid(p24)
    first = client.post("/platnosci/przelewy24", content=body, headers={"X-Real-IP": "203.0.113.5"})
    assert (first.status_code, first.text) == (200, "OK")
    assert online_payments.get(payment_id, "0001").status == "confirmed"
    again = client.post("/platnosci/przelewy24", content=body)
    assert again.status_code == 200
    kinds = [(e["kind"], e["remote_addr"]) for e in reversed(online_payments.events(payment_id))]
    # nginx (a local peer) forwards the gateway's address in X-Real-IP
    assert kinds == [("registered", None), ("accepted", "203.0.113.5"), ("replayed", "127.0.0.1")]


def test_forged_notifications_are_refused(client, p24):
    payment_id, body = _paid(p24)
    note = json.loads(body)
    tampered = json.dumps({**note, "amount": note["amount"] + 100}).encode()
    assert client.post("/platnosci/przelewy24", content=tampered).status_code == 400
    assert client.post("/platnosci/przelewy24", content=b"not json").status_code == 400
    assert client.post("/platnosci/payu", content=body).status_code == 400  # not the configured gateway
    assert online_payments.get(payment_id, "0001").status == "pending"
    reasons = [e["detail"]["reason"] for e in online_payments.events() if e["kind"] == "refused"]
    assert sorted(reasons) == ["bad_signature", "bad_signature", "gateway_not_configured"]


def test_a_peer_that_is_not_local_cannot_claim_another_address(p24):
    payment_id, body = _paid(p24)
    with TestClient(create_app(), client=("198.51.100.1", 40000)) as remote:
        remote.post("/platnosci/przelewy24", content=body, headers={"X-Real-IP": "10.9.9.9"})
    assert online_payments.events(payment_id)[0]["remote_addr"] == "198.51.100.1"


def test_oversized_body_is_refused_before_parsing(client):
    big = b"x" * (MAX_BODY + 1)
    assert client.post("/platnosci/przelewy24", content=big).status_code == 413
    assert online_payments.events() == []


def test_end_to_end_over_http_with_replay(monkeypatch):
    """The fake pays and POSTs its signed notifications (twice) to a real receiver on a real port."""
    monkeypatch.setattr(gateways, "timeout", httpx.Timeout(2.0))
    fake = new_fake()
    fake.failures = {"replay"}
    fake.notify_delay = 0.05
    with serving(create_app()) as receiver_url, serving(fake.app) as fake_url:
        configure("przelewy24", fake_url, notify_base_url=receiver_url)
        payment, redirect = online_payments.start(
            "0001", "anna.nowak", 4321, [], "anna@example.pl", "10.0.0.1", "http://portal/platnosc"
        )
        page = httpx.get(redirect)
        assert page.status_code == 200 and "Zapłać" in page.text and "43,21 PLN" in page.text
        back = httpx.post(redirect, data={"action": "pay"})
        assert back.status_code == 303
        assert back.headers["location"] == f"http://portal/platnosc?platnosc={payment.payment_id}"
        deadline = time.monotonic() + 10
        while len(online_payments.events(payment.payment_id)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    kinds = sorted(e["kind"] for e in online_payments.events(payment.payment_id))
    assert kinds == ["accepted", "registered", "replayed"]
    assert online_payments.get(payment.payment_id, "0001").status == "confirmed"


def test_a_validly_signed_notification_with_another_amount_is_refused(client, p24):
    payment_id, _ = _paid(p24)
    t = p24.find(payment_id)
    body = p24.p24_notification(t, amount=t.amount + 1)  # signed correctly, one grosz more
    response = client.post("/platnosci/przelewy24", content=body)
    assert response.status_code == 400
    after = online_payments.get(payment_id, "0001")
    assert after.status == "pending" and "kwota" in after.problem
    assert t.state == "paid"  # never verified with the gateway
    (refused,) = [e for e in online_payments.events(payment_id) if e["kind"] == "refused"]
    assert (refused["detail"]["reason"], refused["detail"]["got"]) == ("amount_mismatch", 4322)


def test_the_same_notification_twice_at_once_over_http_gives_one_payment(p24):
    """Two deliveries of one notification race through a real receiver (uvicorn, worker threads)."""
    payment_id, body = _paid(p24)
    barrier = threading.Barrier(2)
    answers: list[int] = []

    def deliver(url: str) -> None:
        barrier.wait()
        answers.append(httpx.post(f"{url}/platnosci/przelewy24", content=body, timeout=10).status_code)

    with serving(create_app()) as url:
        threads = [threading.Thread(target=deliver, args=(url,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert answers == [200, 200]
    assert online_payments.get(payment_id, "0001").status == "confirmed"
    kinds = sorted(e["kind"] for e in online_payments.events(payment_id))
    assert kinds == ["accepted", "registered", "replayed"]
    assert len(audit.entries("online_payment_confirmed")) == 1
