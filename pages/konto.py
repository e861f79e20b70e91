"""Hasło i bezpieczeństwo: change the password, sign out everywhere."""

from __future__ import annotations

import streamlit as st

from ebok.auth import sessions
from ebok.core import config
from ebok.web import guard, login, session

user = guard.require_login("any")
st.title("Hasło i bezpieczeństwo")
guard.data_as_of()

if login.password_change_form(user):
    st.stop()

cfg = config.load()
st.subheader("Sesje")
st.write(
    f"Wylogowujemy automatycznie po {cfg.security.idle_timeout_minutes} min bezczynności "
    f"i po {cfg.security.absolute_timeout_hours} godz. od zalogowania."
)
if st.button("Wyloguj wszystkie moje sesje (także na innych urządzeniach)", key="ebok_logout_all"):
    count = sessions.revoke_user(user.username, "logout_all")
    session.logout(user)
    st.success(f"Zakończono sesje: {count}. Zaloguj się ponownie.")
    st.rerun()
