"""Uchwały i głosowanie: the community's resolutions, one share-weighted vote per premises, results after close."""

from __future__ import annotations

import streamlit as st

from ebok.core import fmt
from ebok.core.errors import FormError
from ebok.core.i18n import N_, _
from ebok.domain import charts, voting
from ebok.web import client, forms, guard

user, premises_id, _version = guard.require_resident_page(N_("Uchwały i głosowanie"), "voting")

now = voting.local_now()
info = voting.premises_voting_info(premises_id)
if not info or not info["community_id"]:
    st.info(_("Ten lokal nie należy do wspólnoty mieszkaniowej, więc nie głosuje nad uchwałami."))
    st.stop()
st.caption(
    _("{community} · udział lokalu: {share} · głos ważony udziałem").format(
        community=info["community_name"] or info["community_id"],
        share=fmt.number(info["share"], 4) if info["share"] is not None else _("brak"),
    )
)

# Owners vote with their share; a premises without one (e.g. a tenant's) may read, not vote.
may_vote = info["share"] is not None and info["share"] > 0
if not may_vote:
    st.info(_("Ten lokal nie ma udziału we wspólnocie, więc nie głosuje; możesz czytać uchwały i wyniki."))

items = voting.resolutions_for_premises(premises_id)
if not items:
    st.info(_("Wspólnota nie ma uchwał poddanych pod głosowanie."))
    st.stop()

for r in items:
    state = r.state(now)
    with st.expander(f"{r.label()} — {r.state_name(now)}", expanded=state == "open"):
        st.caption(
            _("Głosowanie: {start} – {end}").format(
                start=fmt.datetime(r.vote_from), end=fmt.datetime(r.vote_to)
            )
        )
        if r.body:
            forms.safe_text(r.body)
        pdf = voting.resolution_pdf(r)
        if pdf:
            st.download_button(
                _("Pobierz treść uchwały (PDF)"), pdf, file_name=f"uchwala-{r.resolution_id}.pdf",
                mime="application/pdf", key=f"pdf-{r.resolution_id}",
            )  # fmt: skip
        mine = voting.vote_of(premises_id, r.resolution_id)
        if mine is not None:
            st.success(mine.text())
        elif state == "open" and may_vote:
            with st.form(f"vote-{premises_id}-{r.resolution_id}"):
                choice = st.radio(
                    _("Twój głos"), list(voting.CHOICES), format_func=lambda key: _(voting.CHOICES[key]), index=None,
                    key=f"choice-{premises_id}-{r.resolution_id}", horizontal=True,
                )  # fmt: skip
                sent = st.form_submit_button(_("Oddaj głos"), type="primary")
            if sent:
                try:
                    receipt = voting.cast_vote(
                        premises_id=premises_id,
                        resolution_id=r.resolution_id,
                        choice=choice,
                        username=user.username,
                        now=voting.local_now(),
                        client_address=client.client_address(),
                    )
                except FormError as exc:
                    forms.show_problems(exc)
                    if isinstance(exc, voting.AlreadyVoted):
                        st.info(exc.receipt.text())
                else:
                    st.success(
                        _("Dziękujemy, głos został zapisany. {receipt}").format(receipt=receipt.text())
                    )
        elif state == "planned":
            st.info(_("Głosowanie rozpocznie się {start}.").format(start=fmt.datetime(r.vote_from)))
        if state == "closed":
            res = voting.results(r.resolution_id, now, premises_id=premises_id)
            by_count, by_share = voting.turnout_text(res)
            c1, c2 = st.columns(2)
            c1.metric(_("Frekwencja (lokale)"), by_count)
            c2.metric(_("Frekwencja (udziały)"), by_share)
            st.dataframe(voting.results_rows(res), hide_index=True, width="stretch")
            st.plotly_chart(
                charts.voting_result(res.shares, voting.CHOICES),
                key=f"res-{r.resolution_id}",
                config=charts.CONFIG,
            )
            st.markdown(f"**{voting.outcome_text(res)}**")
        elif state == "open":
            st.caption(_("Wyniki zobaczysz po zakończeniu głosowania."))
