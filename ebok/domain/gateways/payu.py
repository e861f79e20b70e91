"""PayU, REST API v2.1 (https://developers.payu.com/): OAuth, order, notification, status.

OAuth client_credentials gives a bearer token (cached until shortly before it expires). An order is
created once, with our payment id as extOrderId; PayU answers 302 with a JSON body carrying
redirectUri, so redirects are never followed. A notification carries the header
`OpenPayu-Signature: sender=checkout;signature=…;algorithm=MD5|SHA256;content=DOCUMENT`, where
signature = hash(raw body + second key).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
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

SANDBOX = "https://secure.snd.payu.com"
PRODUCTION = "https://secure.payu.com"
SIGNATURE_HEADERS = ("openpayu-signature", "x-openpayu-signature")
# The algorithm names PayU's own SDK (openpayu_php, OpenPayU_Util) accepts in the header.
_HASHES: dict[str, Callable[[bytes], Any]] = {
    "MD5": hashlib.md5,
    "SHA": hashlib.sha256,
    "SHA1": hashlib.sha1,
    "SHA-1": hashlib.sha1,
    "SHA256": hashlib.sha256,
    "SHA-256": hashlib.sha256,
    "SHA384": hashlib.sha384,
    "SHA-384": hashlib.sha384,
    "SHA512": hashlib.sha512,
    "SHA-512": hashlib.sha512,
}
_STATES: dict[str, RemoteState] = {
    "NEW": "pending",
    "PENDING": "pending",
    "WAITING_FOR_CONFIRMATION": "pending",  # paid, waiting for the shop's capture (auto-receive off)
    "COMPLETED": "paid",
    "CANCELED": "cancelled",
}
_tokens: dict[tuple[str, str], tuple[str, float]] = {}  # (base_url, client_id) -> (token, valid until)
_tokens_lock = threading.Lock()


def signature_header(header: str) -> dict[str, str]:
    """Split `sender=checkout;signature=…;algorithm=MD5;content=DOCUMENT` into its parts."""
    parts: dict[str, str] = {}
    for item in header.split(";"):
        key, sep, value = item.strip().partition("=")
        if sep:
            parts[key.strip().lower()] = value.strip()
    return parts


def body_signature(body: bytes, second_key: str, algorithm: str = "MD5") -> str:
    """Return the hex digest PayU signs a notification with: hash(body + second key)."""
    return _HASHES[algorithm.upper()](body + second_key.encode("utf-8")).hexdigest()


def verify_signature(header: str, body: bytes, second_key: str) -> bool:
    """True when HEADER's signature is hash(BODY + second key) with its algorithm (as openpayu_php checks)."""
    parts = signature_header(header)
    algorithm = parts.get("algorithm", "").upper()
    given = parts.get("signature", "").lower()
    if algorithm not in _HASHES or not given:
        return False
    # PayU's SDK checks the trimmed body; a proxy may have added a line end.
    return any(
        hmac.compare_digest(body_signature(text, second_key, algorithm), given)
        for text in {body, body.strip()}
    )


def clear_tokens() -> None:
    """Forget cached OAuth tokens (tests)."""
    with _tokens_lock:
        _tokens.clear()


