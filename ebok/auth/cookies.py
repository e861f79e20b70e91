"""Writing the login cookie in the browser (extra_streamlit_components, as streamlit-authenticator does)."""

from __future__ import annotations

import datetime as dt

import extra_streamlit_components as stx


def write(name: str, token: str, expires: dt.datetime, secure: bool = False) -> None:
    """Render the component that sets cookie NAME (SameSite=Strict, Secure on HTTPS) until EXPIRES."""
    manager = stx.CookieManager(key="ebok_cookie_manager")
    manager.set(
        name,
        token,
        key="ebok_cookie_set",
        expires_at=expires.astimezone().replace(tzinfo=None),
        same_site="strict",
        secure=secure or None,
    )


def delete(name: str) -> None:
    """Render the component that deletes cookie NAME if the browser has it."""
    manager = stx.CookieManager(key="ebok_cookie_manager")
    if name in (manager.cookies or {}):
        manager.delete(name, key="ebok_cookie_delete")
