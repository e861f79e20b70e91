"""Rozliczenia liczników (issue 3 §13): advances vs actual cost per settlement period, with documents."""

from __future__ import annotations

import functools

import streamlit as st

from ebok.core.i18n import N_, _
from ebok.domain import charts, documents, finance
from ebok.web import cached, guard

user, premises_id, version = guard.require_resident_page(
    N_("Rozliczenia liczników"), "settlements", need_data=True
)


items, table = cached.rozliczenia_load(premises_id, version)
if not items:
    st.info(_("Dla tego lokalu nie ma jeszcze rozliczeń mediów."))
    st.stop()

st.caption(_("Wynik = zaliczki − koszt rzeczywisty: dodatni to nadpłata, ujemny to niedopłata."))
st.dataframe(table, hide_index=True, key="rozliczenia_tabela")

for s in items:
    with st.container(border=True):
        st.markdown(finance.settlement_text(s))
        if s.document_id:
            # The file is read only on click; read_document checks that it belongs to this premises.
            st.download_button(
                _("Pobierz dokument rozliczenia: {title}").format(title=s.document_title or s.document_id),
                functools.partial(documents.read_pdf, premises_id, s.document_id),
                file_name=f"{s.document_id}.pdf",
                mime="application/pdf",
                icon=":material/download:",
                on_click="ignore",
                key=f"rozliczenia_{s.settlement_id}",
            )

if st.toggle(_("Pokaż wykres zaliczek i kosztów"), key="rozliczenia_wykres_on"):
    st.plotly_chart(charts.settlement_results(items), key="rozliczenia_wykres", config=charts.CONFIG)
