"""Moje dane i lokale: customer, premises, bank account, charge parameters and the monthly fee."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ebok.core import fmt, text
from ebok.domain import charts, finance
from ebok.web import cached, guard, tables

user, premises_id, version = guard.require_resident_page("Moje dane i lokale", need_data=True)
today = dt.date.today()


data = cached.moje_dane_load(premises_id, user.premises_ids, version, today)
if data is None:
    st.warning("Brak danych tego lokalu.")
    st.stop()

st.subheader("Klient")
st.dataframe(data["customer"], hide_index=True, key="moje_klient")
# Normal text, not a caption: a caption fades the mailto link below 4.5:1 contrast (WCAG AA).
st.markdown(f"E-mail logowania do e-BOK: {text.escape_markdown(user.email)}")

if len(user.premises_ids) > 1:
    st.subheader("Twoje lokale")
    tables.show(data["premises"], tables.PREMISES, key="moje_lokale")

st.subheader(f"Lokal {premises_id}")
st.dataframe(data["details"], hide_index=True, key="moje_lokal")

st.subheader("Z czego składa się opłata miesięczna")
if data["latest_period"] is None:
    st.info("Brak naliczeń dla tego lokalu.")
else:
    st.caption(f"Naliczenie za {fmt.month(data['latest_period'])}")
    tables.show(data["latest"], tables.COMPONENTS, key="moje_skladniki")
    st.metric("Razem miesięcznie", fmt.money(data["fee"]))
    if st.toggle("Pokaż wykres zmian opłaty w kolejnych latach", key="moje_wykres_on"):
        st.plotly_chart(
            charts.fee_history(finance.charge_components(premises_id)),
            key="moje_wykres",
            config=charts.CONFIG,
        )
