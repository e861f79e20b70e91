"""Rejestracja: a customer creates an account remotely; the activation link lands here too."""

from __future__ import annotations

import streamlit as st

from ebok.auth import registration
from ebok.core import config
from ebok.core.errors import FormError
from ebok.core.i18n import _
from ebok.storage import outbox
from ebok.web import client, forms, guard

CHALLENGE = "_reg_challenge"
CLOCK = "_reg_clock"
PROOF_FAILED = "_reg_proof_failed"
REFUSED = "_reg_refused"  # the problems of a send that drew a new question, shown after the rerun
# The honeypot's container. display:none keeps it from sighted users, the keyboard and screen
# readers alike (off-screen positioning would still be read out and reached with Tab); bots that
# fill every input of the page still fill it.
TRAP_KEY = "ebok_reg_trap"
TRAP_CSS = f"<style>.st-key-{TRAP_KEY} {{ display: none !important; }}</style>"

guard.guard_public_page()
st.title(_("Rejestracja w e-BOK"))

token = st.query_params.get("aktywacja")
if token:
    status = registration.activate(token, client.client_address())
    del st.query_params["aktywacja"]  # the single-use token should not linger in the address bar
    if status:
        st.success(status)
    else:
        st.error(_("Link aktywacyjny jest nieprawidłowy, został już użyty albo wygasł."))
    st.stop()

cfg = config.load()
if CHALLENGE not in st.session_state:
    st.session_state[CHALLENGE] = registration.new_challenge()
challenge: registration.Challenge = st.session_state[CHALLENGE]
# Set once, at the form's first render: corrections and re-sends never restart it.
form_clock: registration.FormClock = st.session_state.setdefault(CLOCK, registration.FormClock())

st.write(
    _(
        "Konto może założyć każdy klient: lokator, właściciel lokalu, najemca lokalu użytkowego i odbiorca "
        "wody. Podaj symbol klienta albo numer lokalu z rachunku lub zawiadomienia o opłatach, a na dowód "
        "kwotę jednej z {n} ostatnich opłat lub wpłat lokalu albo jednorazowy kod "
        "rejestracji z papierowego rachunku."
    ).format(n=registration.AMOUNT_ENTRIES)
)
st.markdown(TRAP_CSS, unsafe_allow_html=True)
with st.form("ebok_registration"):
    customer_id = st.text_input(
        _("Symbol klienta lub numer lokalu"),
        max_chars=20,
        help=_("Z rachunku lub zawiadomienia o opłatach, np. L0001 albo B0001/M001."),
    )
    email = st.text_input(_("E-mail"), max_chars=254, autocomplete="email")
    username = st.text_input(
        _("Nazwa użytkownika"),
        max_chars=40,
        help=_("3–40 znaków: małe litery, cyfry, kropka, myślnik, podkreślenie."),
    )
    password = st.text_input(_("Hasło"), type="password", max_chars=128, autocomplete="new-password")
    repeat = st.text_input(_("Powtórz hasło"), type="password", max_chars=128, autocomplete="new-password")
    st.subheader(_("Dowód, że jesteś klientem"))
    st.caption(_("Wystarczy jedno z dwóch pól."))
    amount = st.text_input(
        _("Kwota jednej z ostatnich opłat lub wpłat (zł)"),
        max_chars=30,
        help=_(
            "Kwota miesięcznej opłaty z zawiadomienia lub faktury albo kwota Twojego przelewu z ostatnich "
            "miesięcy, np. 412,50."
        ),
    )
    code = st.text_input(
        _("Kod rejestracji z rachunku"),
        max_chars=40,
        autocomplete="off",
        help=_(
            "Jednorazowy kod z papierowego rachunku lub zawiadomienia, np. K7QM-4XPR-2HTD. "
            "Wielkość liter, spacje i myślniki nie mają znaczenia."
        ),
    )
    with st.expander(
        _("Regulamin portalu (wersja {version})").format(version=cfg.registration.regulations_version)
    ):
        st.text(cfg.registration.regulations_text or _("Regulamin jest dostępny w biurze."))
    accept = st.checkbox(
        _("Akceptuję regulamin portalu (wersja {version})").format(
            version=cfg.registration.regulations_version
        )
    )
    # Keyed by the question: a new question comes with an empty answer field.
    answer = st.text_input(
        _("Pytanie kontrolne: {question}").format(question=challenge.question),
        max_chars=20,
        key=f"ebok_reg_answer_{challenge.key}",
    )
    with st.container(key=TRAP_KEY):
        website = st.text_input(
            _("Pole techniczne — nie wypełniaj"),
            key="ebok_reg_website",
            label_visibility="collapsed",
            autocomplete="off",
        )
    submitted = st.form_submit_button(_("Zarejestruj się"))

sent = registration.RegistrationForm(
    customer_id=customer_id,
    email=email,
    username=username,
    password=password,
    repeat=repeat,
    accept_regulations=accept,
    bot_answer=answer,
    amount=amount,
    code=code,
    website=website,
)


def offer_manual_check() -> bool:
    """Explain the manual check after a failed proof and offer it; True when the resident asks for it."""
    st.info(
        _(
            "Jeśli dane się zgadzają, a mimo to nie możesz ich potwierdzić (np. nie masz pod ręką rachunku), "
            "wyślij wniosek do biura. Pracownik sprawdzi go ręcznie, zanim konto zacznie działać."
        )
    )
    return st.button(_("Wyślij wniosek do biura do sprawdzenia"), key="ebok_reg_manual")


def send(manual: bool) -> None:
    """Register what the form holds; show the result or every refused field."""
    try:
        result = registration.register(
            sent,
            challenge,
            client.client_address(),
            elapsed_seconds=None if manual else form_clock.elapsed_at_send(),
            manual=manual,
        )
    except registration.ProofFailed as err:
        forms.show_problems(err)
        st.session_state[PROOF_FAILED] = True
        offer_manual_check()
    except FormError as err:
        forms.show_problems(err)
        st.session_state[PROOF_FAILED] = False
        if "Pytanie kontrolne" in err.fields or sent.website.strip():
            # A wrong answer gets a fresh question (and an empty field), so answers cannot be replayed.
            # Rerun at once: the form above still shows the old question, and an answer to it would fail.
            st.session_state[CHALLENGE] = registration.new_challenge()
            st.session_state[REFUSED] = err
            st.rerun()
    else:
        for key in (CHALLENGE, CLOCK, PROOF_FAILED):
            st.session_state.pop(key, None)
        outbox.try_send_now()
        st.success(registration.thanks(result, sent.email))


refused_before = st.session_state.pop(REFUSED, None)
if refused_before is not None:
    forms.show_problems(refused_before)
if submitted:
    send(manual=False)
elif st.session_state.get(PROOF_FAILED) and offer_manual_check():
    send(manual=True)
