"""Hasło i bezpieczeństwo: change the password, sign out everywhere."""

from __future__ import annotations

import streamlit as st

from ebok import ui
from ebok.auth import conf, sessions

user = ui.require_login("any")
st.title("Hasło i bezpieczeństwo")
ui.data_as_of()

if ui.password_change_form(user):
    st.stop()

cfg = conf.load()
st.subheader("Sesje")
st.write(
    f"Wylogowujemy automatycznie po {cfg.idle_timeout_minutes} min bezczynności "
    f"i po {cfg.absolute_timeout_hours} godz. od zalogowania."
)
if st.button("Wyloguj wszystkie moje sesje (także na innych urządzeniach)", key="ebok_logout_all"):
    count = sessions.revoke_user(user.username, "logout_all")
    ui.logout(user)
    st.success(f"Zakończono sesje: {count}. Zaloguj się ponownie.")
    st.rerun()
