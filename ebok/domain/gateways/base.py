"""What every payment gateway adapter offers: register, verify a notification, confirm, status.

Amounts cross this boundary as integer grosze only. An adapter never retries a registration (a
second register could open a second payment); status and verify calls are idempotent and retried.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

import httpx2 as httpx

# What a gateway says about a payment, in our words.
RemoteState = Literal["paid", "pending", "failed", "cancelled", "unknown"]

TIMEOUT = httpx.Timeout(10.0, connect=5.0)  # a resident waits for register; never minutes
RETRIES = 3  # idempotent calls only (status, verify)
_BACKOFF = 0.5  # seconds before the second try, doubled for the third

T = TypeVar("T")


class GatewayError(Exception):
    """The gateway could not be reached, answered 5xx, or refused the call (message for the log)."""

    def __init__(self, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient  # a timeout or 5xx: an idempotent call may be tried again


class SignatureError(Exception):
    """A notification whose signature or form is wrong: refused without touching any payment."""


@dataclass(frozen=True)
class PaymentRequest:
    """What we ask a gateway to collect: our id, integer grosze, the resident's data, our URLs."""

    payment_id: str
    amount_grosze: int
    currency: str
    description: str
    email: str
    customer_ip: str
    return_url: str
    notify_url: str
    expiry_minutes: int
    product: str = "Opłaty za lokal"


@dataclass(frozen=True)
class Registration:
    """The gateway's answer to a registration: where to send the resident and its own id (if given)."""

    redirect_url: str
    gateway_ref: str | None = None


@dataclass(frozen=True)
class Notification:
    """A notification whose signature checked out, in our words."""

    payment_id: str
    gateway_ref: str | None
    amount_grosze: int
    currency: str
    state: RemoteState
    detail: Mapping[str, Any] = field(default_factory=dict)  # what the event log keeps (no signature)


@dataclass(frozen=True)
class RemoteStatus:
    """The gateway's status API answer for one payment."""

    state: RemoteState
    gateway_ref: str | None = None
    amount_grosze: int | None = None
    currency: str | None = None
    needs_confirm: bool = False  # Przelewy24: paid but not yet verified (our verify call makes it final)


class Gateway(Protocol):
    """One payment provider: the four calls e-BOK needs."""

    name: str

    def register(self, request: PaymentRequest) -> Registration:
        """Register the payment once; raise GatewayError (never retried here or by the caller)."""
        ...

    def parse_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        """Check the notification's signature and read it; raise SignatureError when forged or malformed."""
        ...

    def confirm(self, notification: Notification) -> None:
        """Finish a paid notification as the provider requires (P24: verify); raise GatewayError."""
        ...

    def status(self, payment_id: str, gateway_ref: str | None) -> RemoteStatus:
        """Ask the status API about our payment; raise GatewayError when it cannot say."""
        ...


def retried(call: Callable[[], T], what: str, sleep: Callable[[float], None] = time.sleep) -> T:
    """Run an IDEMPOTENT call up to RETRIES times on timeouts, network errors and 5xx answers."""
    delay = _BACKOFF
    for attempt in range(1, RETRIES + 1):
        try:
            return call()
        except GatewayError as exc:
            if attempt == RETRIES or not exc.transient:
                raise
        sleep(delay)
        delay *= 2
    raise AssertionError("unreachable")  # pragma: no cover


def send(client: httpx.Client, method: str, url: str, what: str, **kwargs: Any) -> httpx.Response:
    """Send one request; turn timeouts, network errors and 5xx answers into a transient GatewayError."""
    try:
        response = client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise GatewayError(f"{what}: przekroczony czas odpowiedzi bramki", transient=True) from exc
    except httpx.HTTPError as exc:
        raise GatewayError(
            f"{what}: brak połączenia z bramką ({type(exc).__name__})", transient=True
        ) from exc
    if response.status_code >= 500:
        raise GatewayError(f"{what}: bramka odpowiedziała {response.status_code}", transient=True)
    return response


def json_of(response: httpx.Response, what: str) -> dict[str, Any]:
    """Return the JSON object of RESPONSE or raise GatewayError."""
    try:
        data = response.json()
    except ValueError as exc:
        raise GatewayError(f"{what}: odpowiedź bramki nie jest JSON-em") from exc
    if not isinstance(data, dict):
        raise GatewayError(f"{what}: nieoczekiwana odpowiedź bramki")
    return data
