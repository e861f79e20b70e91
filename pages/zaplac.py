"""Zapłać: transfer details of the premises and a payment QR code (ZBP 2D standard) for banking apps."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ebok.core import fmt
from ebok.domain import payments
from ebok.web import cached, guard

user, premises_id, version = guard.require_resident_page("Zapłać", need_data=True)
today = dt.date.today()


transfer, png = cached.zaplac_load(premises_id, version, today)
if transfer is None:
    st.warning("Brak danych finansowych tego lokalu.")
    st.stop()

if transfer.overpaid:
    st.success(
        f"Masz nadpłatę {fmt.money(transfer.balance)} — teraz nie musisz nic wpłacać. "
        "Nadpłata zostanie zaliczona na kolejne opłaty."
    )
elif transfer.amount == 0:
    st.success("Wszystko zapłacone — teraz nie musisz nic wpłacać.")
else:
    st.info(payments.amount_text(transfer))

left, right = st.columns([3, 2])
with left:
    st.markdown("**Odbiorca**")
    st.code(transfer.recipient_name, language=None)
    if transfer.recipient_address:
        st.code(transfer.recipient_address, language=None)
    st.markdown("**Numer rachunku (indywidualny rachunek lokalu)**")
    st.code(transfer.account_display, language=None)
    st.markdown("**Tytuł przelewu**")
    st.code(transfer.title, language=None)
    st.markdown("**Kwota (zł)**")
    st.code(fmt.number(transfer.amount, 2), language=None)
with right:
    st.image(
        png,
        caption="Zeskanuj kod w aplikacji banku (płatność kodem QR).",
        alt="Kod QR przelewu z danymi podanymi obok: odbiorca, rachunek, tytuł i kwota.",
        width=260,
    )
    if not transfer.amount_fits_qr:
        st.warning(
            "Kwota przekracza 9 999,99 zł, której nie mieści kod QR: wpisz ją ręcznie w aplikacji banku."
        )
    with st.expander("Zawartość kodu QR"):
        st.code(transfer.payload, language=None)
st.caption(
    "Kod QR w standardzie 2D Związku Banków Polskich: NIP, kraj, rachunek, kwota w groszach, "
    "nazwa odbiorcy (20 znaków) i tytuł (32 znaki). Sprawdź dane przed zatwierdzeniem przelewu."
)
