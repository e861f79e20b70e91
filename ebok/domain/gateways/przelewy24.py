"""Przelewy24, REST API v1 (https://developers.przelewy24.pl/): register, notification, verify, status.

Every `sign` is SHA-384 (hex) of a JSON object whose keys are listed in the documentation's order,
encoded as PHP's json_encode(..., JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES): no spaces,
unicode and slashes as they are, numbers as numbers. Basic auth: posId and the API key ("klucz do
raportów"). A notification is only a claim: the transaction is final after PUT /transaction/verify.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import httpx2 as httpx

from ebok.domain.gateways.base import (
    GatewayError,
    Notification,
    PaymentRequest,
    Registration,
    RemoteState,
    RemoteStatus,
    SignatureError,
    json_of,
    retried,
    send,
)

SANDBOX = "https://sandbox.przelewy24.pl"
PRODUCTION = "https://secure.przelewy24.pl"

# The documented key orders of each signed object.
REGISTER_SIGN = ("sessionId", "merchantId", "amount", "currency", "crc")
NOTIFICATION_SIGN = (
    "merchantId",
    "posId",
    "sessionId",
    "amount",
    "originAmount",
    "currency",
    "orderId",
    "methodId",
    "statement",
    "crc",
)
VERIFY_SIGN = ("sessionId", "orderId", "amount", "currency", "crc")
_INTS = ("merchantId", "posId", "amount", "originAmount", "orderId", "methodId")
# GET /transaction/by/sessionId: 0 no payment, 1 advance payment (not verified yet), 2 paid, 3 returned.
_STATES: dict[int, RemoteState] = {0: "pending", 1: "paid", 2: "paid", 3: "cancelled"}


def sign(values: Mapping[str, Any], keys: tuple[str, ...]) -> str:
    """Return the SHA-384 hex digest of VALUES' KEYS as the documented compact JSON."""
    ordered = {key: values[key] for key in keys}
    text = json.dumps(ordered, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha384(text.encode("utf-8")).hexdigest()


class Przelewy24:
    """The Przelewy24 adapter for one merchant."""

    name = "przelewy24"

    def __init__(
        self,
        merchant_id: int,
        pos_id: int,
        api_key: str,
        crc: str,
        base_url: str,
        client_factory: Callable[[], httpx.Client],
    ) -> None:
        self.merchant_id = merchant_id
        self.pos_id = pos_id
        self._auth = httpx.BasicAuth(str(pos_id), api_key)
        self._crc = crc
        self.base_url = base_url.rstrip("/")
        self._client = client_factory

    def register(self, request: PaymentRequest) -> Registration:
        """POST /api/v1/transaction/register once; return the /trnRequest/{token} redirect."""
        payload = {
            "merchantId": self.merchant_id,
            "posId": self.pos_id,
            "sessionId": request.payment_id,
            "amount": request.amount_grosze,
            "currency": request.currency,
            "description": request.description,
            "email": request.email,
            "country": "PL",
            "language": "pl",
            "urlReturn": request.return_url,
            "urlStatus": request.notify_url,
            "timeLimit": min(request.expiry_minutes, 99),  # minutes; the API's maximum is 99
            "sign": "",
        }
        payload["sign"] = sign({**payload, "crc": self._crc}, REGISTER_SIGN)
        with self._client() as client:
            response = send(
                client,
                "POST",
                f"{self.base_url}/api/v1/transaction/register",
                "rejestracja",
                json=payload,
                auth=self._auth,
            )
        data = json_of(response, "rejestracja")
        token = (data.get("data") or {}).get("token") if isinstance(data.get("data"), dict) else None
        if response.status_code != 200 or not token:
            raise GatewayError(f"rejestracja odrzucona ({response.status_code}): {_error_text(data)}")
        return Registration(redirect_url=f"{self.base_url}/trnRequest/{quote(str(token), safe='')}")

    def parse_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        """Read the urlStatus notification and check its sign; raise SignatureError otherwise."""
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise SignatureError("powiadomienie nie jest JSON-em") from exc
        if not isinstance(data, dict) or any(key not in data for key in (*NOTIFICATION_SIGN[:-1], "sign")):
            raise SignatureError("powiadomienie bez wymaganych pól")
        if any(not isinstance(data[key], int) or isinstance(data[key], bool) for key in _INTS):
            raise SignatureError("powiadomienie z nieliczbowymi polami")
        expected = sign({**data, "crc": self._crc}, NOTIFICATION_SIGN)
        if not hmac.compare_digest(expected, str(data["sign"])):
            raise SignatureError("nieprawidłowy podpis (sign)")
        if data["merchantId"] != self.merchant_id or data["posId"] != self.pos_id:
            raise SignatureError("powiadomienie dla innego sprzedawcy")
        return Notification(
            payment_id=str(data["sessionId"]),
            gateway_ref=str(data["orderId"]),
            amount_grosze=int(data["amount"]),
            currency=str(data["currency"]),
            state="paid",  # Przelewy24 notifies only a payment made; verify makes it final
            detail={"orderId": data["orderId"], "methodId": data["methodId"], "statement": data["statement"]},
        )

    def confirm(self, notification: Notification) -> None:
        """PUT /api/v1/transaction/verify (idempotent, so retried); raise GatewayError if refused."""
        values = {
            "merchantId": self.merchant_id,
            "posId": self.pos_id,
            "sessionId": notification.payment_id,
            "amount": notification.amount_grosze,
            "currency": notification.currency,
            "orderId": int(notification.gateway_ref or 0),
        }
        payload = {**values, "sign": sign({**values, "crc": self._crc}, VERIFY_SIGN)}

        def call() -> httpx.Response:
            with self._client() as client:
                return send(
                    client,
                    "PUT",
                    f"{self.base_url}/api/v1/transaction/verify",
                    "weryfikacja",
                    json=payload,
                    auth=self._auth,
                )

        response = retried(call, "weryfikacja")
        data = json_of(response, "weryfikacja")
        status = (data.get("data") or {}).get("status") if isinstance(data.get("data"), dict) else None
        if response.status_code != 200 or status != "success":
            raise GatewayError(f"weryfikacja odrzucona ({response.status_code}): {_error_text(data)}")

    def status(self, payment_id: str, gateway_ref: str | None) -> RemoteStatus:
        """GET /api/v1/transaction/by/sessionId/{sessionId}; a transaction never registered is "unknown"."""
        url = f"{self.base_url}/api/v1/transaction/by/sessionId/{quote(payment_id, safe='')}"

        def call() -> httpx.Response:
            with self._client() as client:
                return send(client, "GET", url, "stan transakcji", auth=self._auth)

        response = retried(call, "stan transakcji")
        if response.status_code == 404:
            return RemoteStatus("unknown")
        data = json_of(response, "stan transakcji")
        row = data.get("data")
        if response.status_code != 200 or not isinstance(row, dict):
            raise GatewayError(f"stan transakcji ({response.status_code}): {_error_text(data)}")
        state = _STATES.get(int(row.get("status", -1)), "unknown")
        order = row.get("orderId")
        return RemoteStatus(
            state=state,
            gateway_ref=str(order) if order else None,
            amount_grosze=int(row["amount"]) if isinstance(row.get("amount"), int) else None,
            currency=str(row["currency"]) if row.get("currency") else None,
            needs_confirm=row.get("status") == 1,
        )


def _error_text(data: Mapping[str, Any]) -> str:
    """Return the error the API put in its answer (error / code), short."""
    return str(data.get("error") or data.get("code") or data)[:200]
