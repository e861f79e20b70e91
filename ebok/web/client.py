"""The client's address as the throttle and the audit log record it (behind our nginx: X-Forwarded-For)."""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
from typing import Any

import streamlit as st

log = logging.getLogger("ebok.client")
_warned = threading.Event()  # per process, not per user: the warning is about the deployment


def _is_proxy(address: str | None) -> bool:
    """Return True for a peer whose X-Forwarded-For we trust (EBOK_TRUSTED_PROXIES, default loopback)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    trusted = os.environ.get("EBOK_TRUSTED_PROXIES", "127.0.0.1/32,::1/128")
    for net in trusted.split(","):
        try:
            if net.strip() and ip in ipaddress.ip_network(net.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address() -> str | None:
    """Return the client's address: behind our nginx (a local/private peer) the last X-Forwarded-For."""
    try:
        peer = st.context.ip_address
        headers = st.context.headers
    except Exception:  # noqa: BLE001 - no request context (AppTest, bare mode)
        return None
    address = address_from(peer if isinstance(peer, str) else None, headers)
    if address is None and not _warned.is_set():
        _warned.set()
        log.warning(
            "Nieznany adres klienta (połączenie przez loopback bez nagłówka X-Forwarded-For z zaufanego "
            "proxy): tacy klienci mają jeden wspólny limit prób logowania, rejestracji i resetu hasła. "
            "Ustaw proxy i EBOK_TRUSTED_PROXIES według deploy/README.md."
        )
    return address


def address_from(peer: str | None, headers: Any) -> str | None:
    """Return the client address from the peer address and the request headers (see client_address)."""
    try:
        forwarded = headers.get("X-Forwarded-For") if headers else None
        real = headers.get("X-Real-IP") if headers else None
    except Exception:  # noqa: BLE001 - headers unavailable
        forwarded = real = None
    forwarded = forwarded if isinstance(forwarded, str) else None
    real = real if isinstance(real, str) else None
    if forwarded and _is_proxy(peer):
        # nginx appends the address it saw; earlier entries come from the client and can be forged.
        last = forwarded.split(",")[-1].strip()
        if last:
            return last[:64]
    if real and _is_proxy(peer):
        return real.strip()[:64]
    return peer
