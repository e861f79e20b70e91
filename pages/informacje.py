"""Informacje: the office's contact data, the RODO information and the accessibility statement."""

from __future__ import annotations

import streamlit as st

from ebok.core import config
from ebok.core.i18n import _
from ebok.web import guard

guard.guard_public_page()  # open to everyone: the statement must be reachable before signing in
cfg = config.load()
company = cfg.company

st.title(_("Informacje i dostępność"))

st.header(_("Administrator portalu"))
st.text(company.name)
if company.address:
    st.text(company.address)
details = [
    (_("NIP"), company.nip),
    (_("REGON"), company.regon),
    (_("E-mail"), company.email),
    (_("Telefon"), ", ".join(company.phones)),
    (_("Godziny pracy biura"), company.office_hours),
]
for label, value in details:
    if value:
        st.text(f"{label}: {value}")

st.header(_("Informacja o przetwarzaniu danych osobowych (RODO)"))
if cfg.texts.privacy.strip():
    st.text(cfg.texts.privacy)
else:
    st.info(_("Biuro nie opublikowało jeszcze informacji o przetwarzaniu danych. Zapytaj w biurze."))

st.header(_("Deklaracja dostępności"))
if cfg.texts.accessibility.strip():
    st.text(cfg.texts.accessibility)
else:
    st.info(_("Biuro nie opublikowało jeszcze deklaracji dostępności. Zapytaj w biurze."))
