"""Faktury i kalendarz: charges and invoices with what remains (FIFO) and a calendar of payments."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ebok import charts, finance, fmt, ui

user, premises_id, version = ui.require_resident_page("Faktury i kalendarz płatności", need_data=True)
today = dt.date.today()


@st.cache_data(ttl=3600, max_entries=5000, show_spinner=False)
def load(premises_id: str, version: str, today: dt.date) -> dict[str, object]:
    """Charges with remaining amounts, the payment calendar and their tables (key: premises + version + day)."""
    items = finance.open_items(premises_id)
    calendar = finance.payment_calendar(items, today)
    return {
        "calendar": calendar,
        "totals": finance.calendar_totals(calendar),
        "all": finance.frame(finance.items_rows(finance.newest_first(items), today)),
        "unpaid": finance.frame(finance.items_rows(finance.unpaid(items), today)),
        "days": finance.frame(finance.calendar_rows(calendar)),
        "months": finance.calendar_months(calendar, today),
    }


@st.cache_data(ttl=3600, max_entries=5000, show_spinner=False)
def grid(premises_id: str, version: str, today: dt.date, month: dt.date) -> object:
    """The month grid of due amounts (key: premises + version + day + month)."""
    calendar = load(premises_id, version, today)["calendar"]
    return finance.frame(finance.month_grid_rows(month.year, month.month, calendar))


data = load(premises_id, version, today)
overdue, upcoming = data["totals"]
c1, c2 = st.columns(2)
c1.metric("Po terminie", fmt.money(overdue))
c2.metric("Do zapłaty w terminie", fmt.money(upcoming))

st.subheader("Faktury i naliczenia")
only_open = st.toggle("Tylko nieopłacone", value=True, key="faktury_open")
table = data["unpaid"] if only_open else data["all"]
if len(table):
    st.dataframe(table, hide_index=True, key="faktury_items")
else:
    st.success("Nie ma nieopłaconych należności.")
st.caption("Wpłaty pokrywają najpierw należności z najwcześniejszym terminem płatności.")

st.subheader("Kalendarz płatności")
if not data["calendar"]:
    st.success("Nie ma nic do zapłaty.")
else:
    st.dataframe(data["days"], hide_index=True, key="faktury_calendar")
    months = data["months"]
    month = st.selectbox(
        "Miesiąc",
        months,
        index=months.index(today.replace(day=1)),
        format_func=fmt.month,
        key=f"faktury_month_{premises_id}",
    )
    st.table(grid(premises_id, version, today, month))
    st.caption("⚠ — kwota po terminie płatności.")
    if st.toggle("Pokaż oś czasu", key="faktury_chart_on"):
        st.plotly_chart(charts.payment_calendar(data["calendar"], today), key="faktury_chart")
