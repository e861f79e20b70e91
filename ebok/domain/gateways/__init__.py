"""Payment gateway adapters (Przelewy24, PayU) behind one small interface (base.Gateway)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx2 as httpx

from ebok.core.config import PaymentsOnline
from ebok.domain.gateways import payu, przelewy24
from ebok.domain.gateways.base import TIMEOUT, Gateway, GatewayError

NAMES = ("przelewy24", "payu")
# The secrets file's keys each gateway needs (data/secrets.yaml, never committed).
SECRET_KEYS: dict[str, tuple[str, ...]] = {
    "przelewy24": ("przelewy24_api_key", "przelewy24_crc"),
    "payu": ("payu_client_secret", "payu_second_key"),
}
# Tests may route every call through another transport, or shorten the timeouts.
transport: httpx.BaseTransport | None = None
timeout: httpx.Timeout = TIMEOUT


def http_client() -> httpx.Client:
    """Return a client with our timeouts that never follows redirects (PayU answers 302 with JSON)."""
    return httpx.Client(timeout=timeout, follow_redirects=False, transport=transport)


def build(name: str, cfg: PaymentsOnline, secrets: Mapping[str, Any]) -> Gateway:
    """Return the adapter NAME configured from CFG and SECRETS; raise GatewayError if keys are missing."""
    missing = [key for key in SECRET_KEYS.get(name, ()) if not str(secrets.get(key) or "")]
    if name not in NAMES:
        raise GatewayError(f"nieznana bramka {name!r}")
    if missing:
        raise GatewayError(f"brak kluczy bramki {name} w pliku sekretów: {', '.join(missing)}")
    if name == "przelewy24":
        return przelewy24.Przelewy24(
            merchant_id=cfg.merchant_id,
            pos_id=cfg.pos_id or cfg.merchant_id,
            api_key=str(secrets["przelewy24_api_key"]),
            crc=str(secrets["przelewy24_crc"]),
            base_url=cfg.api_url or (przelewy24.SANDBOX if cfg.sandbox else przelewy24.PRODUCTION),
            client_factory=http_client,
        )
    return payu.PayU(
        pos_id=cfg.pos_id,
        client_id=cfg.client_id,
        client_secret=str(secrets["payu_client_secret"]),
        second_key=str(secrets["payu_second_key"]),
        base_url=cfg.api_url or (payu.SANDBOX if cfg.sandbox else payu.PRODUCTION),
        client_factory=http_client,
    )
