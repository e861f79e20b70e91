"""Dokumenty: the premises' PDFs and general documents (own only), and an account statement PDF."""

from __future__ import annotations

import functools

import streamlit as st

from ebok.core import clock
from ebok.core.i18n import N_, _
from ebok.domain import documents, statement_pdf
from ebok.web import cached, guard

user, premises_id, version = guard.require_resident_page(N_("Dokumenty"), need_data=True)
today = clock.today()


docs, table = cached.dokumenty_load(premises_id, version)
st.subheader(_("Dokumenty lokalu i dokumenty ogólne"))
if not docs:
    st.info(_("Nie ma jeszcze dokumentów."))
else:
    st.dataframe(table, hide_index=True, key="dokumenty_lista")
    ids = [d.document_id for d in docs]
    labels = {d.document_id: documents.label(d) for d in docs}
    # ?dokument=ID preselects a document (links from other pages); only the premises' own are offered.
    wanted = st.query_params.get("dokument")
    if wanted and wanted not in ids:
        st.warning(_("Dokument: nie ma takiego dokumentu wśród dokumentów Twojego lokalu."))
    chosen = st.selectbox(
        _("Dokument do pobrania"),
        ids,
        index=ids.index(wanted) if wanted in ids else 0,
        format_func=labels.get,
        key=f"dokumenty_wybor_{premises_id}",
    )
    doc = next(d for d in docs if d.document_id == chosen)
    # The file is read only on click; read_document checks again that it belongs to this premises.
    st.download_button(
        _("Pobierz PDF"),
        functools.partial(documents.read_pdf, premises_id, doc.document_id),
        file_name=doc.download_name,
        mime="application/pdf",
        icon=":material/download:",
        on_click="ignore",
        key="dokumenty_pobierz",
    )

st.subheader(_("Zestawienie konta (PDF)"))
st.caption(_("Saldo otwarcia, wszystkie zapisy w okresie i saldo zamknięcia."))
period = st.date_input(
    _("Okres zestawienia"),
    value=(today.replace(month=1, day=1), today),
    max_value=today,
    format="DD.MM.YYYY",
    key="dokumenty_okres",
)
if not isinstance(period, tuple | list) or len(period) != 2:
    st.warning(_("Okres zestawienia: wybierz datę początkową i końcową."))
else:
    date_from, date_to = period
    st.download_button(
        _("Pobierz zestawienie PDF"),
        functools.partial(statement_pdf.build, premises_id, date_from, date_to, today),
        file_name=statement_pdf.filename(premises_id, date_from, date_to),
        mime="application/pdf",
        icon=":material/download:",
        on_click="ignore",
        key="dokumenty_zestawienie",
    )
