"""PayU REST v2.1 adapter: OpenPayu-Signature, OAuth, order (302 not followed), status.

Vectors:
- PayU's own PHP SDK (github.com/PayU-EMEA/openpayu_php, tests/unit/OpenPayUTest.php at 7628e2d):
  document "TEST_OK", second key 13a980d4f851f3d9a1cfc792fb1f5e50, header
  "sender=145227;algorithm=SHA-256;signature=846b2de1…cbb4d"; the same signature over "TEST_FAIL" is refused.
- A public Java project's PayU test (TipServiceTest, umk.mat.pajda.ProjektZespolowy): MD5 of
  '{"order": { "orderId": "orderId"}}' + "null" (its unset key) = d97a213ca2c077a3c4936889efc9f2e9.
"""

from __future__ import annotations

import hashlib
import json

import httpx2 as httpx
import pytest

from ebok.domain import gateways
from ebok.domain.gateways import base, payu
from ebok.domain.gateways.base import GatewayError, PaymentRequest, SignatureError
from tests.helpers.payments import KEYS, new_fake, serving

SDK_HEADER = "sender=145227;algorithm=SHA-256;signature=846b2de129d2200443bd72abe691ce174fcec064f89dc529d6a5d98a046cbb4d"
SDK_KEY = "13a980d4f851f3d9a1cfc792fb1f5e50"


def test_openpayu_sdk_vector_sha256():
    assert payu.verify_signature(SDK_HEADER, b"TEST_OK", SDK_KEY)
    assert not payu.verify_signature(SDK_HEADER, b"TEST_FAIL", SDK_KEY)
    assert not payu.verify_signature(SDK_HEADER, b"TEST_OK", "another-second-key")


def test_md5_vector_and_header_parts():
    header = "sender=checkout;signature=d97a213ca2c077a3c4936889efc9f2e9;algorithm=MD5;content=DOCUMENT"
    body = b'{"order": { "orderId": "orderId"}}'
    assert payu.verify_signature(header, body, "null")
    assert payu.signature_header(header) == {
        "sender": "checkout",
        "signature": "d97a213ca2c077a3c4936889efc9f2e9",
        "algorithm": "MD5",
        "content": "DOCUMENT",
    }


@pytest.mark.parametrize(
    "header",
    [
        "",
        "sender=145227;algorithm=SHA-256",  # no signature (the SDK's own refusals)
        "sender=145227;signature=846b2de129d2200443bd72abe691ce174fcec064f89dc529d6a5d98a046cbb4d",  # no algorithm
        "sender=checkout;signature=846b2de1;algorithm=ROT13;content=DOCUMENT",
    ],
)
def test_headers_without_signature_or_known_algorithm_are_refused(header):
    assert not payu.verify_signature(header, b"TEST_OK", SDK_KEY)


def _adapter(base_url: str = "http://payu.invalid", second_key: str = KEYS.payu_second_key) -> payu.PayU:
    return payu.PayU(
        KEYS.payu_pos_id,
        KEYS.payu_client_id,
        KEYS.payu_client_secret,
        second_key,
        base_url,
        gateways.http_client,
    )


def _order(status: str = "COMPLETED", **changes) -> bytes:
    order = {
        "orderId": "LDLW5N7MF4140324GUEST000P01",
        "extOrderId": "EB26120312AB34CD",
        "merchantPosId": "300746",
        "currencyCode": "PLN",
        "totalAmount": "12345",
        "status": status,
        **changes,
    }
    return json.dumps({"order": order, "localReceiptDateTime": "2026-12-03T20:15:00.000+01:00"}).encode()


def _signed(body: bytes, key: str = KEYS.payu_second_key) -> dict[str, str]:
    digest = hashlib.md5(body + key.encode()).hexdigest()
    return {"OpenPayu-Signature": f"sender=checkout;signature={digest};algorithm=MD5;content=DOCUMENT"}


def test_a_signed_notification_is_read():
    body = _order()
    note = _adapter().parse_notification(_signed(body), body)
    assert (note.payment_id, note.gateway_ref, note.amount_grosze, note.currency, note.state) == (
        "EB26120312AB34CD",
        "LDLW5N7MF4140324GUEST000P01",
        12345,
        "PLN",
        "paid",
    )
    assert _adapter().parse_notification(_signed(_order("CANCELED")), _order("CANCELED")).state == "cancelled"
    assert _adapter().parse_notification(_signed(_order("PENDING")), _order("PENDING")).state == "pending"


def test_the_x_header_and_a_trailing_line_end_are_accepted():
    body = _order()
    header = _signed(body)["OpenPayu-Signature"]
    assert (
        _adapter().parse_notification({"X-OpenPayU-Signature": header}, body + b"\n").amount_grosze == 12345
    )


