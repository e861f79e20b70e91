"""Saldo: balance of each premises (nadpłata/zaległość), what is due next, overdue, waiting readings."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ebok.core import config, fmt
from ebok.domain import finance
from ebok.web import cached, guard

user, premises_id, version = guard.require_resident_page("Saldo", need_data=True)
today = dt.date.today()


summaries, table = cached.saldo_load(user.premises_ids, version, today)
current = next((s for s in summaries if s.premises_id == premises_id), None)
if current is None:
    st.warning("Brak danych finansowych tego lokalu.")
    st.stop()

st.subheader(f"Lokal {current.premises_id}: {current.address}")
c1, c2, c3 = st.columns(3)
c1.metric(f"Saldo ({current.word})" if current.balance else "Saldo", fmt.money(abs(current.balance)))
c2.metric("Po terminie", fmt.money(current.overdue))
c3.metric(
    "Najbliższa płatność",
    fmt.money(current.next_due_amount) if current.next_due else "—",
    f"termin {fmt.date(current.next_due)}" if current.next_due else None,
    delta_color="off",
)
if current.overdue > 0:
    st.error(f"Zaległość po terminie: {fmt.money(current.overdue)}. Prosimy o wpłatę.")
if current.to_pay > 0:
    st.info(f"Do zapłaty teraz: {fmt.money(current.to_pay)} — dane do przelewu i kod QR na stronie „Zapłać”.")
elif current.balance > 0:
    st.success(f"Nadpłata {fmt.money(current.balance)}: nic nie musisz wpłacać.")
else:
    st.success("Wszystko zapłacone.")

if len(summaries) > 1:
    st.subheader("Wszystkie Twoje lokale")
    st.dataframe(table, hide_index=True, key="saldo_all")

pending = finance.pending_submissions(premises_id, cached.booked_submission_ids(premises_id, version))
st.subheader("Odczyty czekające na zaksięgowanie")
if pending:
    st.caption("Zaksięgujemy je w nocnym przetwarzaniu danych.")
    st.dataframe(finance.frame(finance.pending_rows(pending)), hide_index=True, key="saldo_pending")
else:
    st.caption("Brak odczytów oczekujących.")

if config.load().module_on("waste"):
    waste_text = cached.saldo_next_waste(premises_id, version, today)
    if waste_text:
        st.subheader("Odpady")
        st.write(waste_text)
