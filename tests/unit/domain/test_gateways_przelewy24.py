"""Przelewy24 REST v1 adapter: the documented signs, register, notification, verify, status.

Vectors: the documentation defines each sign as SHA-384 of a JSON object with a fixed key order,
encoded as json_encode(..., JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES) (developers.przelewy24.pl;
the same field lists are in Przelewy24's OpenAPI, e.g. TransactionResult, TransactionVerificationBody).
The documentation publishes no computed sign, so each expected digest here is hashlib over a JSON
text written out by hand: compact, keys in the documented order, "/" and "ó" as they are.
"""

from __future__ import annotations

import hashlib
import json

import httpx2 as httpx
import pytest

from ebok.domain import gateways
from ebok.domain.gateways import base, przelewy24
from ebok.domain.gateways.base import GatewayError, PaymentRequest, SignatureError
from tests.helpers.payments import KEYS, new_fake, serving

CRC = KEYS.crc  # "test-crc/ó"


def _sha384(text: str) -> str:
    return hashlib.sha384(text.encode("utf-8")).hexdigest()


def test_register_sign_is_sha384_of_the_documented_compact_json():
    values = {
        "sessionId": "EB26120312AB34CD",
        "merchantId": 100200,
        "amount": 12345,
        "currency": "PLN",
        "crc": CRC,
    }
    written = '{"sessionId":"EB26120312AB34CD","merchantId":100200,"amount":12345,"currency":"PLN","crc":"test-crc/ó"}'
    assert przelewy24.sign(values, przelewy24.REGISTER_SIGN) == _sha384(written)
    # What a default json.dumps would sign (spaces, \u00f3) is a different, wrong digest.
    assert przelewy24.sign(values, przelewy24.REGISTER_SIGN) != _sha384(json.dumps(values))


def test_sign_takes_the_documented_key_order_not_the_dict_order():
    values = {"crc": CRC, "currency": "PLN", "amount": 100, "merchantId": 1, "sessionId": "EB1"}
    written = '{"sessionId":"EB1","merchantId":1,"amount":100,"currency":"PLN","crc":"test-crc/ó"}'
    assert przelewy24.sign(values, przelewy24.REGISTER_SIGN) == _sha384(written)


def _notification(**changes) -> dict:
    """A notification as Przelewy24 posts it to urlStatus, signed over the written-out JSON."""
    note = {
        "merchantId": 100200,
        "posId": 100200,
        "sessionId": "EB26120312AB34CD",
        "amount": 12345,
        "originAmount": 12345,
        "currency": "PLN",
        "orderId": 300000123,
        "methodId": 25,
        "statement": "p24-A12-B34/opłata",
    }
    written = (
        '{"merchantId":100200,"posId":100200,"sessionId":"EB26120312AB34CD","amount":12345,'
        '"originAmount":12345,"currency":"PLN","orderId":300000123,"methodId":25,'
        '"statement":"p24-A12-B34/opłata","crc":"test-crc/ó"}'
    )
    note["sign"] = _sha384(written)
    note.update(changes)
    return note


def _adapter(base_url: str = "http://p24.invalid") -> przelewy24.Przelewy24:
    return przelewy24.Przelewy24(
        KEYS.merchant_id, KEYS.pos_id, KEYS.api_key, CRC, base_url, gateways.http_client
    )


def test_a_notification_signed_as_documented_is_read():
    note = _adapter().parse_notification({}, json.dumps(_notification(), ensure_ascii=False).encode())
    assert (note.payment_id, note.gateway_ref, note.amount_grosze, note.currency, note.state) == (
        "EB26120312AB34CD",
        "300000123",
        12345,
        "PLN",
        "paid",
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"amount": 12346},  # a changed amount breaks the sign
        {"statement": "p24-A12-B34/oplata"},
        {"sign": "0" * 96},
        {"amount": "12345"},  # numbers must be numbers
        {"merchantId": 999},
    ],
)
def test_a_changed_or_forged_notification_is_refused(changes):
    with pytest.raises(SignatureError):
        _adapter().parse_notification({}, json.dumps(_notification(**changes)).encode())


def test_a_notification_missing_a_field_or_not_json_is_refused():
    note = _notification()
    del note["methodId"]
    with pytest.raises(SignatureError):
        _adapter().parse_notification({}, json.dumps(note).encode())
    with pytest.raises(SignatureError):
        _adapter().parse_notification({}, b"sessionId=EB1&amount=1")


