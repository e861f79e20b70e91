"""Rachunki i płatności: account history by month with a running balance, filters, CSV/XLSX export."""

from __future__ import annotations

import functools

import streamlit as st

from ebok.core import clock, fmt
from ebok.core.i18n import N_, _
from ebok.domain import export, finance, pending
from ebok.web import cached, figures, guard, tables

user, premises_id, version = guard.require_resident_page(N_("Rachunki i płatności"), need_data=True)
today = clock.today()


found = cached.rachunki_bounds(premises_id, version)
if found is None:
    st.info(_("Na koncie tego lokalu nie ma jeszcze żadnych zapisów."))
    st.stop()
first_day, last_day = found[0], max(found[1], today)
default_from = max(first_day, finance.months_back(today, 11))
with st.container(border=True):
    c1, c2 = st.columns([1, 1])
    period = c1.date_input(
        _("Okres"),
        value=(default_from, last_day),
        min_value=first_day,
        max_value=last_day,
        format="DD.MM.YYYY",
        key=f"rachunki_okres_{premises_id}",
    )
    # Pills that wrap onto the next line on a phone (in a column they scroll sideways unless told
    # to wrap); a multiselect's chips ran past a 390 px screen.
    kinds = c2.pills(
        _("Rodzaj zapisu"),
        list(finance.KIND_NAMES),
        selection_mode="multi",
        wrap=True,
        default=list(finance.KIND_NAMES),
        format_func=lambda kind: _(finance.KIND_NAMES[kind]),
        key="rachunki_rodzaj",
    )
if not isinstance(period, tuple | list) or len(period) != 2:
    st.warning(_("Okres: wybierz datę początkową i końcową."))
    st.stop()
date_from, date_to = period
kinds = tuple(k for k in kinds if k in finance.KIND_NAMES)
totals, months = cached.rachunki_view(premises_id, version, date_from, date_to, kinds)

BALANCE_HELP = _("Saldo dodatnie to nadpłata, ujemne to kwota do zapłaty.")
figures.show(
    [
        figures.Figure(_("Saldo na początek okresu"), fmt.money(totals.opening), BALANCE_HELP),
        figures.Figure(_("Naliczenia w okresie"), fmt.money(totals.charges)),
        figures.Figure(_("Wpłaty i uznania w okresie"), fmt.money(totals.payments)),
        figures.Figure(_("Saldo na koniec okresu"), fmt.money(totals.closing), BALANCE_HELP),
    ],
    "rachunki",
)
st.caption(
    _(
        "Saldo dodatnie to nadpłata, ujemne to kwota do zapłaty (zaległością jest dopiero kwota po terminie "
        "płatności, zob. „Saldo”). „Saldo po” uwzględnia wszystkie zapisy konta."
    )
)

# Online payments confirmed and not yet booked (store, read on every run): shown above the booked
# history, whatever the filters, with the balance they make.
waiting = pending.for_premises(premises_id)
view = cached.pending_view(premises_id, version, today, waiting) if waiting else None
if view is not None:
    with st.container(border=True, key="rachunki_online"):
        st.markdown(_("**Wpłaty online — {label}**").format(label=_(pending.LABEL)))
        st.caption(pending.notice(view.pending))
        figures.show(
            figures.amounts(pending.balance_figures(view.booked.balance, view.pending)), "rachunki_online"
        )
        tables.show(
            pending.rows(view.pending, view.booked.balance), tables.HISTORY, key="rachunki_online_list"
        )

# Files are built only when the resident clicks (deferred download), never on a rerun.
d1, d2 = st.columns(2)
d1.download_button(
    _("Pobierz CSV"),
    functools.partial(export.premises_csv, premises_id, date_from, date_to, kinds),
    file_name=export.filename(premises_id, "csv"),
    mime=export.MIME_CSV,
    icon=":material/download:",
    on_click="ignore",
    key="rachunki_csv",
)
d2.download_button(
    _("Pobierz XLSX"),
    functools.partial(export.premises_xlsx, premises_id, date_from, date_to, kinds),
    file_name=export.filename(premises_id, "xlsx"),
    mime=export.MIME_XLSX,
    icon=":material/download:",
    on_click="ignore",
    key="rachunki_xlsx",
)

if not months:
    st.info(_("Brak zapisów w wybranym okresie."))
# Only an open month's table is sent: a year of months would be a dozen tables on every visit.
for i, (month, label, rows) in enumerate(months):
    box = st.expander(label, expanded=i == 0, key=f"rachunki_mies_{premises_id}_{month}", on_change="rerun")
    if box.open:
        with box:
            tables.show(rows, tables.HISTORY, key=f"rachunki_m{i}")
