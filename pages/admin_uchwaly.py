"""Uchwały (office): create resolutions with a voting window, follow turnout and results, export the record."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ebok.core import fmt
from ebok.core.errors import FormError
from ebok.core.i18n import _
from ebok.domain import charts, voting
from ebok.web import forms, guard

user = guard.require_login("admin")
guard.require_module("voting")
guard.data_as_of()

st.title(_("Uchwały"))
now = voting.local_now()

with st.expander(_("Nowa uchwała"), expanded=False):
    communities = {c["community_id"]: c["name"] for c in voting.communities()}
    if not communities:
        st.info(_("W danych z systemu księgowego nie ma wspólnot."))
    else:
        with st.form("new-resolution"):
            community_id = st.selectbox(
                _("Wspólnota"), list(communities), format_func=lambda c: communities[c], key="nr-community"
            )
            number = st.text_input(_("Numer uchwały"), placeholder=_("np. 4/2026"), key="nr-number")
            title = st.text_input(_("Tytuł"), key="nr-title")
            body = st.text_area(_("Treść"), key="nr-body")
            pdf = st.file_uploader(_("Plik PDF z treścią (opcjonalnie)"), type=["pdf"], key="nr-pdf")
            c1, c2 = st.columns(2)
            from_day = c1.date_input(
                _("Początek głosowania — dzień"), value=now.date(), format="DD.MM.YYYY", key="nr-from-day"
            )
            from_time = c1.time_input(
                _("Początek głosowania — godzina"), value=dt.time(8, 0), key="nr-from-time"
            )
            to_day = c2.date_input(
                _("Koniec głosowania — dzień"), value=now.date() + dt.timedelta(days=14), format="DD.MM.YYYY",
                key="nr-to-day",
            )  # fmt: skip
            to_time = c2.time_input(_("Koniec głosowania — godzina"), value=dt.time(20, 0), key="nr-to-time")
            sent = st.form_submit_button(_("Dodaj uchwałę"), type="primary")
        if sent:
            pdf_bytes = pdf.getvalue() if pdf is not None else None
            fingerprint = (community_id, (number or "").strip(), (title or "").strip())
            last = st.session_state.get("_nr_last")
            if last and last[0] == fingerprint:
                # The same form sent twice (double click): report the first save, add nothing.
                st.success(_("Uchwała nr {number} została już dodana.").format(number=fingerprint[1]))
            else:
                try:
                    created = voting.create_resolution(
                        community_id=community_id,
                        number=number,
                        title=title,
                        body=body,
                        pdf=pdf_bytes,
                        vote_from=dt.datetime.combine(from_day, from_time)
                        if from_day and from_time
                        else None,
                        vote_to=dt.datetime.combine(to_day, to_time) if to_day and to_time else None,
                        username=user.username,
                        now=voting.local_now(),
                    )
                except FormError as exc:
                    forms.show_problems(exc)
                else:
                    st.session_state["_nr_last"] = (fingerprint, created.resolution_id)
                    st.success(
                        _("Dodano uchwałę nr {number} ({id}).").format(
                            number=created.number, id=created.resolution_id
                        )
                    )

items = voting.all_resolutions()
if not items:
    st.info(_("Nie ma uchwał."))
    st.stop()

by_id = {r.resolution_id: r for r in items}
chosen = st.selectbox(
    _("Uchwała"),
    list(by_id),
    format_func=lambda rid: (
        f"{by_id[rid].label()} ({by_id[rid].community_id}) — {by_id[rid].state_name(now)}"
    ),
    key="uchwaly-chosen",
)
r = by_id[chosen]
st.caption(
    _("Głosowanie: {start} – {end} · źródło: {source}").format(
        start=fmt.datetime(r.vote_from),
        end=fmt.datetime(r.vote_to),
        source=_("biuro (e-BOK)") if r.source == "office" else _("system księgowy"),
    )
)
res = voting.results(r.resolution_id, now, admin=True)
by_count, by_share = voting.turnout_text(res)
c1, c2 = st.columns(2)
c1.metric(_("Frekwencja (lokale)"), by_count)
c2.metric(_("Frekwencja (udziały)"), by_share)
st.dataframe(voting.results_rows(res), hide_index=True, width="stretch")
st.plotly_chart(charts.voting_result(res.shares, voting.CHOICES), key="admin-result", config=charts.CONFIG)
if r.state(now) == "closed":
    st.markdown(f"**{voting.outcome_text(res)}**")
else:
    st.caption(_("Głosowanie trwa lub się nie rozpoczęło: wynik jest wstępny i mieszkańcy go nie widzą."))

st.subheader(_("Protokół głosowania"))
st.dataframe(voting.record_table(r.resolution_id), hide_index=True, width="stretch")
d1, d2 = st.columns(2)
d1.download_button(
    _("Pobierz protokół (PDF)"), voting.record_pdf(r.resolution_id, now), file_name=f"protokol-{r.resolution_id}.pdf",
    mime="application/pdf", key="record-pdf",
)  # fmt: skip
d2.download_button(
    _("Pobierz protokół (CSV)"), voting.record_csv(r.resolution_id), file_name=f"protokol-{r.resolution_id}.csv",

    mime="text/csv", key="record-csv",
)  # fmt: skip
