"""Komunikaty: the office writes to everyone, a building, a community or one customer, and sees reads."""

from __future__ import annotations

import streamlit as st

from ebok.core import fmt
from ebok.core.errors import FormError
from ebok.domain import messages
from ebok.web import forms, guard

user = guard.require_login("admin")
guard.data_as_of()

st.title("Komunikaty")

FLASH = "_komunikaty_flash"
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

tab_new, tab_sent = st.tabs(["Nowy komunikat", "Wysłane i odczyty"])

with tab_new:
    targets = messages.audience_targets()
    audience = st.selectbox(
        "Adresaci", list(messages.AUDIENCES), format_func=messages.AUDIENCES.get, key="msg_audience"
    )
    with st.form("new_message"):
        target = None
        if audience != "all":
            options = targets[audience]
            labels = dict(options)
            if not options:
                st.warning("Brak danych z systemu księgowego: nie ma z czego wybrać adresata.")
            target = st.selectbox(
                messages.AUDIENCES[audience],
                [t for t, _ in options],
                format_func=labels.get,
                key="msg_target",
            )
        subject = st.text_input("Temat", max_chars=messages.SUBJECT_MAX, key="msg_subject")
        body = st.text_area("Treść", height=200, max_chars=messages.BODY_MAX, key="msg_body")
        valid_until = st.date_input(
            "Ważny do (opcjonalnie)", value=None, format="DD.MM.YYYY", key="msg_until"
        )
        upload = st.file_uploader(
            "Załącznik (PDF, JPEG lub PNG)", type=["pdf", "jpg", "jpeg", "png"], key="msg_file"
        )
        if st.form_submit_button("Opublikuj", type="primary"):
            attachment = forms.upload_from(upload)
            try:
                messages.publish(user.username, audience, target, subject, body, attachment, valid_until)
            except FormError as exc:
                forms.show_problems(exc)
            else:
                # Empty the form only after a successful publish; a refused one keeps what was typed.
                for key in ("msg_subject", "msg_body", "msg_until", "msg_file"):
                    st.session_state.pop(key, None)
                st.session_state[FLASH] = "Komunikat opublikowany."
                st.rerun()

with tab_sent:
    views = messages.office_overview()
    if not views:
        st.info("Nie ma jeszcze komunikatów.")
    else:
        st.dataframe(
            [
                {
                    "Data": fmt.local_datetime(v.published_at)
                    if v.source == messages.SOURCE_OFFICE
                    else fmt.date(v.published_at.date()),
                    "Źródło": "e-BOK" if v.source == messages.SOURCE_OFFICE else "eksport",
                    "Adresaci": v.audience_label,
                    "Temat": v.subject,
                    "Przeczytało": f"{v.reads} z {v.recipients}",
                    "Autor": v.author or "",
                    "Załącznik": v.attachment_name or "",
                    "Wycofany": "tak" if v.withdrawn else "",
                }
                for v in views
            ],
            hide_index=True,
            width="stretch",
        )
        by_key = {v.key: v for v in views}
        chosen = st.selectbox(
            "Komunikat",
            list(by_key),
            format_func=lambda k: f"{by_key[k].subject} ({by_key[k].reads} z {by_key[k].recipients})",
            key="msg_chosen",
        )
        view = by_key[chosen]
        done, pending = messages.readers(chosen)
        total = len(done) + len(pending)
        st.markdown(f"**Przeczytane: {len(done)} z {total} {fmt.plural(total, 'konta', 'kont', 'kont')}**")
        c1, c2 = st.columns(2)
        with c1:
            st.caption("Przeczytali")
            st.dataframe(
                [
                    {
                        "Konto": r.username,
                        "Imię i nazwisko": r.name,
                        "Kiedy": fmt.local_datetime(r.read_at),
                    }
                    for r in done
                ],
                hide_index=True,
                width="stretch",
            )
        with c2:
            st.caption("Jeszcze nie przeczytali")
            st.dataframe(
                [{"Konto": u, "Imię i nazwisko": n} for u, n in pending], hide_index=True, width="stretch"
            )
        if view.source == messages.SOURCE_OFFICE and not view.withdrawn:
            if st.button("Wycofaj komunikat", key=f"withdraw-{chosen}"):
                messages.withdraw(chosen.split(":", 1)[1], user.username)
                st.session_state[FLASH] = "Komunikat wycofany: mieszkańcy już go nie zobaczą."
                st.rerun()
