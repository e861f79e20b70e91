"""Powiadomienia: which e-mails the resident receives, where, how early, and their consent on record."""

from __future__ import annotations

import streamlit as st

from ebok.core import config
from ebok.core.errors import FormError
from ebok.core.i18n import _
from ebok.domain import notifications
from ebok.web import client, forms, guard

user = guard.require_login("resident")
st.title(_("Powiadomienia"))
guard.data_as_of()

if not user.customer_id:
    st.info(_("To konto nie jest powiązane z klientem Spółdzielni, więc nie ma powiadomień do ustawienia."))
    st.stop()

cfg = config.load()
consent = notifications.consent(user.customer_id)

st.subheader(_("Zgoda na korespondencję elektroniczną"))
st.write(cfg.notifications.consent_text)
st.caption(
    _("Wersja treści: {version}. Stan: {state}.").format(
        version=cfg.notifications.consent_version, state=consent.label
    )
)
if consent.given:
    st.success(_("Zgoda jest udzielona: wysyłamy powiadomienia wybrane niżej."))
    if st.button(_("Wycofuję zgodę"), key="ebok_zgoda_wycofaj"):
        notifications.record_consent(
            user.customer_id, False, user.username, email=user.email, client_address=client.client_address()
        )
        st.rerun()
else:
    st.warning(
        _(
            "Bez zgody wysyłamy tylko wiadomości o koncie i bezpieczeństwie (aktywacja, zmiana hasła). "
            "Powiadomienia wybrane niżej zaczniemy wysyłać po udzieleniu zgody."
        )
    )
    if st.button(_("Wyrażam zgodę"), key="ebok_zgoda_udziel", type="primary"):
        notifications.record_consent(
            user.customer_id, True, user.username, email=user.email, client_address=client.client_address()
        )
        st.rerun()

prefs = notifications.preferences(user.customer_id, cfg)
st.subheader(_("Co chcesz dostawać"))
with st.form("ebok_powiadomienia"):
    chosen = {
        event.key: st.checkbox(
            _(event.label), value=prefs.wants(event.key), key=f"ebok_powiadomienie_{event.key}"
        )
        for event in notifications.visible_events(cfg)
    }
    email = st.text_input(
        _("Adres e-mail do powiadomień"),
        value=prefs.email or "",
        max_chars=254,
        placeholder=user.email or _("adres z kartoteki Spółdzielni"),
        help=_("Zostaw puste, aby używać adresu z kartoteki Spółdzielni albo z konta e-BOK."),
    )
    days = st.number_input(
        _("Dni przed terminem płatności"), min_value=0, max_value=30, value=prefs.due_days_before, step=1
    )
    digest = st.toggle(
        _("Zestawienie raz w tygodniu zamiast pojedynczych e-maili"),
        value=prefs.digest,
        help=_("Zestawienie wysyłamy raz w tygodniu; każde powiadomienie trafi do niego tylko raz."),
    )
    submitted = st.form_submit_button(_("Zapisz ustawienia"))
if submitted:
    try:
        # Events of modules switched off keep their value: the resident could not see them.
        notifications.save_preferences(
            user.customer_id, user.username, {**prefs.events, **chosen}, email, int(days), digest
        )
    except FormError as err:
        forms.show_problems(err)
    else:
        st.success(_("Zapisano ustawienia powiadomień."))

history = st.expander(_("Historia zgody"), key="ebok_zgoda_historia_box", on_change="rerun")
if history.open:
    with history:
        st.dataframe(
            notifications.consent_record(user.customer_id), hide_index=True, key="ebok_zgoda_historia"
        )
