"""Płatności online: every online payment with its status, filters, problems highlighted, export batches."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ebok.core import clock, fmt
from ebok.domain import online_payments, payment_status, payments_export, pending
from ebok.web import guard, tables

user = guard.require_login("admin")
guard.data_as_of()

st.title("Płatności online")
if not online_payments.enabled():
    st.info(
        "Płatności online są wyłączone albo brakuje kluczy bramki w pliku sekretów "
        "(Konfiguracja → Płatności online, docs/konfiguracja.md). Poniżej są płatności przyjęte wcześniej."
    )

FILTER_ALL = ""
with st.container(border=True):
    c1, c2, c3 = st.columns([1, 1, 1])
    status = c1.selectbox(
        "Status",
        [FILTER_ALL, *payment_status.STATUS_FILTERS],
        format_func=lambda s: payment_status.STATUS_FILTERS.get(s, "wszystkie"),
        key="platnosci_status",
    )
    premises_id = c2.text_input("Lokal", placeholder="np. B0001/M001", key="platnosci_lokal").strip()
    today = dt.date.today()
    period = c3.date_input(
        "Utworzone w dniach",
        value=(today - dt.timedelta(days=30), today),
        format="DD.MM.YYYY",
        key="platnosci_okres",
    )
    problems_only = st.toggle(
        "Tylko wymagające uwagi (nieudane, odrzucone, niezgodne)", key="platnosci_problemy"
    )
if not isinstance(period, tuple | list) or len(period) != 2:
    st.warning("Utworzone w dniach: wybierz datę początkową i końcową.")
    st.stop()

found = payment_status.office_search(status, premises_id, period[0], period[1], problems_only)
now = clock.now()
summary = payment_status.totals(found, now)
m1, m2, m3, m4 = st.columns(4)
m1.metric("Płatności", fmt.number(summary.count, 0))
m2.metric("Opłacone (suma)", fmt.money(pending.zl(summary.confirmed_grosze)))
m3.metric("Wymagają uwagi", fmt.number(summary.problems, 0))
m4.metric("Czekają na eksport", fmt.number(summary.waiting_export, 0))
if summary.problems:
    st.error(
        f"Wymagają uwagi: {summary.problems} — wiersze wyróżnione na czerwono i oznaczone ⚠ "
        "(nieudane, odrzucone lub niezgodne powiadomienia, brak powiadomienia)."
    )
if found:
    rows = payment_status.office_rows(found, now)
    tables.show(rows, tables.ONLINE_PAYMENTS, key="platnosci_lista", flagged=payment_status.flagged(rows))
else:
    st.info("Brak płatności spełniających warunki.")

st.subheader("Przekazanie do księgowości")
st.markdown(
    "Paczka zawiera opłacone, jeszcze niewyeksportowane płatności; każda płatność trafia do jednej paczki "
    f"(format: docs/payments-export-format.md). To samo robi polecenie `{payments_export.COMMAND}`."
)
if st.button("Utwórz paczkę eksportu", type="primary", icon=":material/outbox:", key="platnosci_eksport"):
    made = online_payments.export_batch(user.username)
    if made is None:
        st.info("Brak nowych opłaconych płatności do eksportu.")
    else:
        st.success(payments_export.batch_text(made.batch_id, made.rows, made.total_grosze))
        st.download_button(
            f"Pobierz {made.filename}",
            made.content,
            file_name=made.filename,
            mime=payments_export.MIME,
            icon=":material/download:",
            on_click="ignore",
            key="platnosci_nowa_paczka",
        )

earlier = online_payments.batches()
if earlier:
    by_id = {b.batch_id: b for b in earlier}
    chosen = st.selectbox(
        "Wcześniejsze paczki",
        list(by_id),
        format_func=lambda b: payments_export.batch_label(by_id[b]),
        key="platnosci_paczka",
    )
    st.download_button(
        "Pobierz paczkę ponownie",
        lambda: online_payments.batch_csv(chosen),
        file_name=payments_export.filename(chosen),
        mime=payments_export.MIME,
        icon=":material/download:",
        on_click="ignore",
        key="platnosci_pobierz",
    )
else:
    st.caption("Nie utworzono jeszcze żadnej paczki.")
