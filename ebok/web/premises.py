"""The premises a resident page shows: only the user's own (selector, ?lokal=, session)."""

from __future__ import annotations

import streamlit as st

from ebok.auth import premises
from ebok.core import clock, text
from ebok.core.i18n import _
from ebok.domain import finance
from ebok.storage import audit, warehouse
from ebok.web import cached, client
from ebok.web.session import PREMISES_KEY, CurrentUser

_LOKAL_WRITTEN = "_ebok_lokal_written"


def default_premises(ids: tuple[str, ...], summaries: list[finance.Summary]) -> str:
    """Return the premises shown first after login: the one with most to pay, else a residential one.

    Not simply the first id: for a member with a flat and a garage that is the garage (G sorts
    before M), and the money that needs attention is usually the flat's.
    """
    found = {s.premises_id: s for s in summaries}
    owing = [pid for pid in ids if pid in found and found[pid].to_pay > 0]
    if owing:
        return max(owing, key=lambda pid: (found[pid].overdue, found[pid].to_pay))
    residential = [pid for pid in ids if pid in found and found[pid].kind == "residential"]
    return (residential or list(ids))[0]


def _first_shown(ids: tuple[str, ...]) -> str:
    """Return the premises a new session starts on (Saldo's cached summaries: no extra query)."""
    version = warehouse.current_version()
    if len(ids) == 1 or version is None:
        return ids[0]
    summaries, _unused = cached.saldo_load(ids, version, clock.today())
    return default_premises(ids, summaries)


def _remember_pick(widget: str, ids: tuple[str, ...]) -> None:
    """Keep the resident's pick in our own session key (runs before the page's rerun)."""
    picked = st.session_state.get(widget)
    if picked in ids:
        st.session_state[PREMISES_KEY] = picked


def select_premises(user: CurrentUser) -> str:
    """Return the premises the page shows: the user's own only (selector, ?lokal=, session)."""
    ids = user.premises_ids
    if not ids:
        st.info(_("Do Twojego konta nie przypisano jeszcze żadnego lokalu. Skontaktuj się z biurem."))
        st.stop()
    url = st.query_params.get("lokal")
    if url and url not in ids:
        audit.record(
            "premises_denied", user.username, client_address=client.client_address(), requested=str(url)[:40]
        )
        st.warning(_("Lokal z adresu strony nie należy do Twojego konta; pokazujemy Twój lokal."))
        url = None
    current = st.session_state.get(PREMISES_KEY)
    if current not in ids:
        current = _first_shown(ids)
    # ?lokal= we did not write ourselves comes from a link or a typed address: it wins once.
    from_url = bool(url) and url != st.session_state.get(_LOKAL_WRITTEN)
    if from_url:
        current = url
    labels = {p.premises_id: p.label for p in premises.premises_of(user.customer_id, ())}
    if len(ids) > 1:
        widget = f"_ebok_premises_select_{user.username}"
        # The selector's value always comes from our own key, and a pick goes back into it through
        # on_change. Streamlit keys a widget's state by the page it was drawn on: after a page change
        # the old page's state is dropped a run later, and the selector fell back to its first
        # option (the garage), showing the wrong premises' money on the next page.
        st.session_state[widget] = current
        # In the page, under its title: the sidebar is a long expanded menu, so a selector there
        # would sit below it, out of sight (and out of a keyboard user's quick reach).
        st.selectbox(
            _("Lokal"),
            ids,
            key=widget,
            on_change=_remember_pick,
            args=(widget, ids),
            format_func=lambda pid: labels.get(pid, pid),
            placeholder=_("Wybierz lokal"),  # Streamlit's default is English
            width=480,
        )
        if st.query_params.get("lokal") != current:
            st.query_params["lokal"] = current
        st.session_state[_LOKAL_WRITTEN] = current
    else:
        # One premises, no selector: still say which premises the page's numbers belong to.
        st.caption(_("Lokal: {premises}").format(premises=text.escape_markdown(labels.get(current, current))))
    st.session_state[PREMISES_KEY] = current
    return current
