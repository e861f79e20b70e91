"""Informacje: the office's contact data, the RODO information and the accessibility statement."""

from __future__ import annotations

import streamlit as st

from ebok.core import config
from ebok.web import guard

guard.guard_public_page()  # open to everyone: the statement must be reachable before signing in
cfg = config.load()
company = cfg.company

st.title("Informacje i dostępność")

st.header("Administrator portalu")
st.text(company.name)
if company.address:
    st.text(company.address)
details = [
    ("NIP", company.nip),
    ("REGON", company.regon),
    ("E-mail", company.email),
    ("Telefon", ", ".join(company.phones)),
    ("Godziny pracy biura", company.office_hours),
]
for label, value in details:
    if value:
        st.text(f"{label}: {value}")

st.header("Informacja o przetwarzaniu danych osobowych (RODO)")
if cfg.texts.privacy.strip():
    st.text(cfg.texts.privacy)
else:
    st.info("Biuro nie opublikowało jeszcze informacji o przetwarzaniu danych. Zapytaj w biurze.")

st.header("Deklaracja dostępności")
if cfg.texts.accessibility.strip():
    st.text(cfg.texts.accessibility)
else:
    st.info("Biuro nie opublikowało jeszcze deklaracji dostępności. Zapytaj w biurze.")