def test_a_notification_signed_with_another_crc_is_refused():
    other = przelewy24.Przelewy24(100200, 100200, "k", "inny-crc", "http://p24.invalid", gateways.http_client)
    with pytest.raises(SignatureError):
        other.parse_notification({}, json.dumps(_notification()).encode())


def _request(payment_id: str = "EB26120312AB34CD", amount: int = 12345) -> PaymentRequest:
    return PaymentRequest(
        payment_id=payment_id,
        amount_grosze=amount,
        currency="PLN",
        description=f"e-BOK {payment_id}, lokal 0001",
        email="anna@example.pl",
        customer_ip="10.0.0.1",
        return_url="http://portal/platnosc?platnosc=" + payment_id,
        notify_url="http://portal/platnosci/przelewy24",
        expiry_minutes=30,
    )


@pytest.fixture
def fake_p24(monkeypatch):
    monkeypatch.setattr(base, "_BACKOFF", 0.01)
    monkeypatch.setattr(gateways, "timeout", httpx.Timeout(1.0))
    fake = new_fake()
    with serving(fake.app) as url:
        yield fake, _adapter(url)


def test_register_goes_to_trnrequest_with_the_token(fake_p24):
    fake, adapter = fake_p24
    reg = adapter.register(_request())
    token = next(iter(fake.transactions))
    assert reg.redirect_url == f"{adapter.base_url}/trnRequest/{token}"
    sent = fake.transactions[token].request
    assert sent["amount"] == 12345 and sent["sessionId"] == "EB26120312AB34CD"
    assert sent["urlStatus"] == "http://portal/platnosci/przelewy24" and sent["timeLimit"] == 30
    assert fake.registrations == ["EB26120312AB34CD"]


def test_register_with_a_wrong_api_key_is_a_definite_refusal(fake_p24):
    fake, adapter = fake_p24
    wrong = przelewy24.Przelewy24(100200, 100200, "zly-klucz", CRC, adapter.base_url, gateways.http_client)
    with pytest.raises(GatewayError) as exc:
        wrong.register(_request())
    assert not exc.value.transient and fake.registrations == []


def test_register_is_never_retried_after_a_timeout_or_a_5xx(fake_p24):
    fake, adapter = fake_p24
    fake.failures, fake.delay = {"server_error"}, 0
    with pytest.raises(GatewayError) as exc:
        adapter.register(_request("EBAAAAAAAAAAAAA1"))
    assert exc.value.transient
    assert fake.calls.count("POST /api/v1/transaction/register") == 1
    fake.failures, fake.delay = {"timeout"}, 1.5
    with pytest.raises(GatewayError) as exc:
        adapter.register(_request("EBAAAAAAAAAAAAA2"))
    assert exc.value.transient
    assert fake.calls.count("POST /api/v1/transaction/register") == 2  # one call each, no retry


def test_verify_is_signed_as_documented_and_retried_on_5xx(fake_p24):
    fake, adapter = fake_p24
    adapter.register(_request())
    fake.notify_delay = 0
    fake.failures = {"no_notify"}
    t = fake.pay("EB26120312AB34CD")
    note = adapter.parse_notification({}, fake.p24_notification(t))
    fake.failures = {"no_notify", "server_error"}
    with pytest.raises(GatewayError):
        adapter.confirm(note)
    assert fake.calls.count("PUT /api/v1/transaction/verify") == base.RETRIES
    fake.failures = set()
    adapter.confirm(note)  # the fake checks the verify sign and the amount
    assert t.state == "verified"


def test_status_by_session_id(fake_p24):
    fake, adapter = fake_p24
    assert adapter.status("EB0000000000NONE", None).state == "unknown"
    adapter.register(_request())
    pending = adapter.status("EB26120312AB34CD", None)
    assert pending.state == "pending" and pending.amount_grosze == 12345
    fake.failures = {"no_notify"}
    t = fake.pay("EB26120312AB34CD")
    paid = adapter.status("EB26120312AB34CD", None)
    assert (paid.state, paid.gateway_ref, paid.needs_confirm) == ("paid", t.order_id, True)


def test_sandbox_and_production_hosts():
    assert przelewy24.SANDBOX == "https://sandbox.przelewy24.pl"
    assert przelewy24.PRODUCTION == "https://secure.przelewy24.pl"
