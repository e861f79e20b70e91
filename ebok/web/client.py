"""The client's address as the throttle and the audit log record it.

One setting decides whose `X-Forwarded-For` is believed: uvicorn's `FORWARDED_ALLOW_IPS` (the server
Streamlit runs on; addresses or networks, default 127.0.0.1 and ::1). uvicorn rewrites the client
address from the header only for a peer in that list, before the app sees the connection, so the app
takes Streamlit's address as given and never reads the header itself (a second reading with a
second list was how a forged header got past). deploy/README.md "Client address".
"""

from __future__ import annotations

import logging
import os
import threading

import streamlit as st

log = logging.getLogger("ebok.client")
_warned = threading.Event()  # per process, not per user: the warning is about the deployment

PROXY_SETTING = "FORWARDED_ALLOW_IPS"
RETIRED_SETTING = "EBOK_TRUSTED_PROXIES"


def check_proxy_setting() -> None:
    """At start-up: warn when the proxy setting is missing, refuse to be silent about the retired one."""
    if os.environ.get(RETIRED_SETTING):
        log.error(
            "%s nie jest już czytane: o tym, czyj nagłówek X-Forwarded-For jest wiarygodny, decyduje "
            "tylko %s (deploy/README.md). Przenieś wartość do %s.",
            RETIRED_SETTING,
            PROXY_SETTING,
            PROXY_SETTING,
        )
    if not os.environ.get(PROXY_SETTING):
        log.warning(
            "%s nie jest ustawione: X-Forwarded-For jest wiarygodny tylko z 127.0.0.1 i ::1 (nginx na tym "
            "samym serwerze). Klienci bez znanego adresu mają jeden wspólny limit prób. deploy/README.md.",
            PROXY_SETTING,
        )


def client_address() -> str | None:
    """Return the client's address (uvicorn's, after the proxy rule); None for loopback without a proxy."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no request context (AppTest, bare mode)
        return None
    if not isinstance(address, str) or not address:
        if not _warned.is_set():
            _warned.set()
            log.warning(
                "Nieznany adres klienta (połączenie przez loopback bez nagłówka X-Forwarded-For od proxy "
                "z listy %s): tacy klienci mają jeden wspólny limit prób logowania, rejestracji i resetu "
                "hasła. Ustaw proxy i %s według deploy/README.md.",
                PROXY_SETTING,
                PROXY_SETTING,
            )
        return None
    return address[:64]
