"""Writing the login cookie in the browser (extra_streamlit_components' cookie frontend)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import extra_streamlit_components as stx
import streamlit as st
import streamlit.components.v1 as components

# The package's own cookie frontend, declared here so that writing a cookie is one iframe whose answer
# we get back: CookieManager.set() drops the component's answer and draws a second (getAll) iframe
# whose answer reruns the script, often before the setting iframe has even loaded.
_FRONTEND = Path(stx.__file__).resolve().parent / "CookieManager" / "frontend" / "build"
_cookie_frontend = components.declare_component("cookie_writer", path=str(_FRONTEND))
_HIDE_EMPTY_FRAME = '<style>.element-container:has(iframe[height="0"]) { display: none; }</style>'


def write(name: str, token: str, expires: dt.datetime, secure: bool = False) -> bool:
    """Render the component that sets cookie NAME (SameSite=Strict, Secure on HTTPS) until EXPIRES.

    Return True once the browser reported the cookie set; until then the caller must keep rendering
    it (a rerun that removes the iframe before it ran means the cookie is never written).
    """
    options: dict[str, object] = {
        "path": "/",
        "expires": expires.astimezone().replace(tzinfo=None).isoformat(),
        "sameSite": "strict",
    }
    if secure:
        options["secure"] = True
    # One key per token: a component keeps its answer under its key, so an earlier login's "written"
    # must never count for a later cookie.
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]
    # A constant style rule, never user or export data: it hides the zero-height setter frame.
    st.markdown(_HIDE_EMPTY_FRAME, unsafe_allow_html=True)
    answer = _cookie_frontend(
        method="set",
        cookie=name,
        value=token,
        options=options,
        key=f"ebok_cookie_set_{digest}",
        default=False,
    )
    return answer is True


def delete(name: str) -> None:
    """Render the component that deletes cookie NAME if the browser has it."""
    manager = stx.CookieManager(key="ebok_cookie_manager")
    if name in (manager.cookies or {}):
        manager.delete(name, key="ebok_cookie_delete")