class PayU:
    """The PayU adapter for one POS."""

    name = "payu"

    def __init__(
        self,
        pos_id: int,
        client_id: str,
        client_secret: str,
        second_key: str,
        base_url: str,
        client_factory: Callable[[], httpx.Client],
    ) -> None:
        self.pos_id = pos_id
        self.client_id = client_id
        self._client_secret = client_secret
        self._second_key = second_key
        self.base_url = base_url.rstrip("/")
        self._client = client_factory

    def _token(self, fresh: bool = False) -> str:
        """Return a bearer token (OAuth client_credentials; idempotent, so retried)."""
        key = (self.base_url, self.client_id)
        with _tokens_lock:
            cached = _tokens.get(key)
        if cached and not fresh and cached[1] > time.monotonic():
            return cached[0]
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._client_secret,
        }

        def call() -> httpx.Response:
            with self._client() as client:
                return send(
                    client,
                    "POST",
                    f"{self.base_url}/pl/standard/user/oauth/authorize",
                    "logowanie",
                    data=form,
                )

        response = retried(call, "logowanie")
        data = json_of(response, "logowanie")
        token = data.get("access_token")
        if response.status_code != 200 or not token:
            raise GatewayError(f"logowanie do PayU odrzucone ({response.status_code})")
        lifetime = int(data.get("expires_in") or 60)
        with _tokens_lock:
            _tokens[key] = (str(token), time.monotonic() + max(lifetime - 60, 1))
        return str(token)

    def register(self, request: PaymentRequest) -> Registration:
        """POST /api/v2_1/orders once (again only after a 401: the order was then not created)."""
        payload = {
            "notifyUrl": request.notify_url,
            "continueUrl": request.return_url,
            "customerIp": request.customer_ip,
            "merchantPosId": str(self.pos_id),
            "description": request.description,
            "currencyCode": request.currency,
            "totalAmount": str(request.amount_grosze),
            "extOrderId": request.payment_id,
            "validityTime": str(request.expiry_minutes * 60),
            "buyer": {"email": request.email, "language": "pl"},
            "products": [{"name": request.product, "unitPrice": str(request.amount_grosze), "quantity": "1"}],
        }
        response = self._create(payload, self._token())
        if response.status_code == 401:
            response = self._create(payload, self._token(fresh=True))
        data = json_of(response, "rejestracja")
        code = (data.get("status") or {}).get("statusCode") if isinstance(data.get("status"), dict) else None
        if response.status_code not in (200, 201, 302) or code != "SUCCESS" or not data.get("redirectUri"):
            raise GatewayError(f"rejestracja odrzucona ({response.status_code}): {code or data}"[:300])
        return Registration(
            redirect_url=str(data["redirectUri"]), gateway_ref=str(data.get("orderId") or "") or None
        )

    def _create(self, payload: dict[str, Any], token: str) -> httpx.Response:
        """Send the order once (no retry: a timeout may have created it)."""
        with self._client() as client:
            return send(
                client,
                "POST",
                f"{self.base_url}/api/v2_1/orders",
                "rejestracja",
                json=payload,
                headers={"Authorization": f"Bearer {token}"},
            )

    def parse_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        """Check OpenPayu-Signature over the raw body and read the order; raise SignatureError otherwise."""
        lower = {k.lower(): v for k, v in headers.items()}
        header = next((lower[h] for h in SIGNATURE_HEADERS if h in lower), "")
        if not verify_signature(header, body, self._second_key):
            raise SignatureError("brak albo nieprawidłowy podpis (OpenPayu-Signature)")
        try:
            order = json.loads(body)["order"]
            amount = int(str(order["totalAmount"]))
            payment_id, currency, status = (
                str(order["extOrderId"]),
                str(order["currencyCode"]),
                str(order["status"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise SignatureError("powiadomienie bez wymaganych pól") from exc
        if str(order.get("merchantPosId", self.pos_id)) != str(self.pos_id):
            raise SignatureError("powiadomienie dla innego punktu (merchantPosId)")
        return Notification(
            payment_id=payment_id,
            gateway_ref=str(order.get("orderId") or "") or None,
            amount_grosze=amount,
            currency=currency,
            state=_STATES.get(status, "unknown"),
            detail={"orderId": order.get("orderId"), "status": status},
        )

    def confirm(self, notification: Notification) -> None:
        """Nothing to do: a COMPLETED order is final at PayU (auto-receive on the POS)."""

    def status(self, payment_id: str, gateway_ref: str | None) -> RemoteStatus:
        """GET /api/v2_1/orders/{orderId} (or /orders/ext/{extOrderId} when PayU never gave us one)."""
        path = (
            f"orders/{quote(gateway_ref, safe='')}"
            if gateway_ref
            else f"orders/ext/{quote(payment_id, safe='')}"
        )
        token = self._token()

        def call() -> httpx.Response:
            with self._client() as client:
                return send(
                    client,
                    "GET",
                    f"{self.base_url}/api/v2_1/{path}",
                    "stan zamówienia",
                    headers={"Authorization": f"Bearer {token}"},
                )

        response = retried(call, "stan zamówienia")
        if response.status_code == 404:
            return RemoteStatus("unknown")
        data = json_of(response, "stan zamówienia")
        orders = data.get("orders")
        if response.status_code != 200 or not isinstance(orders, list) or not orders:
            raise GatewayError(f"stan zamówienia ({response.status_code})")
        order = next((o for o in orders if str(o.get("extOrderId")) == payment_id), orders[0])
        total = str(order.get("totalAmount", ""))
        return RemoteStatus(
            state=_STATES.get(str(order.get("status")), "unknown"),
            gateway_ref=str(order.get("orderId") or "") or None,
            amount_grosze=int(total) if total.isdigit() else None,
            currency=str(order.get("currencyCode") or "") or None,
        )
