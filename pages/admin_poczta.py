"""Wiadomości e-mail: what really happened to each e-mail, and in a demo the mailbox to read them in."""

from __future__ import annotations

import streamlit as st

from ebok.core import settings
from ebok.domain import mailbox
from ebok.storage import outbox
from ebok.web import guard

user = guard.require_login("admin")
guard.data_as_of()

st.title("Wiadomości e-mail")

st.subheader("Wysyłka")
sent = outbox.recent(limit=200)
if not sent:
    st.info("Portal nie wysyłał jeszcze żadnych e-maili.")
else:
    # Recipients and subjects come from residents' input: a dataframe shows them as plain text.
    st.dataframe(
        [
            {
                "Zlecono": m.queued_local,
                "Do": m.recipient,
                "Temat": m.subject,
                "Stan": m.label,
            }
            for m in sent
        ],
        hide_index=True,
        width="stretch",
        key="poczta_wysylka",
    )
    st.caption(
        "„W kolejce” znaczy: jeszcze nie przekazano serwerowi poczty. Kolejkę wysyła `python -m ebok "
        "mail-flush` (cron); zaniechane po 2 dniach prób wznawia `python -m ebok mail-flush --retry`."
    )

if settings.demo_mode():
    st.subheader("Skrzynka demo")
    st.caption(
        "Tryb demo: e-maile nie wychodzą poza ten komputer, trafiają tutaj. "
        "Otwórz link z wiadomości, aby przejść aktywację konta albo zmianę hasła."
    )
    mails = mailbox.messages()
    if not mails:
        st.info("Skrzynka demo jest pusta.")
    else:
        by_number = {m.number: m for m in reversed(mails)}
        number = st.selectbox(
            "Wiadomość",
            list(by_number),
            format_func=lambda n: (
                f"{n}. {by_number[n].received_local} · {by_number[n].recipient} · {by_number[n].subject}"
            ),
            key="poczta_demo_nr",
        )
        mail = by_number[number]
        with st.container(border=True):
            st.text(
                f"Od: {mail.sender}\nDo: {mail.recipient}\nTemat: {mail.subject}\nOdebrano: {mail.received_local}"
            )
            st.text(mail.body)
            for i, link in enumerate(mail.links):
                st.link_button(f"Otwórz link {i + 1}", link)
