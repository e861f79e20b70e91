"""Rejestracja: a customer creates an account remotely; the activation link lands here too."""

from __future__ import annotations

import streamlit as st

from ebok.auth import registration
from ebok.core import config
from ebok.core.errors import FormError
from ebok.storage import outbox
from ebok.web import client, forms, guard

guard.guard_public_page()
st.title("Rejestracja w e-BOK")

token = st.query_params.get("aktywacja")
if token:
    status = registration.activate(token, client.client_address())
    del st.query_params["aktywacja"]  # the single-use token should not linger in the address bar
    if status:
        st.success(status)
    else:
        st.error("Link aktywacyjny jest nieprawidłowy, został już użyty albo wygasł.")
    st.stop()

cfg = config.load()
if "_reg_challenge" not in st.session_state:
    st.session_state["_reg_challenge"] = registration.new_challenge()
challenge: registration.Challenge = st.session_state["_reg_challenge"]

st.write(
    "Konto może założyć klient, który ma symbol klienta (z faktury lub zawiadomienia o opłatach). "
    "Na dowód podaj numer i kwotę brutto jednego z trzech ostatnich dokumentów."
)
with st.form("ebok_registration"):
    customer_id = st.text_input(
        "Symbol klienta", max_chars=5, help="Wielka litera i cztery cyfry, np. L0001."
    )
    email = st.text_input("E-mail", max_chars=254, autocomplete="email")
    username = st.text_input(
        "Nazwa użytkownika",
        max_chars=40,
        help="3–40 znaków: małe litery, cyfry, kropka, myślnik, podkreślenie.",
    )
    password = st.text_input("Hasło", type="password", max_chars=128, autocomplete="new-password")
    repeat = st.text_input("Powtórz hasło", type="password", max_chars=128, autocomplete="new-password")
    st.subheader("Dowód, że jesteś klientem")
    document_no = st.text_input("Numer dokumentu", max_chars=80, help="Np. FV/2026/11/0001.")
    amount = st.text_input("Kwota brutto (zł)", max_chars=20, help="Np. 412,50.")
    with st.expander(f"Regulamin portalu (wersja {cfg.registration.regulations_version})"):
        st.text(cfg.registration.regulations_text or "Regulamin jest dostępny w biurze.")
    accept = st.checkbox(f"Akceptuję regulamin portalu (wersja {cfg.registration.regulations_version})")
    answer = st.text_input(f"Pytanie kontrolne: {challenge.question}", max_chars=20)
    website = st.text_input(
        "Pole techniczne — nie wypełniaj", key="ebok_reg_website", label_visibility="collapsed"
    )
    submitted = st.form_submit_button("Zarejestruj się")

if submitted:
    try:
        result = registration.register(
            registration.RegistrationForm(
                customer_id=customer_id,
                email=email,
                username=username,
                password=password,
                repeat=repeat,
                document_no=document_no,
                amount=amount,
                accept_regulations=accept,
                bot_answer=answer,
                website=website,
            ),
            challenge,
            client.client_address(),
        )
    except FormError as err:
        forms.show_problems(err)
        # A fresh question after every failed try: answers cannot be replayed.
        st.session_state["_reg_challenge"] = registration.new_challenge()
    else:
        del st.session_state["_reg_challenge"]
        outbox.try_send_now()
        st.success(
            "Dziękujemy! Wysłaliśmy e-mail z linkiem potwierdzającym adres."
            + ("" if result.auto_approved else " Po potwierdzeniu konto zatwierdzi biuro.")
        )
