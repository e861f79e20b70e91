"""Send the browser to a payment gateway's page: a visible link, and the same address opened at once.

The address comes from our own store (online_payments.start returned it after the gateway registered
the payment), never from the browser; only http(s) addresses are followed, JSON-encoded into the script
so no quote or `</script>` in it can break out.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import streamlit as st

from ebok.core.i18n import _


def safe_url(url: str) -> bool:
    """Return True for an absolute http(s) address with a host (what a gateway gives)."""
    parts = urlsplit(url or "")
    return parts.scheme in ("https", "http") and bool(parts.netloc)


def script(url: str) -> str:
    """Return the <script> that opens URL in this tab (a JSON string literal, '</' escaped)."""
    literal = json.dumps(url).replace("</", "<\\/")
    return f"<script>window.location.assign({literal});</script>"


def go(url: str, label: str, *, automatic: bool = True, key: str | None = None) -> None:
    """Show a button that opens URL and, when AUTOMATIC, open it at once."""
    if not safe_url(url):
        st.error(
            _("Operator płatności zwrócił nieprawidłowy adres strony płatności. Spróbuj ponownie później.")
        )
        return
    st.link_button(label, url, type="primary", icon=":material/open_in_new:", key=key)
    if automatic:
        st.caption(
            _(
                "Za chwilę przeniesiemy Cię na stronę operatora płatności. Jeśli to nie nastąpi, użyj przycisku."
            )
        )
        st.html(script(url), unsafe_allow_javascript=True)
