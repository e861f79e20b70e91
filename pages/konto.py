"""Hasło i bezpieczeństwo: change the password, sign out everywhere."""

from __future__ import annotations

import streamlit as st

from ebok.auth import sessions
from ebok.core import config
from ebok.core.i18n import _
from ebok.web import guard, login, session

user = guard.require_login("any")
st.title(_("Hasło i bezpieczeństwo"))
guard.data_as_of()

if login.password_change_form(user):
    st.stop()

cfg = config.load()
st.subheader(_("Sesje"))
st.write(
    _("Wylogowujemy automatycznie po {minutes} min bezczynności i po {hours} godz. od zalogowania.").format(
        minutes=cfg.security.idle_timeout_minutes, hours=cfg.security.absolute_timeout_hours
    )
)
if st.button(_("Wyloguj wszystkie moje sesje (także na innych urządzeniach)"), key="ebok_logout_all"):
    count = sessions.revoke_user(user.username, "logout_all")
    session.logout(user)
    st.success(_("Zakończono sesje: {count}. Zaloguj się ponownie.").format(count=count))
    st.rerun()
