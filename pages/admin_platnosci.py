"""Płatności online: every online payment with its status, filters, problems highlighted, export batches."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ebok.core import clock, fmt
from ebok.core.i18n import _
from ebok.domain import online_payments, payment_status, payments_export, pending
from ebok.web import guard, tables

user = guard.require_login("admin")
guard.data_as_of()

st.title(_("Płatności online"))
if not online_payments.enabled():
    st.info(
        _(
            "Płatności online są wyłączone albo brakuje kluczy bramki w pliku sekretów "
            "(Konfiguracja → Płatności online, docs/konfiguracja.md). Poniżej są płatności przyjęte wcześniej."
        )
    )

FILTER_ALL = ""
with st.container(border=True):
    c1, c2, c3 = st.columns([1, 1, 1])
    status = c1.selectbox(
        _("Status"),
        [FILTER_ALL, *payment_status.STATUS_FILTERS],
        # The filters' labels are the payment statuses' Polish msgids (marked in ebok.domain).
        format_func=lambda s: (
            _(payment_status.STATUS_FILTERS[s]) if s in payment_status.STATUS_FILTERS else _("wszystkie")
        ),
        key="platnosci_status",
    )
    premises_id = c2.text_input(_("Lokal"), placeholder=_("np. B0001/M001"), key="platnosci_lokal").strip()
    today = clock.today()
    period = c3.date_input(
        _("Utworzone w dniach"),
        value=(today - dt.timedelta(days=30), today),
        format="DD.MM.YYYY",
        key="platnosci_okres",
    )
    problems_only = st.toggle(
        _("Tylko wymagające uwagi (nieudane, odrzucone, niezgodne)"), key="platnosci_problemy"
    )
if not isinstance(period, tuple | list) or len(period) != 2:
    st.warning(_("Utworzone w dniach: wybierz datę początkową i końcową."))
    st.stop()

found = payment_status.office_search(status, premises_id, period[0], period[1], problems_only)
now = clock.now()
summary = payment_status.totals(found, now)
m1, m2, m3, m4 = st.columns(4)
m1.metric(_("Płatności"), fmt.number(summary.count, 0))
m2.metric(_("Opłacone (suma)"), fmt.money(pending.zl(summary.confirmed_grosze)))
m3.metric(_("Wymagają uwagi"), fmt.number(summary.problems, 0))
m4.metric(_("Czekają na eksport"), fmt.number(summary.waiting_export, 0))
if summary.problems:
    st.error(
        _(
            "Wymagają uwagi: {count} — wiersze wyróżnione na czerwono i oznaczone ⚠ "
            "(nieudane, odrzucone lub niezgodne powiadomienia, brak powiadomienia)."
        ).format(count=summary.problems)
    )
if found:
    rows = payment_status.office_rows(found, now)
    tables.show(rows, tables.ONLINE_PAYMENTS, key="platnosci_lista", flagged=payment_status.flagged(rows))
else:
    st.info(_("Brak płatności spełniających warunki."))

st.subheader(_("Przekazanie do księgowości"))
st.markdown(
    _(
        "Paczka zawiera opłacone, jeszcze niewyeksportowane płatności; każda płatność trafia do jednej paczki "
        "(format: docs/payments-export-format.md). To samo robi polecenie `{command}`."
    ).format(command=payments_export.COMMAND)
)
if st.button(_("Utwórz paczkę eksportu"), type="primary", icon=":material/outbox:", key="platnosci_eksport"):
    made = online_payments.export_batch(user.username)
    if made is None:
        st.info(_("Brak nowych opłaconych płatności do eksportu."))
    else:
        st.success(payments_export.batch_text(made.batch_id, made.rows, made.total_grosze))
        st.download_button(
            _("Pobierz {file}").format(file=made.filename),
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
        _("Wcześniejsze paczki"),
        list(by_id),
        format_func=lambda b: payments_export.batch_label(by_id[b]),
        key="platnosci_paczka",
    )
    st.download_button(
        _("Pobierz paczkę ponownie"),
        lambda: online_payments.batch_csv(chosen),
        file_name=payments_export.filename(chosen),
        mime=payments_export.MIME,
        icon=":material/download:",
        on_click="ignore",
        key="platnosci_pobierz",
    )
else:
    st.caption(_("Nie utworzono jeszcze żadnej paczki."))
