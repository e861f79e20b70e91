"""Język: the language of the portal and of the e-mails, for this account."""

from __future__ import annotations

import streamlit as st

from ebok.core import i18n
from ebok.core.i18n import _
from ebok.web import guard, language

user = guard.require_login("any")
st.title(_("Język"))
guard.data_as_of()

st.write(_("Wybierz język portalu. W tym języku wyślemy też e-maile do Ciebie."))
language.switch(user.username, user.customer_id)
st.caption(
    _(
        "Dane z systemu księgowego (nazwy, adresy, opisy operacji) i komunikaty biura pokazujemy tak, "
        "jak je zapisano. Pliki eksportu dla księgowości mają zawsze ten sam układ."
    )
)
st.caption(_("Język tego konta: {name}.").format(name=i18n.NAMES[i18n.current()]))
