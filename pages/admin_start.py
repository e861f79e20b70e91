"""Pulpit: the office's start page — registrations and messages waiting, and the last nightly load."""

from __future__ import annotations

import streamlit as st

from ebok.domain import dashboard
from ebok.web import guard

user = guard.require_login("admin")
guard.data_as_of()

st.title("Pulpit")

board = dashboard.office_dashboard()
if board.missed_warning:
    st.warning(board.missed_warning)

regs, items, load = st.columns(3)
with regs.container(border=True):
    st.metric("Rejestracje do zatwierdzenia", board.pending_registrations)
    st.page_link("pages/admin_konta.py", label="Konta i rejestracje", icon=":material/group:")
with items.container(border=True):
    st.metric(
        "Nowe zgłoszenia",
        board.new_items,
        help="Wiadomości i awarie, na które nikt jeszcze nie odpowiedział.",
    )
    st.page_link("pages/admin_skrzynka.py", label="Skrzynka zgłoszeń", icon=":material/inbox:")
with load.container(border=True):
    st.metric("Ostatnie ładowanie danych", board.load_outcome)
    st.caption(board.load_text())
    if board.load_failed:
        st.error("Ostatnie ładowanie nie zmieniło danych — sprawdź przyczynę w „Stan danych”.")
    st.page_link("pages/admin_dane.py", label="Stan danych", icon=":material/database:")
st.caption(f"Hurtownia w użyciu: {board.warehouse_version or 'brak'}")
