"""Moje dane i lokale: customer, premises, bank account, charge parameters and the monthly fee."""

from __future__ import annotations

import streamlit as st

from ebok.core import clock, fmt, text
from ebok.core.i18n import N_, _
from ebok.domain import charts, finance
from ebok.web import cached, guard, tables

user, premises_id, version = guard.require_resident_page(N_("Moje dane i lokale"), need_data=True)
today = clock.today()


data = cached.moje_dane_load(premises_id, user.premises_ids, version, today)
if data is None:
    st.warning(_("Brak danych tego lokalu."))
    st.stop()

st.subheader(_("Klient"))
st.dataframe(data["customer"], hide_index=True, key="moje_klient")
# Normal text, not a caption: a caption fades the mailto link below 4.5:1 contrast (WCAG AA).
st.markdown(_("E-mail logowania do e-BOK: {email}").format(email=text.escape_markdown(user.email)))

if len(user.premises_ids) > 1:
    st.subheader(_("Twoje lokale"))
    tables.show(data["premises"], tables.PREMISES, key="moje_lokale")

st.subheader(_("Lokal {premises_id}").format(premises_id=premises_id))
st.dataframe(data["details"], hide_index=True, key="moje_lokal")

st.subheader(_("Z czego składa się opłata miesięczna"))
if data["latest_period"] is None:
    st.info(_("Brak naliczeń dla tego lokalu."))
else:
    st.caption(_("Naliczenie za {month}").format(month=fmt.month(data["latest_period"])))
    tables.show(data["latest"], tables.COMPONENTS, key="moje_skladniki")
    st.metric(_("Razem miesięcznie"), fmt.money(data["fee"]))
    if st.toggle(_("Pokaż wykres zmian opłaty w kolejnych latach"), key="moje_wykres_on"):
        st.plotly_chart(
            charts.fee_history(finance.charge_components(premises_id)),
            key="moje_wykres",
            config=charts.CONFIG,
        )
