"""Odpady i wywozy: collection points, the next collection, the schedule as a calendar, the waste fee."""

from __future__ import annotations

import streamlit as st

from ebok.core import fmt, text
from ebok.core.i18n import N_, _
from ebok.domain import meters, waste
from ebok.web import guard

user, premises_id, _version = guard.require_resident_page(N_("Odpady i wywozy"), "waste")

today = meters.local_now().date()
points = waste.points(premises_id)
if not points:
    st.info(_("Do tego lokalu nie jest przypisany punkt odbioru odpadów."))
    st.stop()

upcoming = waste.next_collection(premises_id, today)
if upcoming is not None:
    st.success(upcoming.text(today))
else:
    st.info(_("Harmonogram nie zawiera kolejnych terminów odbioru."))

st.subheader(_("Punkty odbioru i opłata"))
for p in points:
    with st.container(border=True):
        st.markdown(
            _("**{address}** (rejon {route})").format(
                address=text.escape_markdown(p.address), route=text.escape_markdown(p.route_id)
            )
        )
        st.caption(_("Pojemniki: {containers}").format(containers=text.escape_markdown(p.containers)))
        st.write(p.basis_text())
st.metric(_("Opłata za odpady miesięcznie"), fmt.money(waste.monthly_fee(premises_id)))

st.subheader(_("Harmonogram wywozu"))
month = st.selectbox(_("Miesiąc"), waste.next_months(today), format_func=fmt.month, key="odpady-month")
st.table(waste.calendar_table(premises_id, month.year, month.month))
st.caption(waste.legend_text())
rows = waste.fraction_rows(premises_id, month)
if rows:
    st.dataframe(rows, hide_index=True, width="stretch")
else:
    st.info(_("W tym miesiącu nie ma zaplanowanych odbiorów."))