@pytest.mark.parametrize(
    ("headers_of", "body"),
    [
        (lambda b: _signed(b, "zly-klucz"), _order()),
        (lambda b: _signed(_order()), _order(totalAmount="99999")),  # body changed after signing
        (lambda b: {}, _order()),
        (lambda b: _signed(b), _order(merchantPosId="111111")),  # another POS
        (lambda b: _signed(b), b'{"order": {"status": "COMPLETED"}}'),
    ],
)
def test_forged_or_foreign_notifications_are_refused(headers_of, body):
    with pytest.raises(SignatureError):
        _adapter().parse_notification(headers_of(body), body)


def _request(payment_id: str = "EB26120312AB34CD") -> PaymentRequest:
    return PaymentRequest(
        payment_id=payment_id,
        amount_grosze=12345,
        currency="PLN",
        description=f"e-BOK {payment_id}, lokal 0001",
        email="anna@example.pl",
        customer_ip="10.0.0.1",
        return_url="http://portal/platnosc",
        notify_url="http://portal/platnosci/payu",
        expiry_minutes=30,
        product="Opłaty za lokal 0001",
    )


@pytest.fixture
def fake_payu(monkeypatch):
    payu.clear_tokens()
    monkeypatch.setattr(base, "_BACKOFF", 0.01)
    monkeypatch.setattr(gateways, "timeout", httpx.Timeout(1.0))
    fake = new_fake()
    with serving(fake.app) as url:
        yield fake, _adapter(url)
    payu.clear_tokens()


def test_order_is_created_once_and_the_302_is_not_followed(fake_payu):
    fake, adapter = fake_payu
    reg = adapter.register(_request())
    t = fake.find("EB26120312AB34CD")
    assert reg.gateway_ref == t.order_id and reg.redirect_url.endswith(f"/payu/pay/{t.order_id}")
    # A followed redirect would have fetched the pay page.
    assert f"GET /payu/pay/{t.order_id}" not in fake.calls
    sent = t.request
    assert sent["totalAmount"] == "12345" and sent["merchantPosId"] == "300746"
    assert sent["customerIp"] == "10.0.0.1" and sent["notifyUrl"] == "http://portal/platnosci/payu"
    assert sent["products"] == [{"name": "Opłaty za lokal 0001", "unitPrice": "12345", "quantity": "1"}]
    assert sent["buyer"]["email"] == "anna@example.pl" and sent["validityTime"] == "1800"


def test_the_token_is_reused_and_renewed_once_after_a_401(fake_payu):
    fake, adapter = fake_payu
    adapter.register(_request("EB000000000000A1"))
    adapter.register(_request("EB000000000000A2"))
    assert fake.calls.count("POST /pl/standard/user/oauth/authorize") == 1
    fake.tokens.clear()  # PayU forgot the token: the order is refused, not created, and sent again once
    adapter.register(_request("EB000000000000A3"))
    assert fake.calls.count("POST /pl/standard/user/oauth/authorize") == 2
    assert fake.registrations == ["EB000000000000A1", "EB000000000000A2", "EB000000000000A3"]


def test_wrong_client_secret_and_5xx(fake_payu):
    fake, adapter = fake_payu
    wrong = payu.PayU(300746, "300746", "zly", "k", adapter.base_url, gateways.http_client)
    with pytest.raises(GatewayError):
        wrong.register(_request())
    adapter.register(_request("EB000000000000B1"))  # a token first
    fake.failures = {"server_error"}
    with pytest.raises(GatewayError) as exc:
        adapter.register(_request("EB000000000000B2"))
    assert exc.value.transient and fake.calls.count("POST /api/v2_1/orders") == 2  # no retry


def test_status_by_order_id_and_by_ext_order_id(fake_payu):
    fake, adapter = fake_payu
    assert adapter.status("EB0000000000NONE", None).state == "unknown"
    reg = adapter.register(_request())
    assert adapter.status("EB26120312AB34CD", reg.gateway_ref).state == "pending"
    fake.failures = {"no_notify"}
    fake.pay("EB26120312AB34CD")
    by_id = adapter.status("EB26120312AB34CD", reg.gateway_ref)
    by_ext = adapter.status("EB26120312AB34CD", None)
    assert by_id == by_ext and (by_id.state, by_id.amount_grosze, by_id.gateway_ref) == (
        "paid",
        12345,
        reg.gateway_ref,
    )


def test_sandbox_and_production_hosts():
    assert payu.SANDBOX == "https://secure.snd.payu.com" and payu.PRODUCTION == "https://secure.payu.com"
