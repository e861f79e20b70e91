"""Faktury i kalendarz: charges and invoices with what remains (FIFO) and a calendar of payments."""

from __future__ import annotations

import streamlit as st

from ebok.core import clock, fmt
from ebok.core.i18n import N_, _
from ebok.domain import charts, pending
from ebok.web import cached, figures, guard, tables

user, premises_id, version = guard.require_resident_page(N_("Faktury i kalendarz płatności"), need_data=True)
today = clock.today()


# Online payments confirmed and not yet booked: read from the store on every run, part of the key.
waiting = pending.for_premises(premises_id)
data = cached.faktury_load(premises_id, version, today, waiting)
overdue, upcoming = data["totals"]
if waiting:
    st.info(pending.notice(waiting), icon=":material/hourglass_top:")
figures.show(
    [
        figures.Figure(
            _("Zaległość po terminie"), fmt.money(overdue), _("Należności, których termin płatności minął.")
        ),
        figures.Figure(
            _("Do zapłaty w terminie"),
            fmt.money(upcoming),
            _("Należności, których termin płatności jeszcze nie minął: to nie zaległość."),
        ),
    ],
    "faktury",
)

st.subheader(_("Faktury i naliczenia"))
only_open = st.toggle(_("Tylko nieopłacone"), value=True, key="faktury_open")
rows = data["unpaid"] if only_open else data["all"]
if rows:
    tables.show(rows, tables.ITEMS, key="faktury_items")
    if any(r.get("PDF") for r in rows):
        st.caption(_("„Pobierz PDF” otwiera stronę „Dokumenty” z wybranym dokumentem, gotowym do pobrania."))
else:
    st.success(_("Nie ma nieopłaconych należności."))
st.caption(_("Wpłaty pokrywają najpierw należności z najwcześniejszym terminem płatności."))

st.subheader(_("Kalendarz płatności"))
if not data["calendar"]:
    st.success(_("Nie ma nic do zapłaty."))
else:
    tables.show(data["days"], tables.CALENDAR, key="faktury_calendar")
    months = data["months"]
    month = st.selectbox(
        _("Miesiąc"),
        months,
        index=months.index(today.replace(day=1)),
        format_func=fmt.month,
        key=f"faktury_month_{premises_id}",
    )
    st.table(cached.faktury_grid(premises_id, version, today, month, waiting))
    st.caption(_("⚠ — kwota po terminie płatności."))
    if st.toggle(_("Pokaż oś czasu"), key="faktury_chart_on"):
        st.plotly_chart(
            charts.payment_calendar(data["calendar"], today), key="faktury_chart", config=charts.CONFIG
        )
