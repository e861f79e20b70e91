"""Nie pamiętam hasła: request a reset link by e-mail, then set a new password from the link."""

from __future__ import annotations

import streamlit as st

from ebok.auth import service, tokens
from ebok.core.errors import FormError
from ebok.core.i18n import _
from ebok.storage import outbox
from ebok.web import client, forms, guard

guard.guard_public_page()
st.title(_("Nie pamiętam hasła"))

token = st.query_params.get("token")
if token:
    if tokens.peek("reset", token) is None:
        st.error(
            _("Link do zmiany hasła jest nieprawidłowy, został już użyty albo wygasł. Poproś o nowy poniżej.")
        )
        del st.query_params["token"]
    else:
        with st.form("ebok_reset_new_password", clear_on_submit=True):
            new = st.text_input(_("Nowe hasło"), type="password", max_chars=128, autocomplete="new-password")
            repeat = st.text_input(
                _("Powtórz nowe hasło"), type="password", max_chars=128, autocomplete="new-password"
            )
            submitted = st.form_submit_button(_("Ustaw nowe hasło"))
        if submitted:
            try:
                service.reset_password(token, new, repeat, client.client_address())
            except FormError as err:
                forms.show_problems(err)
            else:
                del st.query_params["token"]
                st.success(_("Hasło zostało zmienione. Możesz się zalogować."))
        st.stop()

with st.form("ebok_reset_request", clear_on_submit=True):
    email = st.text_input(_("E-mail podany w e-BOK"), max_chars=254, autocomplete="email")
    submitted = st.form_submit_button(_("Wyślij link"))
if submitted:
    if "@" not in email:
        st.error(_("E-mail: podaj poprawny adres."))
    else:
        st.info(service.request_reset(email, client.client_address()))
        outbox.try_send_now()
