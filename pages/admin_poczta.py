"""Wiadomości e-mail: what really happened to each e-mail, and in a demo the mailbox to read them in."""

from __future__ import annotations

import streamlit as st

from ebok.core import settings
from ebok.core.i18n import _
from ebok.domain import mailbox, notifications
from ebok.storage import outbox
from ebok.web import guard

user = guard.require_login("admin")
guard.data_as_of()

st.title(_("Wiadomości e-mail"))

st.subheader(_("Wysyłka"))
sent = outbox.recent(limit=200)
if not sent:
    st.info(_("Portal nie wysyłał jeszcze żadnych e-maili."))
else:
    events = notifications.events_of_messages(m.message_id for m in sent)
    # Recipients and subjects come from residents' input: a dataframe shows them as plain text.
    st.dataframe(
        [
            {
                _("Nr"): m.message_id,
                _("Zlecono"): m.queued_local,
                _("Do"): m.recipient,
                _("Temat"): m.subject,
                _("Powiadomienie"): events.get(m.message_id, ""),
                _("Stan"): m.label,
            }
            for m in sent
        ],
        hide_index=True,
        width="stretch",
        key="poczta_wysylka",
    )
    st.caption(
        _(
            "„W kolejce” znaczy: jeszcze nie przekazano serwerowi poczty. Kolejkę wysyła polecenie python -m ebok "
            "mail-flush (cron); zaniechane po 2 dniach prób wznawia polecenie python -m ebok mail-flush --retry."
        )
    )
    by_id = {m.message_id: m for m in sent}
    with st.form("poczta_ponownie"):
        chosen = st.selectbox(
            _("Wyślij ponownie jedną wiadomość"),
            list(by_id),
            format_func=lambda i: f"{i}. {by_id[i].recipient} · {by_id[i].subject} · {by_id[i].label}",
            key="poczta_ponownie_nr",
        )
        again = st.form_submit_button(_("Wyślij ponownie"))
    if again and chosen is not None:
        new_id = outbox.resend(chosen)
        outbox.try_send_now()
        st.success(
            _("Wiadomość {number} wstawiono ponownie do kolejki jako nr {new_number}.").format(
                number=chosen, new_number=new_id
            )
        )

st.subheader(_("Zgody na korespondencję elektroniczną"))
st.caption(
    _(
        "Każde udzielenie i wycofanie zgody: kiedy, którą wersję treści, jak (e-BOK, biuro, link rezygnacji) "
        "i kto. Ten sam rejestr w terminalu: polecenie python -m ebok consent list --csv."
    )
)
customer = st.text_input(
    _("Numer klienta (puste = wszyscy)"), max_chars=20, key="poczta_zgody_klient"
).strip()
record = notifications.consent_record(customer or None)
if not record:
    st.info(_("Brak zapisanych zgód."))
else:
    st.dataframe(record, hide_index=True, width="stretch", key="poczta_zgody")
    st.download_button(
        _("Pobierz rejestr zgód (CSV)"),
        notifications.consent_csv(customer or None),
        file_name=f"zgody-{customer or 'wszyscy'}.csv",
        mime="text/csv",
        key="poczta_zgody_csv",
    )

if settings.demo_mode():
    st.subheader(_("Skrzynka demo"))
    st.caption(
        _(
            "Tryb demo: e-maile nie wychodzą poza ten komputer, trafiają tutaj. "
            "Otwórz link z wiadomości, aby przejść aktywację konta albo zmianę hasła."
        )
    )
    mails = mailbox.messages()
    if not mails:
        st.info(_("Skrzynka demo jest pusta."))
    else:
        by_number = {m.number: m for m in reversed(mails)}
        number = st.selectbox(
            _("Wiadomość"),
            list(by_number),
            format_func=lambda n: (
                f"{n}. {by_number[n].received_local} · {by_number[n].recipient} · {by_number[n].subject}"
            ),
            key="poczta_demo_nr",
        )
        mail = by_number[number]
        with st.container(border=True):
            st.text(
                _("Od: {sender}\nDo: {recipient}\nTemat: {subject}\nOdebrano: {received}").format(
                    sender=mail.sender,
                    recipient=mail.recipient,
                    subject=mail.subject,
                    received=mail.received_local,
                )
            )
            st.text(mail.body)
            for i, link in enumerate(mail.links):
                st.link_button(_("Otwórz link {number}").format(number=i + 1), link)
