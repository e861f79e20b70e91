"""Pulpit: the office's start page — registrations and messages waiting, and the last nightly load."""

from __future__ import annotations

import streamlit as st

from ebok.core.i18n import _
from ebok.domain import dashboard
from ebok.web import guard

user = guard.require_login("admin")
guard.data_as_of()

st.title(_("Pulpit"))

board = dashboard.office_dashboard()
if board.missed_warning:
    st.warning(board.missed_warning)

regs, items, load = st.columns(3)
with regs.container(border=True):
    st.metric(_("Rejestracje do zatwierdzenia"), board.pending_registrations)
    st.page_link("pages/admin_konta.py", label=_("Konta i rejestracje"), icon=":material/group:")
with items.container(border=True):
    st.metric(
        _("Nowe zgłoszenia"),
        board.new_items,
        help=_("Wiadomości i awarie, na które nikt jeszcze nie odpowiedział."),
    )
    st.page_link("pages/admin_skrzynka.py", label=_("Skrzynka zgłoszeń"), icon=":material/inbox:")
with load.container(border=True):
    st.metric(_("Ostatnie ładowanie danych"), board.load_outcome)
    st.caption(board.load_text())
    if board.load_failed:
        st.error(_("Ostatnie ładowanie nie zmieniło danych — sprawdź przyczynę w „Stan danych”."))
    st.page_link("pages/admin_dane.py", label=_("Stan danych"), icon=":material/database:")
st.caption(_("Hurtownia w użyciu: {version}").format(version=board.warehouse_version or _("brak")))
