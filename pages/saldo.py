"""Saldo: what each premises owes (overdue, due by a date, later) or has overpaid, and waiting readings."""

from __future__ import annotations

import streamlit as st

from ebok.core import clock, config, fmt
from ebok.core.i18n import N_, _
from ebok.domain import finance, pending
from ebok.web import cached, figures, guard, tables

user, premises_id, version = guard.require_resident_page(N_("Saldo"), need_data=True)
today = clock.today()


summaries, rows = cached.saldo_load(user.premises_ids, version, today)
current = next((s for s in summaries if s.premises_id == premises_id), None)
if current is None:
    st.warning(_("Brak danych finansowych tego lokalu."))
    st.stop()
# Online payments confirmed and not yet booked: read from the store on every run, never cached.
waiting = {s.premises_id: pending.for_premises(s.premises_id) for s in summaries}
found = {pid: cached.pending_view(pid, version, today, items) for pid, items in waiting.items() if items}
views = {pid: v for pid, v in found.items() if v is not None}
view = views.get(premises_id)

st.subheader(_("Lokal {premises}: {address}").format(premises=current.premises_id, address=current.address))
if view is not None:
    current = view.adjusted
    with st.container(border=True, key="saldo_online"):
        st.markdown(_("**Wpłaty online — {label}**").format(label=_(pending.LABEL)))
        st.info(pending.notice(view.pending))
        figures.show(
            figures.amounts(pending.balance_figures(view.booked.balance, view.pending)), "saldo_online"
        )
        tables.show(pending.rows(view.pending, view.booked.balance), tables.HISTORY, key="saldo_online_list")
figures.show(figures.amounts(finance.summary_figures(current)), "saldo")
if current.overdue > 0:
    st.error(
        _("Zaległość po terminie: {amount}. Prosimy o wpłatę.").format(amount=fmt.money(current.overdue))
    )
if current.to_pay > 0:
    st.info(
        _("Do zapłaty: {amount} — dane do przelewu i kod QR na stronie „Zapłać”.").format(
            amount=fmt.money(current.to_pay)
        )
    )
elif current.balance > 0:
    st.success(_("Nadpłata {amount}: nic nie musisz wpłacać.").format(amount=fmt.money(current.balance)))
else:
    st.success(_("Wszystko zapłacone."))

if len(summaries) > 1:
    st.subheader(_("Wszystkie Twoje lokale"))
    tables.show(pending.summaries_rows(summaries, views) if views else rows, tables.PREMISES, key="saldo_all")

pending = finance.pending_submissions(premises_id, cached.booked_submission_ids(premises_id, version))
st.subheader(_("Odczyty czekające na zaksięgowanie"))
if pending:
    st.caption(_("Zaksięgujemy je w nocnym przetwarzaniu danych."))
    st.dataframe(finance.frame(finance.pending_rows(pending)), hide_index=True, key="saldo_pending")
else:
    st.caption(_("Brak odczytów oczekujących."))

if config.load().module_on("waste"):
    waste_text = cached.saldo_next_waste(premises_id, version, today)
    if waste_text:
        st.subheader(_("Odpady"))
        st.write(waste_text)
