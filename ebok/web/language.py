"""The page's language: chosen on the login page or under Ustawienia, kept per account and per browser.

Each run starts with apply(): the language this browser session chose, else the signed-in account's
choice from the store, else the browser's `ebok_lang` cookie, else Polish. The switch saves a choice
to the account (when signed in) and to the cookie, then reloads the page, so Streamlit's own texts
are translated afresh in the new language.
"""

from __future__ import annotations

import json

import streamlit as st

from ebok.auth import language as saved_language
from ebok.core import i18n
from ebok.web import cookie

COOKIE = "ebok_lang"
_LANG = "_ebok_lang"  # (username or None, language) this session resolved
_CHOSEN = "_ebok_lang_chosen"  # a choice made in this session: write the cookie and reload
_EXPLICIT = "_ebok_lang_explicit"  # the person chose with the switch in this session
# The switch's label is in every language: a person who cannot read the page must find it.
LABEL = "Język · Language · Мова"
_YEAR = 365 * 24 * 3600


def _browser() -> str | None:
    """Return the language in the browser's cookie, or None."""
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no request context (AppTest)
        return None
    return i18n.normalize(value) if isinstance(value, str) and value else None


def apply(username: str | None, customer_id: str | None = None) -> str:
    """Set this run's language for the person signed in as USERNAME (None: signed out); return it.

    Signing in from a login page shown in a chosen language (this session's switch, or the
    browser's cookie from an earlier choice) keeps that language and saves it to the account;
    otherwise the account's own choice applies.
    """
    resolved = st.session_state.get(_LANG)
    if resolved is not None and resolved[0] == username:
        return i18n.set_language(resolved[1])
    browser = _browser()
    shown = resolved[1] if resolved is not None and resolved[0] is None else browser
    chosen = st.session_state.get(_EXPLICIT) or browser is not None
    lang = None
    if username:
        lang = shown if chosen and shown else saved_language.saved(username)
        if lang is not None and chosen and lang != saved_language.saved(username):
            saved_language.save(username, customer_id, lang)
    lang = lang or shown or i18n.DEFAULT
    st.session_state[_LANG] = (username, lang)
    return i18n.set_language(lang)


def choose(lang: str, username: str | None = None, customer_id: str | None = None) -> str:
    """Make LANG this session's language (and the account's, when signed in); return it."""
    code = i18n.normalize(lang)
    if username:
        saved_language.save(username, customer_id, code)
    st.session_state[_LANG] = (username, code)
    st.session_state[_CHOSEN] = code
    st.session_state[_EXPLICIT] = True
    return i18n.set_language(code)


def switch(
    username: str | None = None, customer_id: str | None = None, key: str = "ebok_lang_switch"
) -> None:
    """Show the language switch; a new choice is saved and the page reloads in that language."""
    current = i18n.current()

    def _changed() -> None:
        choose(st.session_state[key], username, customer_id)

    st.session_state[key] = current  # the widget shows the session's language, not a stale choice
    st.segmented_control(
        LABEL,
        i18n.LANGS,
        format_func=lambda code: i18n.NAMES[code],
        key=key,
        on_change=_changed,
        required=True,
    )
    chosen = st.session_state.pop(_CHOSEN, None)
    if chosen:
        st.html(_cookie_script(chosen), unsafe_allow_javascript=True)


def _cookie_script(lang: str) -> str:
    """Return a <script> that stores LANG in the browser's cookie and reloads the page."""
    value = f"{COOKIE}={lang}; path={cookie.base_path()}; max-age={_YEAR}; SameSite=Lax"
    return f"<script>document.cookie = {json.dumps(value)}; window.location.reload();</script>"
