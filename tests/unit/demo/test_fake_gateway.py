"""The fake gateway as the demo uses it: demo setup, switches, the pay page, the CLI's refusal."""

from __future__ import annotations

import json

import pytest
import yaml
from starlette.testclient import TestClient

from ebok import cli
from ebok.core import config, settings
from ebok.demo import fake_gateway
from ebok.domain import online_payments
from tests.helpers.payments import new_fake


def test_setup_demo_points_the_installation_at_the_fake(monkeypatch):
    monkeypatch.setenv("EBOK_DEMO", "1")
    settings.secrets_file().write_text(yaml.safe_dump({"cookie_key": "keep-me"}), encoding="utf-8")
    fake_gateway.setup_demo(8590, "http://127.0.0.1:8591")
    secrets = yaml.safe_load(settings.secrets_file().read_text(encoding="utf-8"))
    assert secrets["cookie_key"] == "keep-me" and secrets["przelewy24_crc"] == "demo-p24-crc"
    cfg = config.load().payments_online
    assert (cfg.enabled, cfg.api_url, cfg.notify_base_url) == (
        True,
        "http://127.0.0.1:8590",
        "http://127.0.0.1:8591",
    )
    assert online_payments.enabled()
    keys = fake_gateway.installation_keys()
    assert (keys.merchant_id, keys.api_key, keys.crc) == (100200, "demo-p24-api-key", "demo-p24-crc")


def test_setup_demo_is_refused_outside_a_demo(capsys):
    assert cli.main(["fake-gateway", "--setup-demo", "--port", "1"]) == 2
    assert "instalacji demo" in capsys.readouterr().out
    assert not config.load().payments_online.enabled


def test_failures_are_switched_over_http_and_unknown_ones_refused():
    fake = new_fake()
    with TestClient(fake.app) as client:
        assert client.post("/_fake/failures", content=json.dumps(["replay", "no_notify"])).json() == [
            "no_notify",
            "replay",
        ]
        assert fake.failures == {"replay", "no_notify"}
        refused = client.post("/_fake/failures", content=json.dumps(["meteor"]))
        assert refused.status_code == 400 and fake.failures == {"replay", "no_notify"}


@pytest.mark.parametrize("action, state", [("pay", "paid"), ("cancel", "cancelled")])
def test_the_pay_page_pays_or_cancels_and_sends_the_resident_back(action, state):
    fake = new_fake(notify=lambda url, headers, body: None)
    fake.notify_delay = 0
    with TestClient(fake.app) as client:
        auth = ("100200", "test-api-key")
        sent = {
            "merchantId": 100200,
            "posId": 100200,
            "sessionId": "EB26120300000001",
            "amount": 123456,
            "currency": "PLN",
            "description": "e-BOK EB26120300000001",
            "email": "a@example.pl",
            "country": "PL",
            "language": "pl",
            "urlReturn": "http://portal/platnosc?platnosc=EB26120300000001",
            "urlStatus": "http://portal/platnosci/przelewy24",
        }
        sent["sign"] = fake_gateway.p24_sign(
            {
                "sessionId": sent["sessionId"],
                "merchantId": 100200,
                "amount": 123456,
                "currency": "PLN",
                "crc": "test-crc/ó",
            }
        )
        token = client.post("/api/v1/transaction/register", json=sent, auth=auth).json()["data"]["token"]
        page = client.get(f"/trnRequest/{token}")
        assert "1 234,56 PLN" in page.text and "Zapłać" in page.text and "Anuluj" in page.text
        back = client.post(f"/trnRequest/{token}", data={"action": action}, follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == sent["urlReturn"]
    assert fake.transactions[token].state == state
    assert len(fake.sent) == (1 if action == "pay" else 0)  # Przelewy24 notifies only a payment made


def _p24_register(**changes):
    """Return a register request as the documentation gives it, signed with the test CRC, then CHANGES."""
    sent = {
        "merchantId": 100200, "posId": 100200, "sessionId": "EB26120300000002", "amount": 5000,
        "currency": "PLN", "description": "e-BOK EB26120300000002", "email": "a@example.pl", "country": "PL",
        "language": "pl", "urlReturn": "http://portal/platnosc", "urlStatus": "http://portal/platnosci/przelewy24",
    }  # fmt: skip
    sent["sign"] = fake_gateway.p24_sign(
        {
            "sessionId": sent["sessionId"],
            "merchantId": 100200,
            "amount": 5000,
            "currency": "PLN",
            "crc": "test-crc/ó",
        }
    )
    return {**sent, **changes}


def test_the_fake_przelewy24_refuses_requests_not_signed_as_documented():
    fake = new_fake(notify=lambda url, headers, body: None)
    fake.notify_delay = 0
    auth = ("100200", "test-api-key")
    with TestClient(fake.app) as client:
        for bad in (
            _p24_register(sign="0" * 96),
            _p24_register(amount=5001),
        ):  # forged; changed after signing
            refused = client.post("/api/v1/transaction/register", json=bad, auth=auth)
            assert (refused.status_code, refused.json()["error"]) == (400, "Incorrect CRC value")
        wrong_key = client.post("/api/v1/transaction/register", json=_p24_register(), auth=("100200", "zly"))
        assert wrong_key.status_code == 401
        assert fake.transactions == {}
        assert client.post("/api/v1/transaction/register", json=_p24_register(), auth=auth).status_code == 200
        t = fake.pay("EB26120300000002")
        verify = {"merchantId": 100200, "posId": 100200, "sessionId": t.session_id, "amount": 5000,
                  "currency": "PLN", "orderId": int(t.order_id)}  # fmt: skip
        signed = fake_gateway.p24_sign(
            {"sessionId": t.session_id, "orderId": int(t.order_id), "amount": 5000, "currency": "PLN",
             "crc": "test-crc/ó"}
        )  # fmt: skip
        refused = client.put("/api/v1/transaction/verify", json={**verify, "sign": "0" * 96}, auth=auth)
        assert refused.status_code == 400 and t.state == "paid"
        ok = client.put("/api/v1/transaction/verify", json={**verify, "sign": signed}, auth=auth)
        assert ok.status_code == 200 and t.state == "verified"


def test_the_fake_payu_refuses_orders_without_its_token_or_with_wrong_sums():
    fake = new_fake()
    order = {
        "notifyUrl": "http://portal/platnosci/payu", "customerIp": "10.0.0.1", "merchantPosId": "300746",
        "description": "e-BOK EB26120300000003", "currencyCode": "PLN", "totalAmount": "5000",
        "extOrderId": "EB26120300000003", "products": [{"name": "Opłaty", "unitPrice": "5000", "quantity": "1"}],
    }  # fmt: skip
    with TestClient(fake.app) as client:
        assert client.post("/api/v2_1/orders", json=order).status_code == 401  # no OAuth token
        wrong = {"grant_type": "client_credentials", "client_id": "300746", "client_secret": "zly"}
        assert client.post("/pl/standard/user/oauth/authorize", data=wrong).status_code == 401
        token = client.post(
            "/pl/standard/user/oauth/authorize", data={**wrong, "client_secret": "test-client-secret"}
        ).json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        for bad in ({"totalAmount": "5001"}, {"totalAmount": 5000}, {"merchantPosId": "1"}):
            assert client.post("/api/v2_1/orders", json={**order, **bad}, headers=bearer).status_code == 400
        assert fake.transactions == {}
        created = client.post("/api/v2_1/orders", json=order, headers=bearer, follow_redirects=False)
        assert created.status_code == 302 and created.json()["extOrderId"] == "EB26120300000003"
